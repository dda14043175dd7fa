/**
 * Quantile bands of a per-run series recorded over steps (J(t), ‖g‖(t)): for each finished grid
 * cell and recorded step, nearest-rank quantiles over the seeds whose value is finite, with their
 * mean and how many there were. Diverged runs never count (SPEC 1.4).
 *
 * @example
 *   const bands = quantileBands(result, runs.gapNorm, GAP_BAND_FIELDS); // [cell][record][field]
 */
import type { SweepResult } from '../engine/index.ts';

/** What a band can hold per cell and recorded step. */
export interface Band {
  q10: number;
  q50: number;
  q90: number;
  mean: number; // over the finite values
  finite: number; // how many seeds had a finite value (the quantiles' sample size)
}
export type BandField = keyof Band;

/** Nearest-rank quantile of sorted values (same rule as the engine's cell statistics). */
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
 * Bands of a trajectory-shaped series ([run][record], like `RunOutputs.trajectory`), packed as
 * [cell][record][fields]. Cells without statistics (a cancelled sweep's unfinished ones) stay
 * NaN; so do the quantiles of a step where no seed was finite, whose `finite` is 0.
 */
export function quantileBands(
  result: Pick<SweepResult, 'spec' | 'cells' | 'cellStats' | 'runs'>,
  series: Float32Array,
  fields: readonly BandField[],
): Float32Array {
  const R = result.runs.recordSteps.length;
  const seeds = result.spec.seeds;
  const out = new Float32Array(result.cells.length * R * fields.length).fill(NaN);
  const values: number[] = [];
  for (const { cell } of result.cellStats) {
    for (let r = 0; r < R; r++) {
      values.length = 0;
      for (let s = 0; s < seeds; s++) {
        const run = cell * seeds + s;
        if (!result.runs.diverged[run]) values.push(series[run * R + r]);
      }
      const band = bandOf(values);
      const at = (cell * R + r) * fields.length;
      fields.forEach((f, i) => (out[at + i] = band[f]));
    }
  }
  return out;
}
