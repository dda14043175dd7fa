/**
 * JSONL metrics: one JSON object per line, with a `type` (`eval`, `train`, `rollout`, …) and a
 * step. Each numeric field of a line that is read becomes a point of the metric `<type>/<field>`
 * (or `<field>` on lines without a type). The learning rate is read from any line that has the
 * learning-rate field, whatever its type; lines of type `config` or `hparams` are settings, and
 * may state the learning rate when no line logs it. Python's NaN / Infinity are accepted. Nested
 * objects are flattened: `{"rewards": {"acc": 1}}` gives the field `rewards/acc`.
 */
import { excerpt, quoteValue, jsonTooDeepAt, MAX_JSON_DEPTH, someNames } from './input-limits.ts';
import { parsePythonJson } from './json-text.ts';
import { flattenSettings, labelFromFileName, LogInputError, parseLogNumber, RunBuilder, type TrainingRun } from './run.ts';

export interface JsonlMapping {
  typeField?: string; // default 'type'
  types?: string[]; // types whose lines give metrics; default every type except the config types
  step?: string; // default: the first of JSONL_STEP_FIELDS that a metric line has (nested fields as 'a/b')
  learningRate?: string; // default: the first of JSONL_LEARNING_RATE_FIELDS present
  run?: string; // a field naming the run, for files holding several runs; default one run per file
  metrics?: string[]; // metric names to keep (as read: '<type>/<field>', nested 'a/b'); default every numeric field
}

export const JSONL_STEP_FIELDS = ['step', 'global_step', '_step', 'train_step', 'grpo_step', 'iteration'] as const;
export const JSONL_LEARNING_RATE_FIELDS = ['learning_rate', 'lr', 'actor/lr', 'train/learning_rate', 'train/lr'] as const;
/** Line types that hold settings rather than metrics. */
export const JSONL_CONFIG_TYPES = ['config', 'hparams'] as const;

/** A metric line's fields with nested objects flattened to 'a/b' keys (arrays are not metrics and are skipped). */
function flattenFields(value: Record<string, unknown>, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}/${key}`;
    if (child !== null && typeof child === 'object') {
      if (!Array.isArray(child)) flattenFields(child as Record<string, unknown>, path, into);
    } else into[path] = child;
  }
  return into;
}

/**
 * Reads JSONL metrics into runs (one unless `mapping.run` names a field). Nested objects are
 * flattened ('rewards/accuracy'). Refuses a line that is not a JSON object or nests deeper than
 * MAX_JSON_DEPTH (naming its line number), a metric line without a numeric step, a learning rate
 * that is not a number, a mapped metric no line has, and a file with no metric lines.
 *
 * @example
 *   readJsonlRuns('run-3e-6.jsonl', text, { types: ['eval'] }).map((r) => r.metrics['eval/accuracy']);
 */
export function readJsonlRuns(name: string, text: string, mapping: JsonlMapping = {}, learningRateGiven = false): TrainingRun[] {
  const typeField = mapping.typeField ?? 'type';
  const wanted = mapping.types ? new Set(mapping.types) : undefined;
  const keep = mapping.metrics ? new Set(mapping.metrics) : undefined;
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
    const deep = jsonTooDeepAt(source);
    if (deep !== -1)
      throw new LogInputError(name, lineNo, undefined, `nested deeper than ${MAX_JSON_DEPTH} levels (at column ${deep + 1}): not a metrics line`);
    let object: unknown;
    try {
      object = parsePythonJson(source);
    } catch (error) {
      throw new LogInputError(name, lineNo, undefined, `not JSON (${excerpt((error as Error).message, 80)})`);
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new LogInputError(name, lineNo, undefined, 'not a JSON object');
    const nested = object as Record<string, unknown>;
    const type = typeof nested[typeField] === 'string' ? (nested[typeField] as string) : undefined;
    if (type !== undefined && configTypes.has(type)) {
      const settings = flattenSettings(nested);
      delete settings[typeField];
      const label = mapping.run !== undefined && settings[mapping.run] !== undefined ? String(settings[mapping.run]) : undefined;
      const run = label !== undefined ? runOf(label) : undefined;
      if (typeof settings.run_name === 'string' && mapping.run === undefined) runName = settings.run_name;
      const lrKey =
        (lrField !== undefined && lrField.replace(/\//g, '.') in settings ? lrField.replace(/\//g, '.') : undefined) ??
        JSONL_LEARNING_RATE_FIELDS.find((k) => k in settings) ??
        Object.keys(settings).find((k) => /(^|\.)(lr|learning_rate)$/.test(k));
      const lr = lrKey === undefined ? undefined : parseLogNumber(settings[lrKey]);
      for (const target of run ? [run] : [runOf(fileLabel)]) {
        Object.assign(target.settings, settings);
        if (lr !== undefined && lr > 0) target.setConfigLearningRate(lr, `the config line ${lineNo} (${lrKey})`);
      }
      continue;
    }
    const fields = flattenFields(nested);
    const label = mapping.run !== undefined && fields[mapping.run] !== undefined ? String(fields[mapping.run]) : undefined;
    stepField ??= JSONL_STEP_FIELDS.find((k) => k in fields);
    if (stepField === undefined)
      throw new LogInputError(name, lineNo, JSONL_STEP_FIELDS[0], `no step field (tried ${JSONL_STEP_FIELDS.join(', ')}); map one (mapping.step)`);
    const step = parseLogNumber(fields[stepField]);
    if (step === undefined || !Number.isFinite(step))
      throw new LogInputError(name, lineNo, stepField, `step ${stepField in fields ? quoteValue(fields[stepField]) : 'is missing'}, not a number`);
    const run = runOf(label ?? fileLabel);
    lrField ??= JSONL_LEARNING_RATE_FIELDS.find((k) => k in fields);
    if (lrField !== undefined && lrField in fields) {
      const lr = parseLogNumber(fields[lrField]);
      if (lr === undefined) throw new LogInputError(name, lineNo, lrField, `learning rate ${quoteValue(fields[lrField])} is not a number`);
      run.addLearningRate(step, lr);
    }
    if (wanted && (type === undefined || !wanted.has(type))) continue;
    const prefix = type === undefined ? '' : `${type}/`;
    for (const [key, value] of Object.entries(fields)) {
      if (key === stepField || key === typeField || key === mapping.run) continue;
      if (keep && !keep.has(prefix + key)) continue;
      const number = parseLogNumber(value);
      if (number !== undefined && typeof value !== 'string') run.addMetric(prefix + key, step, number);
    }
  }
  const finished = [...runs.values()].filter((run) => run.pointCount > 0 || runs.size === 1);
  if (finished.length === 0) throw new LogInputError(name, undefined, undefined, 'empty log: no metric lines');
  if (keep) {
    const seen = new Set(finished.flatMap((run) => run.metricNames()));
    const missing = [...keep].filter((m) => !seen.has(m));
    if (missing.length > 0) throw new LogInputError(name, undefined, 'mapping.metrics', `no line has the mapped metric ${someNames(missing)}`);
  }
  if (runName !== undefined && finished.length === 1 && mapping.run === undefined) finished[0].label = runName;
  return finished.map((run) => run.finish(lrField ?? JSONL_LEARNING_RATE_FIELDS[0], learningRateGiven));
}
