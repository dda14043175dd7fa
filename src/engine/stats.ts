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
