/**
 * What every log reader produces: training runs, each a label, its (peak) learning rate with the
 * schedule's shape, the settings the log states, and one (step, value) series per metric. Readers
 * collect points through a `RunBuilder`, which sorts them by step and detects the schedule, so
 * every format ends in the same shape.
 */
import { excerpt } from './input-limits.ts';
import { detectSchedule, type LearningRateSchedule } from './schedule.ts';

/** The formats `detectFormat` tells apart. */
export type LogFormat = 'trainer-state' | 'csv' | 'jsonl' | 'verl' | 'wandb' | 'tensorboard';

/** One metric over steps: ascending steps, one value each; NaN is a gap at that step, a missing step is simply absent. */
export interface MetricSeries {
  steps: number[];
  values: number[];
}

export interface TrainingRun {
  label: string; // unique within a set of runs
  file: string; // the file it was read from
  format: LogFormat;
  learningRate: number; // the peak learning rate (positive, finite)
  learningRateSource: 'log' | 'config' | 'cell'; // logged per step or per row; from a config dump, line or file; or given in the logs cell
  learningRateFrom: string; // where exactly, in words ("the config dump on line 3 (actor_rollout_ref.actor.optim.lr)")
  schedule: LearningRateSchedule;
  settings: Record<string, string | number | boolean>; // other settings the log states (flattened, dotted keys)
  metrics: Record<string, MetricSeries>; // by the log's own metric name
  lastStep: number; // the largest step with any point: a run that ended early has a small one
  notes: string[]; // what the reader did that a reader of the results should know (metrics joined, lines skipped)
}

/** Bad input: the message names the file, and the line and field where known. */
export class LogInputError extends Error {
  override name = 'LogInputError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `, line ${line}`}${field === undefined ? '' : `, field ${excerpt(field)}`}: ${reason}`);
  }
}

/** A number as logs write it: numerals, nan/NaN, inf/Infinity; '' and null give NaN; anything else undefined. */
export function parseLogNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return undefined;
  if (raw === null) return NaN;
  if (typeof raw !== 'string') return undefined;
  const fast = Number(raw); // the common case; Number('') and Number(' ') are 0, hence the check
  if (!Number.isNaN(fast) && (fast !== 0 || raw.trim() !== '')) return fast;
  const text = raw.trim();
  if (text === '') return NaN;
  const n = Number(text);
  if (!Number.isNaN(n)) return n;
  const lower = text.toLowerCase();
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return undefined;
}

/** Label from a path: the file name without extension; for a generic `trainer_state.json`, the nearest folder that is not `checkpoint-N`. */
export function labelFromFileName(name: string): string {
  const parts = name.split(/[\\/]/).filter((p) => p !== '');
  const base = (parts.pop() ?? name).replace(/\.(json|jsonl|ndjson|csv|log|txt)$/i, '');
  if (base !== 'trainer_state' && !base.startsWith('events.out.tfevents.')) return base;
  for (let i = parts.length - 1; i >= 0; i--) if (!/^checkpoint-\d+$/.test(parts[i])) return parts[i];
  return base;
}

/** Flattens nested plain objects into dotted keys, keeping only scalar leaves. */
export function flattenSettings(value: unknown, prefix = '', into: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flattenSettings(child, prefix === '' ? key : `${prefix}.${key}`, into);
  } else if ((typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') && prefix !== '') {
    into[prefix] = value;
  }
  return into;
}

interface SeriesBuilder {
  steps: number[];
  values: number[];
  sorted: boolean;
}

function pushPoint(map: Map<string, SeriesBuilder>, name: string, step: number, value: number): void {
  let s = map.get(name);
  if (!s) map.set(name, (s = { steps: [], values: [], sorted: true }));
  const n = s.steps.length;
  if (n > 0 && step <= s.steps[n - 1]) s.sorted = false;
  s.steps.push(step);
  s.values.push(value);
}

/** Sorts by step; at a repeated step the point added last wins (a resumed run re-logs its steps). */
function finishSeries(s: SeriesBuilder): MetricSeries {
  if (s.sorted) return { steps: s.steps, values: s.values };
  const order = s.steps.map((_, i) => i).sort((a, b) => s.steps[a] - s.steps[b] || a - b);
  const steps: number[] = [];
  const values: number[] = [];
  for (const i of order) {
    if (steps.length > 0 && steps[steps.length - 1] === s.steps[i]) values[values.length - 1] = s.values[i];
    else {
      steps.push(s.steps[i]);
      values.push(s.values[i]);
    }
  }
  return { steps, values };
}

/** Collects one run's points in any order; `finish` sorts them and detects the schedule. */
export class RunBuilder {
  private readonly metrics = new Map<string, SeriesBuilder>();
  private readonly lr = new Map<string, SeriesBuilder>();
  readonly settings: Record<string, string | number | boolean> = {};
  configLearningRate: number | undefined; // from a config dump or line, when the log states one
  configLearningRateFrom = 'the config'; // where it was read, in words
  readonly notes: string[] = [];
  configSchedule: LearningRateSchedule | undefined; // the schedule a config states, used when the logged lr cannot show one

  constructor(
    public label: string,
    readonly file: string,
    readonly format: LogFormat,
  ) {}

  addMetric(name: string, step: number, value: number): void {
    pushPoint(this.metrics, name, step, value);
  }

  addLearningRate(step: number, lr: number): void {
    pushPoint(this.lr, 'lr', step, lr);
  }

  /** The learning rate a config states, and where it was read (in words, for the run's learningRateFrom). */
  setConfigLearningRate(lr: number, from: string): void {
    this.configLearningRate = lr;
    this.configLearningRateFrom = from;
  }

  /**
   * Moves the points of metric `from` into `into` when no step has both; returns the moved steps
   * (ascending), or undefined (and changes nothing) when they overlap.
   */
  joinMetric(from: string, into: string): number[] | undefined {
    const a = this.metrics.get(from);
    const b = this.metrics.get(into);
    if (!a || !b) return undefined;
    const taken = new Set(b.steps);
    if (a.steps.some((s) => taken.has(s))) return undefined;
    a.steps.forEach((s, i) => pushPoint(this.metrics, into, s, a.values[i]));
    this.metrics.delete(from);
    return [...a.steps].sort((x, y) => x - y);
  }

  /** Forgets the metrics `drop` names (a CSV column that turned out not to be numeric). */
  dropMetrics(drop: (name: string) => boolean): void {
    for (const name of [...this.metrics.keys()]) if (drop(name)) this.metrics.delete(name);
  }

  /** The names of the metrics collected so far. */
  metricNames(): string[] {
    return [...this.metrics.keys()];
  }

  get pointCount(): number {
    let n = 0;
    for (const s of this.metrics.values()) n += s.steps.length;
    return n;
  }

  /**
   * The finished run; refuses (naming `lrField`) when neither the log nor a config gives a
   * positive learning rate, unless `learningRateGiven` (the logs cell states it: NaN until applied).
   */
  finish(lrField: string, learningRateGiven = false): TrainingRun {
    const metrics: Record<string, MetricSeries> = {};
    let lastStep = -Infinity;
    for (const [name, s] of this.metrics) {
      metrics[name] = finishSeries(s);
      const steps = metrics[name].steps;
      if (steps.length > 0) lastStep = Math.max(lastStep, steps[steps.length - 1]);
    }
    if (lastStep === -Infinity) throw new LogInputError(this.file, undefined, undefined, `run ${excerpt(this.label)} has no metric points (empty log)`);
    const lrSeries = this.lr.get('lr');
    const logged = lrSeries ? detectSchedule(finishSeries(lrSeries)) : undefined;
    const loggedOk = logged !== undefined && logged.peak > 0 && Number.isFinite(logged.peak);
    const configOk = this.configLearningRate !== undefined && this.configLearningRate > 0 && Number.isFinite(this.configLearningRate);
    let learningRate: number;
    let learningRateSource: TrainingRun['learningRateSource'];
    let learningRateFrom: string;
    let schedule: LearningRateSchedule;
    if (configOk && (!loggedOk || this.format === 'verl' || logged!.shape !== 'constant')) {
      // verl rounds the logged lr (0.000), so its config is the exact value whenever it has one; and
      // under a schedule the largest logged value misses the peak between logged steps.
      learningRate = this.configLearningRate!;
      learningRateSource = 'config';
      learningRateFrom = this.configLearningRateFrom;
      const loggedShape = loggedOk && logged!.shape !== 'unknown' ? logged! : undefined;
      schedule = loggedShape
        ? { ...loggedShape, peak: learningRate }
        : (this.configSchedule ?? { shape: 'unknown', peak: learningRate, peakStep: NaN, warmupSteps: NaN, final: NaN });
    } else if (loggedOk) {
      learningRate = logged!.peak;
      learningRateSource = 'log';
      learningRateFrom = `the largest logged ${lrField}`;
      schedule = logged!;
      if (logged!.shape !== 'constant')
        this.notes.push(
          `the learning rate ${logged!.peak} is the largest logged value of a ${logged!.shape} schedule, which can miss the configured peak: state it (learningRate, or a config file, in the logs cell)`,
        );
    } else if (learningRateGiven) {
      learningRate = NaN;
      learningRateSource = 'log';
      learningRateFrom = 'none in the log';
      schedule = loggedOk ? logged! : { shape: 'unknown', peak: NaN, peakStep: NaN, warmupSteps: NaN, final: NaN };
    } else {
      throw new LogInputError(
        this.file,
        undefined,
        lrField,
        `run ${excerpt(this.label)}: no nonzero learning rate in the log${this.format === 'verl' ? ' or its config dump' : ''}`,
      );
    }
    return {
      label: this.label,
      file: this.file,
      format: this.format,
      learningRate,
      learningRateSource,
      learningRateFrom,
      schedule,
      settings: this.settings,
      metrics,
      lastStep,
      notes: [...this.notes],
    };
  }
}

/** Refuses two runs with the same label, naming both files. */
export function checkUniqueLabels(runs: readonly TrainingRun[]): void {
  const seen = new Map<string, TrainingRun>();
  for (const run of runs) {
    const other = seen.get(run.label);
    if (other) throw new LogInputError(run.file, undefined, 'label', `two runs are labelled ${excerpt(run.label)} (also in ${other.file})`);
    seen.set(run.label, run);
  }
}
