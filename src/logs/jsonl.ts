/**
 * JSONL metrics: one JSON object per line, with a `type` (`eval`, `train`, `rollout`, …) and a
 * step. Each numeric field of a line that is read becomes a point of the metric `<type>/<field>`
 * (or `<field>` on lines without a type). The learning rate is read from any line that has the
 * learning-rate field, whatever its type; lines of type `config` or `hparams` are settings, and
 * may state the learning rate when no line logs it. Python's NaN / Infinity are accepted.
 */
import { parsePythonJson } from './json-text.ts';
import { flattenSettings, labelFromFileName, LogInputError, parseLogNumber, RunBuilder, type TrainingRun } from './run.ts';
import { excerpt } from '../spec/index.ts';

export interface JsonlMapping {
  typeField?: string; // default 'type'
  types?: string[]; // types whose lines give metrics; default every type except the config types
  step?: string; // default: the first of JSONL_STEP_FIELDS that a metric line has
  learningRate?: string; // default: the first of JSONL_LEARNING_RATE_FIELDS present
  run?: string; // a field naming the run, for files holding several runs; default one run per file
}

export const JSONL_STEP_FIELDS = ['step', 'global_step', '_step', 'train_step'] as const;
export const JSONL_LEARNING_RATE_FIELDS = ['learning_rate', 'lr', 'actor/lr'] as const;
/** Line types that hold settings rather than metrics. */
export const JSONL_CONFIG_TYPES = ['config', 'hparams'] as const;

/**
 * Reads JSONL metrics into runs (one unless `mapping.run` names a field). Refuses a line that is
 * not a JSON object (naming its line number), a metric line without a numeric step, a learning
 * rate that is not a number, and a file with no metric lines.
 *
 * @example
 *   readJsonlRuns('run-3e-6.jsonl', text, { types: ['eval'] }).map((r) => r.metrics['eval/accuracy']);
 */
export function readJsonlRuns(name: string, text: string, mapping: JsonlMapping = {}): TrainingRun[] {
  const typeField = mapping.typeField ?? 'type';
  const wanted = mapping.types ? new Set(mapping.types) : undefined;
  const configTypes = new Set<string>(JSONL_CONFIG_TYPES);
  const fileLabel = labelFromFileName(name);
  const runs = new Map<string, RunBuilder>();
  const runOf = (label: string) => {
    let run = runs.get(label);
    if (!run) runs.set(label, (run = new RunBuilder(label, name, 'jsonl')));
    return run;
  };
  let stepField = mapping.step;
  let lrField = mapping.learningRate;
  let runName: string | undefined;
  let lineNo = 0;
  let from = 0;
  while (from <= text.length) {
    let end = text.indexOf('\n', from);
    if (end === -1) end = text.length;
    const raw = text.slice(from, end);
    from = end + 1;
    lineNo++;
    const source = raw.trim();
    if (source === '') continue;
    let object: unknown;
    try {
      object = parsePythonJson(source);
    } catch (error) {
      throw new LogInputError(name, lineNo, undefined, `not JSON (${excerpt((error as Error).message, 120)})`);
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new LogInputError(name, lineNo, undefined, 'not a JSON object');
    const fields = object as Record<string, unknown>;
    const type = typeof fields[typeField] === 'string' ? (fields[typeField] as string) : undefined;
    const label = mapping.run !== undefined && fields[mapping.run] !== undefined ? String(fields[mapping.run]) : undefined;
    if (type !== undefined && configTypes.has(type)) {
      const settings = flattenSettings(fields);
      delete settings[typeField];
      const run = label !== undefined ? runOf(label) : undefined;
      if (typeof settings.run_name === 'string' && mapping.run === undefined) runName = settings.run_name;
      const lrKey = lrField ?? JSONL_LEARNING_RATE_FIELDS.find((k) => k in settings) ?? Object.keys(settings).find((k) => /(^|\.)(lr|learning_rate)$/.test(k));
      const lr = lrKey === undefined ? undefined : parseLogNumber(settings[lrKey]);
      for (const target of run ? [run] : [runOf(fileLabel)]) {
        Object.assign(target.settings, settings);
        if (lr !== undefined && lr > 0) target.configLearningRate = lr;
      }
      continue;
    }
    stepField ??= JSONL_STEP_FIELDS.find((k) => k in fields);
    if (stepField === undefined) throw new LogInputError(name, lineNo, JSONL_STEP_FIELDS[0], `no step field (tried ${JSONL_STEP_FIELDS.join(', ')}); map one`);
    const step = parseLogNumber(fields[stepField]);
    if (step === undefined || !Number.isFinite(step))
      throw new LogInputError(name, lineNo, stepField, `step ${excerpt(JSON.stringify(fields[stepField]) ?? 'is missing')}, not a number`);
    const run = runOf(label ?? fileLabel);
    lrField ??= JSONL_LEARNING_RATE_FIELDS.find((k) => k in fields);
    if (lrField !== undefined && lrField in fields) {
      const lr = parseLogNumber(fields[lrField]);
      if (lr === undefined)
        throw new LogInputError(name, lineNo, lrField, `learning rate ${excerpt(JSON.stringify(fields[lrField]) ?? 'undefined')} is not a number`);
      run.addLearningRate(step, lr);
    }
    if (wanted && (type === undefined || !wanted.has(type))) continue;
    const prefix = type === undefined ? '' : `${type}/`;
    for (const [key, value] of Object.entries(fields)) {
      if (key === stepField || key === typeField || key === mapping.run) continue;
      const number = parseLogNumber(value);
      if (number !== undefined && typeof value !== 'string') run.addMetric(prefix + key, step, number);
    }
  }
  const finished = [...runs.values()].filter((run) => run.pointCount > 0 || runs.size === 1);
  if (finished.length === 0) throw new LogInputError(name, undefined, undefined, 'empty log: no metric lines');
  if (runName !== undefined && finished.length === 1 && mapping.run === undefined) finished[0].label = runName;
  return finished.map((run) => run.finish(lrField ?? JSONL_LEARNING_RATE_FIELDS[0]));
}
