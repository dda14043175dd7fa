/**
 * The learning-rate schedule's shape, read back from the logged lr series. A run's learning rate
 * is the schedule's peak; the shape says what happened around it: a linear warmup to the peak,
 * then constant, linear decay or cosine decay (Hugging Face's `get_*_schedule_with_warmup`,
 * which decay to 0 at the end of training).
 */

export type ScheduleShape = 'constant' | 'warmup-constant' | 'linear-decay' | 'warmup-linear-decay' | 'cosine' | 'warmup-cosine' | 'unknown';

export interface LearningRateSchedule {
  shape: ScheduleShape;
  peak: number; // the largest learning rate logged
  peakStep: number; // first step at the peak (NaN when unknown)
  warmupSteps: number; // steps from the first logged point to the peak; 0 without warmup (NaN when unknown)
  final: number; // the last learning rate logged (NaN when unknown)
}

/** Relative tolerance for "at the peak": logs print the lr with a few significant digits. */
const AT_PEAK = 1e-3;
/** A decay model fits when its RMS error, relative to the peak, is below this. */
const FIT_TOLERANCE = 0.02;

/**
 * Detects the shape from (step, lr) points (ascending steps; non-finite values ignored).
 * Decay is tested against two one-parameter models anchored at the peak, each with its horizon
 * fitted (so a run that ended before the schedule did still fits): linear, lr/peak = 1 − a·d, and
 * cosine to 0, lr/peak = ½(1 + cos πkd), d = steps since the peak. The better fit wins if it is
 * within FIT_TOLERANCE and clearly better than the other; otherwise 'unknown'.
 *
 * @example
 *   detectSchedule({ steps: [0, 10, 20, 30], values: [1e-6, 1e-6, 1e-6, 1e-6] }).shape; // 'constant'
 */
export function detectSchedule(series: { steps: readonly number[]; values: readonly number[] }): LearningRateSchedule {
  const steps: number[] = [];
  const lrs: number[] = [];
  series.values.forEach((v, i) => {
    if (Number.isFinite(v) && v >= 0) {
      steps.push(series.steps[i]);
      lrs.push(v);
    }
  });
  if (lrs.length === 0) return { shape: 'unknown', peak: NaN, peakStep: NaN, warmupSteps: NaN, final: NaN };
  let peak = 0;
  for (const v of lrs) if (v > peak) peak = v;
  const final = lrs[lrs.length - 1];
  const near = (v: number) => Math.abs(v - peak) <= AT_PEAK * peak;
  const p = lrs.findIndex(near);
  const base = { peak, peakStep: steps[p], warmupSteps: steps[p] - steps[0], final };
  if (peak === 0) return { ...base, shape: 'unknown' };
  const warmup = p > 0;
  if (lrs.every(near)) return { ...base, shape: 'constant' };
  if (lrs.slice(p).every(near)) return { ...base, shape: warmup ? 'warmup-constant' : 'constant' };
  // Decay after the peak: fit both models on the points past it.
  const d: number[] = [];
  const y: number[] = [];
  for (let i = p + 1; i < lrs.length; i++) {
    d.push(steps[i] - steps[p]);
    y.push(lrs[i] / peak);
  }
  if (d.length < 2) return { ...base, shape: 'unknown' };
  const linear = rmsOfFit(
    d,
    y,
    (yi) => 1 - yi,
    (t) => Math.max(0, 1 - t),
  );
  const cosine = rmsOfFit(
    d,
    y,
    (yi) => Math.acos(Math.min(1, Math.max(-1, 2 * yi - 1))) / Math.PI,
    (t) => 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))),
  );
  const best = Math.min(linear, cosine);
  if (!(best < FIT_TOLERANCE) || Math.max(linear, cosine) < 2 * best) return { ...base, shape: 'unknown' };
  if (linear === best) return { ...base, shape: warmup ? 'warmup-linear-decay' : 'linear-decay' };
  return { ...base, shape: warmup ? 'warmup-cosine' : 'cosine' };
}

/**
 * RMS error in lr/peak of the best model y = f(k·d): `toLinear` maps y to the model's linear
 * coordinate t = k·d, where k is fitted by least squares through the origin.
 */
function rmsOfFit(d: number[], y: number[], toLinear: (y: number) => number, model: (t: number) => number): number {
  let sdt = 0;
  let sdd = 0;
  for (let i = 0; i < d.length; i++) {
    sdt += d[i] * toLinear(y[i]);
    sdd += d[i] * d[i];
  }
  const k = sdt / sdd;
  let se = 0;
  for (let i = 0; i < d.length; i++) se += (model(k * d[i]) - y[i]) ** 2;
  return Math.sqrt(se / d.length);
}
