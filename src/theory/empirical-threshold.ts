/**
 * The empirical critical step size of a sweep (SPEC 1.4): along η, for each combination of the
 * other grid axes, where the mean final J first falls below J0 and where the collapse
 * probability first reaches 1/2, interpolated on log η, each with a bootstrap interval over seeds.
 *
 * The bootstrap resamples seed indices with replacement and uses the same resample in every η
 * cell of a series: seed s runs the same instance from the same θ0 in every cell (paired design,
 * src/model/instance.ts), so the pairing is kept. Draws come from Philox, so intervals are
 * reproducible. Diverged runs count as collapsed and are left out of means, as in cellStats.
 *
 * It reads only what a results summary keeps (src/results SweepSummary): the spec, which cells
 * finished, and each run's final and initial J and divergence.
 *
 * @example
 *   const rows = empiricalCriticalStepSize(summary);           // one row per series
 *   rows[0].collapseCrossing.stepSize;                          // η where P(collapse) reaches 1/2
 *   [rows[0].collapseCrossing.low, rows[0].collapseCrossing.high]; // 95% bootstrap interval
 */
import { philoxWord0, uniformFromBits, type Cell, type GridKey } from '../engine/index.ts';
import { cellEffectiveStepSize, summaryCells, type SweepSummary } from '../results/index.ts';
import { TheoryInputError } from './theory-input.ts';

/** What the threshold reads of a sweep's results; a SweepSummary is one (runs are indexed cell·seeds + seed). */
export type SweepFinals = Pick<SweepSummary, 'spec' | 'cellStats' | 'finalJ' | 'diverged' | 'initialJ'> &
  Partial<Pick<SweepSummary, 'recordSteps' | 'lengthBands'>>; // the lengths place an EOS sweep's effective step

/** Key word 1 of the bootstrap stream: distinct from the training (0) and instance (1) streams. */
const STREAM_BOOTSTRAP = 0xb0075;

export type CrossingStatus = 'found' | 'below-grid' | 'above-grid';

export interface ThresholdCrossing {
  stepSize: number | null; // raw η of the crossing, interpolated on log η; null unless found
  status: CrossingStatus; // below-grid: already crossed at the smallest η; above-grid: never crossed
  low: number | null; // bootstrap interval, raw η; null = beyond the grid on that side
  high: number | null;
  resamplesFound: number; // resamples whose crossing lies inside the grid
}

export interface EmpiricalThreshold {
  values: Partial<Record<GridKey, number | string>>; // the other grid axes of this series
  series: string; // the same values as text, for a legend ("L=8, aggregation=token-mean")
  J0: number; // reference of the mean-J crossing: the J0 field, or the mean initial J when θ0 is explicit
  effectiveScale: number; // effective step size = η · effectiveScale (results cellEffectiveStepSize: with EOS, by E_θ0|o|)
  stepSizes: number[]; // η of the series, ascending
  meanFinalJ: number[]; // per η, over finite runs
  collapseProbability: number[]; // per η, diverged runs counted as collapsed
  seeds: number;
  diverged: number; // diverged runs in the series
  meanCrossing: ThresholdCrossing; // mean final J first below J0
  collapseCrossing: ThresholdCrossing; // collapse probability first ≥ collapseLevel (1/2 unless asked)
}

export interface BootstrapOptions {
  resamples?: number; // default 1000
  confidence?: number; // central interval, default 0.95
  seed?: number; // Philox key word 0, default 1
  collapseLevel?: number; // collapse probability that marks the threshold, default 1/2 (SPEC P2 uses 0.15)
}

interface Series {
  values: Partial<Record<GridKey, number | string>>;
  cells: Cell[]; // sorted by η
}

/** First crossing of `level` along log η, going from above (direction −1) or from below (+1). */
function crossing(etas: number[], y: number[], level: number, direction: 1 | -1): { eta: number | null; status: CrossingStatus } {
  const crossed = (v: number) => (direction < 0 ? !(v >= level) : v >= level); // NaN (all diverged) counts as fallen
  for (let i = 0; i < etas.length; i++) {
    if (!crossed(y[i])) continue;
    if (i === 0) return { eta: null, status: 'below-grid' };
    const a = y[i - 1];
    const b = y[i];
    const t = Number.isFinite(b) && a !== b ? (a - level) / (a - b) : 1;
    return { eta: Math.exp(Math.log(etas[i - 1]) + t * (Math.log(etas[i]) - Math.log(etas[i - 1]))), status: 'found' };
  }
  return { eta: null, status: 'above-grid' };
}

/** Mean final J over finite runs and collapse share, per cell, for one seed resample. */
function cellSummaries(finals: SweepFinals, series: Series, seedsOf: ArrayLike<number>) {
  const S = finals.spec.seeds;
  const mean: number[] = [];
  const collapse: number[] = [];
  for (const cell of series.cells) {
    const threshold = Math.fround(finals.spec.collapseFraction * cell.params.J0); // run-sweep.ts collapseThreshold
    let sum = 0;
    let finite = 0;
    let collapsed = 0;
    for (let j = 0; j < seedsOf.length; j++) {
      const run = cell.index * S + seedsOf[j];
      if (finals.diverged[run]) {
        collapsed++;
        continue;
      }
      const x = finals.finalJ[run];
      sum += x;
      finite++;
      if (x < threshold) collapsed++;
    }
    mean.push(finite ? sum / finite : NaN);
    collapse.push(collapsed / seedsOf.length);
  }
  return { mean, collapse };
}

function groupSeries(finals: SweepFinals): Series[] {
  const done = new Set(finals.cellStats.map((s) => s.cell));
  const byKey = new Map<string, Series>();
  for (const cell of summaryCells(finals)) {
    if (!done.has(cell.index)) continue; // unfinished chunk: no statistics yet
    const values = { ...cell.values };
    delete values.stepSize;
    const key = JSON.stringify(values);
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { values, cells: [] }));
    s.cells.push(cell);
  }
  const out = [...byKey.values()];
  for (const s of out) s.cells.sort((a, b) => a.params.stepSize - b.params.stepSize);
  return out;
}

/** Nearest-rank quantile of sorted values (±∞ allowed). */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function summarize(point: { eta: number | null; status: CrossingStatus }, draws: number[], confidence: number): ThresholdCrossing {
  draws.sort((a, b) => a - b);
  const finite = (v: number) => (Number.isFinite(v) && v > 0 ? v : null);
  return {
    stepSize: point.eta,
    status: point.status,
    low: finite(quantile(draws, (1 - confidence) / 2)),
    high: finite(quantile(draws, (1 + confidence) / 2)),
    resamplesFound: draws.filter((v) => Number.isFinite(v) && v > 0).length,
  };
}

/** One row per series of the sweep (each combination of the grid axes other than stepSize). */
export function empiricalCriticalStepSize(finals: SweepFinals, options: BootstrapOptions = {}): EmpiricalThreshold[] {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const seed = options.seed ?? 1;
  const level = options.collapseLevel ?? 0.5;
  if (!(level > 0 && level <= 1)) throw new TheoryInputError('collapseLevel', `collapseLevel = ${level}: must be in (0, 1]`);
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 100_000)
    throw new TheoryInputError('resamples', `resamples = ${resamples}: must be an integer in [1, 100000]`);
  if (!(confidence > 0 && confidence < 1)) throw new TheoryInputError('confidence', `confidence = ${confidence}: must be in (0, 1)`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new TheoryInputError('seed', `seed = ${seed}: must be an integer in [0, 2^32)`);
  const etas = finals.spec.grid.stepSize;
  if (!etas || etas.length < 2)
    throw new TheoryInputError('grid.stepSize', 'the sweep must vary stepSize over at least 2 values to locate a critical step size');
  const S = finals.spec.seeds;
  // Resample b draws seed indices idx[b][j]; shared by every series and cell.
  const idx: Uint32Array[] = [];
  for (let b = 0; b < resamples; b++) {
    const row = new Uint32Array(S);
    for (let j = 0; j < S; j++) row[j] = Math.min(S - 1, Math.floor(uniformFromBits(philoxWord0(b, j, 0, 0, seed, STREAM_BOOTSTRAP)) * S));
    idx.push(row);
  }
  const all = Uint32Array.from({ length: S }, (_, j) => j);
  return groupSeries(finals).map((series) => {
    const stepSizes = series.cells.map((c) => c.params.stepSize);
    const p0 = series.cells[0].params;
    let J0 = p0.J0;
    if (p0.theta0) {
      let s = 0;
      for (let j = 0; j < S; j++) s += finals.initialJ[series.cells[0].index * S + j];
      J0 = s / S;
    }
    let diverged = 0;
    for (const c of series.cells) for (let j = 0; j < S; j++) diverged += finals.diverged[c.index * S + j];
    const full = cellSummaries(finals, series, all);
    const meanDraws: number[] = [];
    const collapseDraws: number[] = [];
    // Out-of-grid resamples sort to the ends: below-grid as 0, above-grid as +∞.
    const asNumber = (c: { eta: number | null; status: CrossingStatus }) => (c.status === 'found' ? c.eta! : c.status === 'below-grid' ? 0 : Infinity);
    for (let b = 0; b < resamples; b++) {
      const r = cellSummaries(finals, series, idx[b]);
      meanDraws.push(asNumber(crossing(stepSizes, r.mean, J0, -1)));
      collapseDraws.push(asNumber(crossing(stepSizes, r.collapse, level, 1)));
    }
    return {
      values: series.values,
      series:
        Object.entries(series.values)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || 'all',
      J0,
      effectiveScale: cellEffectiveStepSize({ recordSteps: finals.recordSteps ?? [], lengthBands: finals.lengthBands }, series.cells[0], 1),
      stepSizes,
      meanFinalJ: full.mean,
      collapseProbability: full.collapse,
      seeds: S,
      diverged,
      meanCrossing: summarize(crossing(stepSizes, full.mean, J0, -1), meanDraws, confidence),
      collapseCrossing: summarize(crossing(stepSizes, full.collapse, level, 1), collapseDraws, confidence),
    };
  });
}
