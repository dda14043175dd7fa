/** Helpers for the plots' tests (not part of the public API). */
import type { SweepResult } from '../engine/index.ts';

/** One recorded series' values over a cell's seeds at record r, diverged runs left out (what a band reduces). */
export function finiteSeedValues(result: SweepResult, series: string, cell: number, r: number): number[] {
  const seeds = result.spec.seeds;
  const R = result.runs.recordSteps.length;
  const values = (result.runs as unknown as Record<string, Float32Array>)[series];
  return Array.from({ length: seeds }, (_, s) => values[(cell * seeds + s) * R + r]).filter((_, s) => !result.runs.diverged[cell * seeds + s]);
}
