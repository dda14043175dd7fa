/**
 * What a sweep reports (SPEC 1.4): per-run arrays (struct of arrays, run index = cell·seeds + seed)
 * and per-cell statistics reduced over seeds.
 */
import type { Cell, SweepSpec } from './spec.ts';

/** Per-run outputs. Trajectory-shaped arrays are [run · recordSteps.length + record]. */
export interface RunOutputs {
  runCount: number;
  recordSteps: number[]; // the steps at which J and ‖θ‖ were recorded
  initialJ: Float32Array; // J(θ0), exact
  finalJ: Float32Array; // J at the last step; NaN when diverged
  minJ: Float32Array; // minimum of J over the recorded steps
  diverged: Uint8Array; // 1 when θ became NaN or ±Inf; such a run is never averaged in
  trajectory: Float32Array; // J at each recorded step
  thetaNorm: Float32Array; // ‖θ‖ at each recorded step
  gradientNorm: Float32Array; // ‖∇J‖ at each recorded step, exact
  gapNorm: Float32Array; // ‖g‖ = ‖∇J‖ / (J(1−J)), the gradient gap; NaN where J rounds to 0 or 1 in f32
}

/** The per-run arrays of RunOutputs: one value per run, or one per run and recorded step. */
export const PER_RUN_ARRAYS = ['initialJ', 'finalJ', 'minJ', 'diverged'] as const;
export const PER_RECORD_ARRAYS = ['trajectory', 'thetaNorm', 'gradientNorm', 'gapNorm'] as const;

type RunArrays = Pick<RunOutputs, (typeof PER_RUN_ARRAYS)[number] | (typeof PER_RECORD_ARRAYS)[number]>;

/** Copies every per-run array that `from` has into `into`, `from`'s first run landing at run `at`. */
export function copyRunArrays(into: RunOutputs, from: Partial<RunArrays>, at: number): void {
  const R = into.recordSteps.length;
  for (const key of PER_RUN_ARRAYS) if (from[key]) into[key].set(from[key]!, at);
  for (const key of PER_RECORD_ARRAYS) if (from[key]) into[key].set(from[key]!, at * R);
}

/** Statistics of one grid cell over its seeds. Quantiles are nearest-rank order statistics of the finite final J. */
export interface CellStats {
  cell: number;
  runs: number; // seeds in the cell
  finite: number; // runs that did not diverge
  diverged: number;
  meanFinalJ: number; // over finite runs; NaN when none
  q10: number;
  q25: number;
  q50: number;
  q75: number;
  q90: number;
  collapsed: number; // runs with final J < collapseFraction·J0, diverged runs included
  collapseProbability: number; // collapsed / runs
}

export type BackendKind = 'webgpu' | 'cpu';

/** Which engine ran, and why it was chosen. */
export interface BackendInfo {
  kind: BackendKind;
  threads: number; // CPU worker count (1 for webgpu)
  adapter: string; // adapter description, or 'none'
  fallbackAdapter: boolean; // software adapter (SwiftShader, llvmpipe…)
  reason: string; // why this backend: 'auto: software adapter', 'user override', …
}

export interface SweepResult {
  spec: SweepSpec;
  specHash: string;
  cells: Cell[];
  runs: RunOutputs; // the runs of runRange, index run − runRange[0]
  cellStats: CellStats[]; // one per cell wholly inside runRange; cells of unfinished chunks are absent
  backend: BackendInfo;
  wallMs: number;
  complete: boolean; // false when cancelled or the device was lost
  stopReason: 'done' | 'cancelled' | 'device-lost' | 'error';
  message: string; // human-readable stop reason (device-loss text, cancel, …)
  runsDone: number;
  runRange?: [number, number]; // the runs computed (runSweep always sets it): [0, cells·seeds) unless a shard was asked for
}

/** Progress report, once per finished chunk. */
export interface Progress {
  runsDone: number;
  runsTotal: number;
  chunksDone: number;
  chunksTotal: number;
  elapsedMs: number;
}
