/**
 * Reproduce across adapters (compare.ts): the tolerances, the float-tie check of a GPU's file
 * re-run on the CPU twin, and the per-cell sampling-error check.
 */
import { PER_RUN_OUTPUTS, RUN_OUTPUTS, type BandedOutput } from '../engine/index.ts';
import { bandDifferences, cellName, perRun, runName, sameBits, show, Tally } from './compare-text.ts';
import { BAND_FIELDS, GAP_BAND_FIELDS, type SweepSummary } from './summary.ts';

/** The z beyond which a cell counts as outside sampling error (conservative: seeds are shared, so runs are coupled). */
export const Z_LIMIT = 4;

/** Across adapters, how far J(θ0) of a run may differ (f32 noise is ~1e-6). */
export const INITIAL_J_TOLERANCE = 1e-4;

/**
 * Across adapters, how far a run's per-run values (final J, min J) may be apart before the run
 * counts as having taken another path: far above f32 noise (~1e-6; SwiftShader's WGSL and the twin
 * on the CLI fixture: at most 2e-5 in any J band), far below what a different sampled token does.
 */
export const PATH_TOLERANCE = 1e-3;

/**
 * The share of a GPU file's runs that may have taken another path than the CPU twin's: float ties
 * (a uniform draw within f32 rounding of a CDF edge) and the rounding that unstable dynamics
 * amplify. Measured: 0 of 96 runs parted on the CLI fixture (SwiftShader's WGSL against the
 * twin; 89 of them differ in their last bits); the engine's GPU-vs-twin tests hold WGSL to ≤ 5 %
 * per setup (sequence.browser.test.ts, phenomena.browser.test.ts), a bound, not a measurement.
 * Allowed: ⌊1 % of the runs⌋, so a sweep of fewer than 100 runs must have none and a tampered run
 * or two cannot hide as ties in a small file. A GPU file of a chaotic sweep that parts more is
 * verified bit for bit on its own adapter instead (--backend webgpu there).
 */
export const FLOAT_TIE_RATE = 0.01;

/** How many runs of `runs` may have parted at float ties (FLOAT_TIE_RATE, rounded down). */
export function floatTieAllowance(runs: number): number {
  return Math.floor(runs * FLOAT_TIE_RATE);
}

/**
 * Across adapters, how far a band value of a cell whose runs all stayed on their paths may be from
 * the re-run's: relative to the value (at least 1), as the per-run tolerance.
 */
export const BAND_TOLERANCE = PATH_TOLERANCE;

/**
 * Banded series not compared value by value across adapters: ‖g‖ = ‖∇J‖/(J(1−J)) divides by a
 * number that f32 noise moves by its own size where J nears 0 or 1 (SwiftShader against the twin:
 * 44 % apart at the 10 % quantile with every run on its path). Their `finite` counts still are.
 */
export const ILL_CONDITIONED: readonly BandedOutput[] = ['gapNorm'];

/** Mean and variance of the finite final J of runs [begin, end). */
function moments(s: SweepSummary, begin: number, end: number): { n: number; mean: number; variance: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let r = begin; r < end; r++) {
    if (s.diverged[r]) continue;
    const x = s.finalJ[r];
    n++;
    sum += x;
    sq += x * x;
  }
  const mean = n ? sum / n : NaN;
  return { n, mean, variance: n > 1 ? Math.max(0, (sq - n * mean * mean) / (n - 1)) : 0 };
}

/** Two-sample z of a difference; 0 when both sides are exactly equal, large when only one side varies. */
function zScore(diff: number, se: number): number {
  if (diff === 0) return 0;
  return Math.abs(diff) / Math.max(se, 1e-6);
}

/** Two-proportion z (pooled), for collapse probabilities and the share of finite ‖g‖. */
function zProportion(pa: number, pb: number, na: number, nb: number): number {
  if (Number.isNaN(pa) || Number.isNaN(pb) || !na || !nb) return 0;
  const pooled = (pa * na + pb * nb) / (na + nb);
  return zScore(pa - pb, Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb)));
}

/**
 * A GPU's file re-run on the CPU twin: every run on its path (per-run values within
 * PATH_TOLERANCE, the same divergence flag), apart from at most floatTieAllowance(runs) float
 * ties; J(θ0), which is computed and never sampled, within INITIAL_J_TOLERANCE of every run; and in
 * cells where no run parted, every band value within BAND_TOLERANCE (ILL_CONDITIONED series: their
 * counts) and every count equal. Returns the cells with a parted run.
 */
export function floatTieDifferences(baked: SweepSummary, fresh: SweepSummary, cells: string[], out: string[]): { parted: number; cells: Set<number> } {
  const seeds = fresh.spec.seeds;
  const runs = Math.min(baked.finalJ.length, fresh.finalJ.length);
  const parted = new Tally();
  const partedCells = new Set<number>();
  const initial = new Tally();
  for (let r = 0; r < runs; r++) {
    const apart: string[] = [];
    for (const k of PER_RUN_OUTPUTS) {
      const [a, b] = [perRun(baked, k), perRun(fresh, k)];
      if (!a || !b || r >= a.length || r >= b.length) continue;
      if (k === 'initialJ') {
        if (!(Math.abs(a[r] - b[r]) <= INITIAL_J_TOLERANCE)) initial.add(`${runName(cells, seeds, r)} baked ${show(a[r])}, re-run ${show(b[r])}`);
        continue;
      }
      const flag = RUN_OUTPUTS[k].array === Uint8Array;
      if (flag ? a[r] !== b[r] : !(sameBits(a[r], b[r]) || Math.abs(a[r] - b[r]) <= PATH_TOLERANCE))
        apart.push(`${k} baked ${show(a[r])}, re-run ${show(b[r])}`);
    }
    if (apart.length) {
      parted.add(`${runName(cells, seeds, r)} ${apart.join(', ')}`);
      partedCells.add(Math.floor(r / seeds));
    }
  }
  initial.into(out, (n) => `initialJ: ${n} of ${runs} runs differ by more than ${INITIAL_J_TOLERANCE}`);
  const allowed = floatTieAllowance(runs);
  if (parted.count > allowed)
    parted.into(
      out,
      (n) =>
        `${n} of ${runs} runs took another path (a per-run value apart by more than ${PATH_TOLERANCE}), more than the ${allowed} float ties allowed (${FLOAT_TIE_RATE * 100} % of the runs, rounded down)`,
    );
  const close = (a: number, b: number) => sameBits(a, b) || Math.abs(a - b) <= BAND_TOLERANCE * Math.max(1, Math.abs(b));
  bandDifferences(
    baked,
    fresh,
    cells,
    out,
    (n, field, cell, a, b) => partedCells.has(cell) || (field === 'finite' ? sameBits(a, b) : ILL_CONDITIONED.includes(n) ? true : close(a, b)),
    `differ beyond f32 noise (${BAND_TOLERANCE} relative) in cells whose runs all kept their paths`,
  );
  return { parted: parted.count, cells: partedCells };
}

/**
 * Sampling error per cell: mean final J and collapse probability from the runs, and, per
 * recorded step, the J band's mean and the share of runs with a finite ‖g‖. The band's spread
 * is not stored, so its mean's standard error is bounded by Bhatia–Davis (J lies in [0, 1]).
 */
export function samplingDifferences(
  baked: SweepSummary,
  fresh: SweepSummary,
  cells: string[],
  withBands: boolean,
): { outside: Tally; cellsOutside: number; worstZ: number; nCells: number } {
  const runs = Math.min(baked.finalJ.length, fresh.finalJ.length);
  const seeds = fresh.spec.seeds;
  const nCells = Math.floor(runs / seeds);
  const R = fresh.recordSteps.length;
  const comparableBands = baked.bands.length === fresh.bands.length && baked.recordSteps.length === R;
  const comparableGap = comparableBands && baked.gapBands && fresh.gapBands && baked.gapBands.length === fresh.gapBands.length;
  const outside = new Tally();
  let cellsOutside = 0;
  let worstZ = 0;
  for (let c = 0; c < nCells; c++) {
    const a = moments(baked, c * seeds, (c + 1) * seeds);
    const b = moments(fresh, c * seeds, (c + 1) * seeds);
    const zMean = a.n && b.n ? zScore(a.mean - b.mean, Math.sqrt(a.variance / a.n + b.variance / b.n)) : a.n === b.n ? 0 : Infinity;
    const pa = baked.cellStats.find((s) => s.cell === c)?.collapseProbability ?? NaN;
    const pb = fresh.cellStats.find((s) => s.cell === c)?.collapseProbability ?? NaN;
    const pooled = (pa + pb) / 2;
    const zCollapse = zScore(pa - pb, Math.sqrt((2 * pooled * (1 - pooled)) / seeds));
    let z = Math.max(zMean, Number.isNaN(zCollapse) ? 0 : zCollapse);
    let what = zMean >= z ? `mean final J baked ${show(a.mean)}, re-run ${show(b.mean)}` : `collapse probability baked ${pa}, re-run ${pb}`;
    for (let r = 0; withBands && comparableBands && r < R; r++) {
      const at = (c * R + r) * BAND_FIELDS.length + BAND_FIELDS.indexOf('mean');
      const ma = baked.bands[at];
      const mb = fresh.bands[at];
      if (Number.isNaN(ma) && Number.isNaN(mb)) continue;
      if (Number.isNaN(ma) || Number.isNaN(mb) || !a.n || !b.n) {
        if (ma !== mb) [z, what] = [Infinity, `J(t) band mean at step ${fresh.recordSteps[r]} baked ${show(ma)}, re-run ${show(mb)}`];
        continue;
      }
      const va = Math.max(0, ma * (1 - ma));
      const vb = Math.max(0, mb * (1 - mb));
      const zBand = zScore(ma - mb, Math.sqrt(va / a.n + vb / b.n));
      if (zBand > z) [z, what] = [zBand, `J(t) band mean at step ${fresh.recordSteps[r]} baked ${show(ma)}, re-run ${show(mb)}`];
      if (!comparableGap) continue;
      const g = (c * R + r) * GAP_BAND_FIELDS.length + GAP_BAND_FIELDS.indexOf('finite');
      const zGap = zProportion(baked.gapBands![g] / a.n, fresh.gapBands![g] / b.n, a.n, b.n);
      if (zGap > z) [z, what] = [zGap, `runs with a finite ‖g‖ at step ${fresh.recordSteps[r]} baked ${baked.gapBands![g]}, re-run ${fresh.gapBands![g]}`];
    }
    worstZ = Math.max(worstZ, z);
    if (z > Z_LIMIT) {
      cellsOutside++;
      outside.add(`${cellName(cells, c)}: ${what} (|z| = ${z.toFixed(1)})`);
    }
  }
  return { outside, cellsOutside, worstZ, nCells };
}
