/**
 * Quantile bands of a per-run series recorded over steps (J(t), ‖g‖(t)): for each finished grid
 * cell and recorded step, nearest-rank quantiles over the seeds whose value is finite, with their
 * mean and how many there were. Diverged runs never count (SPEC 1.4).
 *
 * @example
 *   const bands = quantileBands(result, runs.gapNorm, GAP_BAND_FIELDS); // [cell][record][field]
 */
import { cellBandInto, type BandField, type SweepResult } from '../engine/index.ts';

// The band of a list of values and its fields live with the engine's reductions (stats.ts), which
// reduce each cell's bands as it completes; re-exported for the readers of results.
export { bandOf, nearestRank, type Band, type BandField } from '../engine/index.ts';

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
  for (const { cell } of result.cellStats) cellBandInto(out, fields, cell, seeds, R, series, result.runs.diverged, cell * seeds);
  return out;
}
