/**
 * CPU twin of `shaders/reduce.wgsl`: statistics of one cell's final J over its seeds (SPEC 1.4).
 * The mean is summed in the kernel's order (64 strided lanes, then a pairwise tree) so both
 * give the same f32; quantiles are nearest-rank order statistics, which the kernel finds exactly
 * by bisection on the f32 bit pattern.
 */
import type { CellStats } from './results.ts';

export const REDUCE_LANES = 64;
export const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

/** 1-based nearest rank of quantile q among n values: ceil(q·n), at least 1; integer per-mille as in the kernel. */
export function quantileRank(q: number, n: number): number {
  const perMille = Math.round(q * 1000);
  return Math.max(1, Math.floor((perMille * n + 999) / 1000));
}

/** Stats of one cell. `finalJ`, `diverged` hold the cell's runs; `threshold` = collapseFraction·J0. */
export function cellStatsCpu(cell: number, finalJ: Float32Array, diverged: Uint8Array, threshold: number): CellStats {
  const n = finalJ.length;
  const lanes = new Float32Array(REDUCE_LANES);
  const finiteValues: number[] = [];
  let collapsed = 0;
  let divergedCount = 0;
  for (let i = 0; i < n; i++) {
    if (diverged[i]) {
      divergedCount++;
      collapsed++;
      continue;
    }
    const x = finalJ[i];
    lanes[i % REDUCE_LANES] = lanes[i % REDUCE_LANES] + x;
    finiteValues.push(x);
    if (x < Math.fround(threshold)) collapsed++;
  }
  for (let width = REDUCE_LANES / 2; width >= 1; width /= 2) {
    for (let i = 0; i < width; i++) lanes[i] = lanes[i] + lanes[i + width];
  }
  const finite = finiteValues.length;
  finiteValues.sort((a, b) => a - b);
  const q = QUANTILES.map((qq) => (finite ? finiteValues[quantileRank(qq, finite) - 1] : NaN));
  return {
    cell,
    runs: n,
    finite,
    diverged: divergedCount,
    meanFinalJ: finite ? Math.fround(lanes[0] / finite) : NaN,
    q10: q[0],
    q25: q[1],
    q50: q[2],
    q75: q[3],
    q90: q[4],
    collapsed,
    collapseProbability: n ? collapsed / n : NaN,
  };
}

/** What a band holds per cell and recorded step. */
export interface Band {
  q10: number;
  q50: number;
  q90: number;
  mean: number; // over the finite values
  finite: number; // how many seeds had a finite value (the quantiles' sample size)
}
export type BandField = keyof Band;

/**
 * The per-record outputs reduced to per-cell bands as cells complete, with the fields each keeps
 * per recorded step. ‖g‖ and ‖Δθ‖ are heavy-tailed (no mean) and NaN where J rounds to 0 or 1, so
 * they keep how many seeds were finite. A new banded output is one entry here.
 */
export const SERIES_BANDS = {
  trajectory: ['q10', 'q50', 'q90', 'mean'],
  gapNorm: ['q10', 'q50', 'q90', 'finite'],
  updateNorm: ['q10', 'q50', 'q90', 'finite'],
  // Lengths (SPEC 1.7): a run's passing or failing mean is NaN when none of its batch passed or failed, and sampled ones are NaN in exact mode.
  meanLength: ['q10', 'q50', 'q90', 'finite'],
  meanLengthPassing: ['q10', 'q50', 'q90', 'finite'],
  meanLengthFailing: ['q10', 'q50', 'q90', 'finite'],
  expectedLength: ['q10', 'q50', 'q90', 'finite'],
  // Many prompts (SPEC 1.8): shares of a run's prompts solved and lost; the mean over seeds is the cell's share.
  solvedShare: ['q10', 'q50', 'q90', 'mean'],
  lostShare: ['q10', 'q50', 'q90', 'mean'],
  // The PPO loop (SPEC 1.9): the clipped share of token-updates, and KL(π_θ ‖ π_θ0) (NaN outside the loop).
  clippedShare: ['q10', 'q50', 'q90', 'mean'],
  klReference: ['q10', 'q50', 'q90', 'mean'],
  // The transformer policy (SPEC 1.10): exact held-out J, banded as J(t) is.
  heldOutJ: ['q10', 'q50', 'q90', 'mean'],
} as const satisfies Record<string, readonly BandField[]>;
export type BandedOutput = keyof typeof SERIES_BANDS;
export const BANDED_OUTPUTS = Object.keys(SERIES_BANDS) as BandedOutput[];

/** Nearest-rank quantile of sorted values (same rule as the cell statistics). */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(1, Math.ceil(q * sorted.length - 1e-9)) - 1];
}

/** The band of a list of values; NaN and ±Inf are left out, and counted out of `finite`. */
export function bandOf(values: readonly number[]): Band {
  const finite = values.filter((v) => Number.isFinite(v));
  // Summed in seed order, before sorting, so the mean's last bit does not depend on the sort.
  const mean = finite.length ? finite.reduce((a, v) => a + v, 0) / finite.length : NaN;
  finite.sort((a, b) => a - b);
  return { q10: nearestRank(finite, 0.1), q50: nearestRank(finite, 0.5), q90: nearestRank(finite, 0.9), mean, finite: finite.length };
}

/**
 * Writes one cell's band of a series into `out` ([cell][record][fields]): for each recorded step,
 * the band over the seeds that did not diverge. `series` holds the cell's runs from run `at`
 * ([run][record], R records); `diverged` from index `at` likewise.
 */
export function cellBandInto(
  out: Float32Array,
  fields: readonly BandField[],
  cell: number,
  seeds: number,
  R: number,
  series: Float32Array,
  diverged: Uint8Array,
  at: number,
): void {
  const values: number[] = [];
  for (let r = 0; r < R; r++) {
    values.length = 0;
    for (let s = 0; s < seeds; s++) if (!diverged[at + s]) values.push(series[(at + s) * R + r]);
    const band = bandOf(values);
    const o = (cell * R + r) * fields.length;
    fields.forEach((f, i) => (out[o + i] = band[f]));
  }
}
