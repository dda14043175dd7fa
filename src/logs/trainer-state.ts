/**
 * Hugging Face / TRL `trainer_state.json`: `log_history` is a list of entries, each with a `step`.
 * Training entries carry `learning_rate` (which follows the schedule), `reward`,
 * `rewards/<name>/mean`, `reward_std`, `frac_reward_zero_std`, `completions/mean_length` (older
 * TRL: `completion_length`), `kl`, `grad_norm`, `entropy`…; eval entries carry `eval_*` keys; the
 * last entry summarises training (`train_runtime`, `train_loss`, …) and goes to the settings.
 */
import { excerpt, quoteValue, jsonTooDeepAt, MAX_JSON_DEPTH } from './input-limits.ts';
import { lineAt, lineOfJsonPath, lineOfSyntaxError, parsePythonJson } from './json-text.ts';
import { labelFromFileName, LogInputError, parseLogNumber, RunBuilder, type TrainingRun } from './run.ts';

/** Keys of the closing summary entry of `log_history`. */
const SUMMARY_KEYS = ['train_runtime', 'train_samples_per_second', 'train_steps_per_second', 'total_flos', 'train_loss'];

/**
 * Reads one `trainer_state.json` into one run, labelled by its `run_name` if it has one, else by
 * the file name (for `…/lr-1e-6/checkpoint-500/trainer_state.json`: `lr-1e-6`).
 *
 * @example
 *   const [run] = readTrainerState('lr-1e-6/trainer_state.json', text);
 *   run.schedule.shape; // 'warmup-cosine'
 *   run.metrics['reward']; // { steps: [1, 2, …], values: [0.1, 0.15, …] }
 */
export function readTrainerState(name: string, text: string, learningRateGiven = false): TrainingRun[] {
  const deep = jsonTooDeepAt(text);
  if (deep !== -1) throw new LogInputError(name, lineAt(text, deep), undefined, `nested deeper than ${MAX_JSON_DEPTH} levels: not a trainer_state.json`);
  let doc: unknown;
  try {
    doc = parsePythonJson(text);
  } catch (error) {
    throw new LogInputError(
      name,
      lineOfSyntaxError(text, error),
      undefined,
      `not valid JSON (${excerpt(error instanceof Error ? error.message : String(error), 80)})`,
    );
  }
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as { log_history?: unknown }).log_history)) {
    throw new LogInputError(name, 1, 'log_history', 'not a trainer_state.json: no log_history list');
  }
  const state = doc as Record<string, unknown> & { log_history: unknown[] };
  const label = typeof state.run_name === 'string' && state.run_name !== '' ? state.run_name : labelFromFileName(name);
  const run = new RunBuilder(label, name, 'trainer-state');
  for (const [key, value] of Object.entries(state)) {
    if (key !== 'log_history' && (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')) run.settings[key] = value;
  }
  const at = (index: number, field: string) => lineOfJsonPath(text, ['log_history', index, field]);
  state.log_history.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw new LogInputError(name, lineOfJsonPath(text, ['log_history', index]), `log_history[${index}]`, 'an entry is not an object');
    const fields = entry as Record<string, unknown>;
    const step = parseLogNumber(fields.step);
    if (step === undefined || !Number.isFinite(step))
      throw new LogInputError(
        name,
        at(index, 'step'),
        `log_history[${index}].step`,
        `step is ${'step' in fields ? quoteValue(fields.step) : 'missing'}, not a number`,
      );
    if (SUMMARY_KEYS.some((k) => k in fields)) {
      for (const [key, value] of Object.entries(fields)) if (typeof value === 'number') run.settings[`summary.${key}`] = value;
      return;
    }
    for (const [key, raw] of Object.entries(fields)) {
      if (key === 'step') continue;
      const value = parseLogNumber(raw);
      if (key === 'learning_rate') {
        if (value === undefined)
          throw new LogInputError(name, at(index, key), `log_history[${index}].learning_rate`, `learning rate ${quoteValue(raw)} is not a number`);
        run.addLearningRate(step, value);
      }
      if (value !== undefined) run.addMetric(key, step, value);
    }
  });
  if (run.pointCount === 0) throw new LogInputError(name, undefined, 'log_history', 'empty log: no entries with metrics');
  return [run.finish('learning_rate', learningRateGiven)];
}
