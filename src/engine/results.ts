/**
 * What a sweep reports (SPEC 1.4): per-run arrays (declared in run-outputs.ts) and per-cell
 * statistics reduced over seeds.
 */
import type { RunOutputs } from './run-outputs.ts';
import type { BandedOutput } from './stats.ts';
import type { Cell, SweepSpec } from '../spec/index.ts';

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
  unreached?: number; // transformer sweeps only (SPEC 1.10): seeds whose warm start never reached J0, left out of every statistic above (runs counts the others) and of the bands
}

/** The statistics of CellStats a reader can name (tables, prose references), in the order tables show them. */
export const CELL_STAT_NAMES = [
  'meanFinalJ',
  'q10',
  'q25',
  'q50',
  'q75',
  'q90',
  'collapseProbability',
  'collapsed',
  'diverged',
  'finite',
  'runs',
] as const satisfies readonly (keyof CellStats)[];

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
  seriesKept?: boolean; // false: the per-record arrays of `runs` are empty (the series went to onRuns as chunks finished); absent means kept
  bands?: Record<BandedOutput, Float32Array>; // [cell][record][SERIES_BANDS fields], reduced as cells completed; NaN for cells not finished
  trajectoryHash?: string; // SHA-256 (hex) of the whole trajectory array's bytes in run order, runs not computed at their pending value
}

/** Progress report, once per finished chunk. */
export interface Progress {
  runsDone: number;
  runsTotal: number;
  chunksDone: number;
  chunksTotal: number;
  elapsedMs: number;
}
