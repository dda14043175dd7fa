/**
 * A host is where the engine runs for the command line: `dawn` (Dawn in this Node process, for
 * GPU servers) or `chrome` (headless Chromium driving a page, as a reader's browser would). Both
 * run the same engine code on the same specs; they differ only in the WebGPU implementation and
 * in how the CPU twin is spread over cores (worker_threads or Web Workers).
 *
 * @example
 *   const host = await openHost('dawn');
 *   try { const r = await host.run(spec, null, { backend: 'auto' }); } finally { await host.close(); }
 */
import type { AutoOptions, BackendChoice, DecisionStore, Progress, RunChunk, SweepSpec } from '../../engine/index.ts';
import type { RangeResult } from '../run-range.ts';
import { fileDecisionStore } from './decision-file.ts';

export const HOSTS = ['dawn', 'chrome'] as const;
export type HostName = (typeof HOSTS)[number];

export interface HostRunOptions {
  backend: BackendChoice;
  threads?: number; // CPU twin workers; default: every core the host sees
  chunkRuns?: number;
  onProgress?: (p: Progress) => void;
  auto?: Omit<AutoOptions, 'store' | 'clock'>; // how 'auto' measures (the bench measures every sweep); the host keeps the store
  onRuns?: (chunk: RunChunk) => void; // each chunk in run order, as it finishes; with it, chrome's result keeps no series
  keepSeries?: boolean; // whether the result holds every run's series (default true; false when streaming with onRuns, on chrome)
}

export interface Host {
  readonly name: HostName;
  readonly runtime: string; // 'node v20.20.2, webgpu 0.6.2 (Dawn)', 'Chromium 156.0…'
  /** Runs [begin, end) of a sweep (null: all of it). */
  run(spec: SweepSpec, range: [number, number] | null, options: HostRunOptions): Promise<RangeResult>;
  close(): Promise<void>;
}

/** Opens a host; `auto` remembers its measured decisions in `decisions` (default: the cache file, decision-file.ts). */
export async function openHost(name: HostName, decisions: DecisionStore = fileDecisionStore()): Promise<Host> {
  if (name === 'chrome') return (await import('./chrome-host.ts')).openChromeHost(decisions);
  return (await import('./dawn-host.ts')).openDawnHost(decisions);
}
