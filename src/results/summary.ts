/**
 * The results table the notebook keeps per sweep: what the plots, the cache, the baked files and
 * Reproduce need from an engine `SweepResult`, and no more. Per-run finals are kept (bootstrap
 * intervals, run-by-run comparison); trajectories are reduced to per-cell quantile bands plus a
 * SHA-256 of the full array, so a bit-for-bit check does not have to store them.
 *
 * @example
 *   const summary = await summarizeSweep(await runSweep(spec));
 *   bandAt(summary, cell, record); // { q10, q50, q90, mean }
 */
import type { BackendInfo, CellStats, SweepResult } from '../engine/results.ts';
import { expandGrid, type Cell, type SweepSpec } from '../engine/spec.ts';

/** Quantities stored per cell and recorded step, in this order. */
export const BAND_FIELDS = ['q10', 'q50', 'q90', 'mean'] as const;

export interface SweepSummary {
  specHash: string; // SHA-256 of the canonical spec: cache key and provenance id
  spec: SweepSpec;
  recordSteps: number[];
  cellStats: CellStats[]; // one per finished cell
  bands: Float32Array; // [cell][record][BAND_FIELDS]: J(t) quantiles over finite runs
  finalJ: Float32Array; // per run (run = cell·seeds + seed); NaN when diverged
  minJ: Float32Array;
  initialJ: Float32Array;
  diverged: Uint8Array;
  trajectoryHash: string; // SHA-256 of the full trajectory array's bytes
  backend: BackendInfo;
  wallMs: number;
  complete: boolean;
  runsDone: number;
  stopReason: SweepResult['stopReason'];
  message: string;
}

/** Nearest-rank quantile of sorted values (same rule as the engine's cell statistics). */
function nearestRank(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(1, Math.ceil(q * sorted.length - 1e-9)) - 1];
}

/** SHA-256 (hex) of a typed array's bytes. */
export async function sha256Bytes(view: ArrayBufferView): Promise<string> {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Reduces an engine result to the notebook's results table. */
export async function summarizeSweep(result: SweepResult): Promise<SweepSummary> {
  const { spec, runs } = result;
  const R = runs.recordSteps.length;
  const cells = result.cells.length;
  const bands = new Float32Array(cells * R * BAND_FIELDS.length).fill(NaN);
  const values: number[] = [];
  // Only finished cells have statistics; a cancelled sweep leaves the others empty.
  for (const { cell } of result.cellStats) {
    for (let r = 0; r < R; r++) {
      values.length = 0;
      let sum = 0;
      for (let s = 0; s < spec.seeds; s++) {
        const run = cell * spec.seeds + s;
        const j = runs.trajectory[run * R + r];
        if (!runs.diverged[run] && Number.isFinite(j)) {
          values.push(j);
          sum += j;
        }
      }
      if (values.length === 0) continue;
      values.sort((a, b) => a - b);
      const at = (cell * R + r) * BAND_FIELDS.length;
      bands[at] = nearestRank(values, 0.1);
      bands[at + 1] = nearestRank(values, 0.5);
      bands[at + 2] = nearestRank(values, 0.9);
      bands[at + 3] = sum / values.length;
    }
  }
  const trajectoryHash = await sha256Bytes(runs.trajectory);
  return {
    specHash: result.specHash,
    spec,
    recordSteps: runs.recordSteps,
    cellStats: result.cellStats,
    bands,
    finalJ: runs.finalJ,
    minJ: runs.minJ,
    initialJ: runs.initialJ,
    diverged: runs.diverged,
    trajectoryHash,
    backend: result.backend,
    wallMs: result.wallMs,
    complete: result.complete,
    runsDone: result.runsDone,
    stopReason: result.stopReason,
    message: result.message,
  };
}

/** J(t) band of one cell at one recorded step. */
export function bandAt(summary: SweepSummary, cell: number, record: number): Record<(typeof BAND_FIELDS)[number], number> {
  const at = (cell * summary.recordSteps.length + record) * BAND_FIELDS.length;
  const b = summary.bands;
  return { q10: b[at], q50: b[at + 1], q90: b[at + 2], mean: b[at + 3] };
}

/** The grid cells of a summary (derived from its spec, never stored). */
export function summaryCells(summary: Pick<SweepSummary, 'spec'>): Cell[] {
  return expandGrid(summary.spec);
}

/** Finite final J of one cell's runs (for bootstrap intervals and distributions). */
export function cellFinals(summary: SweepSummary, cell: number): { finalJ: Float32Array; diverged: Uint8Array } {
  const b = cell * summary.spec.seeds;
  return { finalJ: summary.finalJ.subarray(b, b + summary.spec.seeds), diverged: summary.diverged.subarray(b, b + summary.spec.seeds) };
}
