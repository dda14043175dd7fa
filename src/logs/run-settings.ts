/**
 * Settings a logs cell gives for one file: a learning rate stated in the cell, other settings, and
 * an attached config file (JSON or YAML) the run was started with. They win over what the log
 * prints, in that order (cell, then config file, then the log), and the run says where its
 * learning rate came from.
 */
import { excerpt, jsonTooDeepAt, MAX_JSON_DEPTH, someNames } from './input-limits.ts';
import { lineAt, lineOfSyntaxError, parsePythonJson } from './json-text.ts';
import { flattenSettings, LogInputError, type TrainingRun } from './run.ts';
import { readYamlSettings, YamlSubsetError } from './yaml-subset.ts';

type Setting = string | number | boolean;

/** What a logs cell states for one file. */
export interface RunSettingsInput {
  learningRate?: number; // the run's peak learning rate, as configured
  settings?: Record<string, Setting>; // any other setting (shown with the run, usable by a stopped rule)
  config?: { name: string; text: string }; // an attached config file, JSON or YAML
  learningRateKey?: string; // the config's key holding the learning rate (dotted); found when absent
  runLearningRates?: Record<string, number>; // by run label, for a file of several runs (a W&B panel export)
}

/** Config keys tried, in order, for the learning rate when the cell names none. */
export const CONFIG_LEARNING_RATE_KEYS = [
  'actor_rollout_ref.actor.optim.lr',
  'actor.optim.lr',
  'optim.lr',
  'optimizer.lr',
  'learning_rate',
  'lr',
  'training.learning_rate',
  'trainer.learning_rate',
] as const;

/**
 * A config file's settings, flattened to dotted keys: JSON (a `.json` name, or text starting
 * with `{`) or the YAML subset. LogInputError naming the file and line on what it cannot read.
 *
 * @example
 *   readConfigFile('run.yaml', 'actor:\n  optim:\n    lr: 1e-6\n'); // { 'actor.optim.lr': 1e-6 }
 */
export function readConfigFile(name: string, text: string): Record<string, Setting> {
  if (/\.json$/i.test(name) || text.trimStart().startsWith('{')) {
    const deep = jsonTooDeepAt(text);
    if (deep !== -1) throw new LogInputError(name, lineAt(text, deep), undefined, `nested deeper than ${MAX_JSON_DEPTH} levels: not a config file`);
    let doc: unknown;
    try {
      doc = parsePythonJson(text);
    } catch (error) {
      throw new LogInputError(name, lineOfSyntaxError(text, error), undefined, `not valid JSON (${excerpt((error as Error).message, 80)})`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new LogInputError(name, 1, undefined, 'a config file must be a JSON object');
    return flattenSettings(doc);
  }
  try {
    const out: Record<string, Setting> = {};
    for (const [k, v] of Object.entries(readYamlSettings(text))) if (v !== null) out[k] = v;
    return out;
  } catch (error) {
    if (error instanceof YamlSubsetError) throw new LogInputError(name, error.line, undefined, error.message.replace(/^line \d+: /, ''));
    throw error;
  }
}

/** The key of a config's learning rate: the named one, else the first of CONFIG_LEARNING_RATE_KEYS, else the only `….lr`. */
function learningRateKey(file: string, settings: Record<string, Setting>, named: string | undefined): string {
  if (named !== undefined) {
    if (!(named in settings)) throw new LogInputError(file, undefined, named, `no setting ${excerpt(named)} in the config file`);
    return named;
  }
  const known = CONFIG_LEARNING_RATE_KEYS.find((k) => k in settings);
  if (known) return known;
  const candidates = Object.keys(settings).filter((k) => /(^|\.)(lr|learning_rate)$/.test(k) && !/(^|\.)(critic|ref|reward_model)\./.test(k));
  if (candidates.length === 1) return candidates[0];
  throw new LogInputError(
    file,
    undefined,
    'learningRateKey',
    candidates.length === 0
      ? 'the config file has no learning rate (tried optim.lr, learning_rate, lr and any key ending .lr): name its key (learningRateKey)'
      : `the config file has several learning rates (${someNames(candidates)}): name one (learningRateKey)`,
  );
}

/**
 * The run with the cell's settings applied. `where` names the cell's field in messages
 * ("fileSettings['data/a.jsonl']").
 *
 * @example
 *   applyRunSettings(run, { learningRate: 1e-6 }, "fileSettings['a.jsonl']").learningRateSource; // 'cell'
 */
export function applyRunSettings(run: TrainingRun, input: RunSettingsInput, where: string): TrainingRun {
  const configSettings = input.config ? readConfigFile(input.config.name, input.config.text) : {};
  const settings = { ...run.settings, ...configSettings, ...input.settings };
  let learningRate = run.learningRate;
  let learningRateSource = run.learningRateSource;
  let learningRateFrom = run.learningRateFrom;
  if (input.learningRate !== undefined) {
    learningRate = input.learningRate;
    learningRateSource = 'cell';
    learningRateFrom = `the logs cell (${where}.learningRate)`;
  } else if (input.config) {
    const key = learningRateKey(input.config.name, configSettings, input.learningRateKey);
    const lr = Number(configSettings[key]);
    if (!(lr > 0 && Number.isFinite(lr)))
      throw new LogInputError(input.config.name, undefined, key, `learning rate ${excerpt(String(configSettings[key]))} is not a positive number`);
    learningRate = lr;
    learningRateSource = 'config';
    learningRateFrom = `the config file ${input.config.name} (${key})`;
  }
  const notes = [...run.notes];
  if (learningRateFrom !== run.learningRateFrom && learningRate !== run.learningRate)
    notes.push(`learning rate ${learningRate} from ${learningRateFrom}, over ${run.learningRate} from ${run.learningRateFrom}`);
  return { ...run, settings, learningRate, learningRateSource, learningRateFrom, schedule: { ...run.schedule, peak: learningRate }, notes };
}
