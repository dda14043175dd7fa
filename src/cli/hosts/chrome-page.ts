/**
 * The page side of the `chrome` host: the engine in a real browser, driven by Playwright. The CLI
 * calls `gradgapHost.run(…)` with page.evaluate; progress, and each chunk of runs when the CLI
 * streams them to its files, come back through exposed functions. One GPU device is acquired per
 * page and kept for every sweep.
 */
import {
  acquireGpu,
  parseChoice,
  type BackendChoice,
  type DecisionStore,
  type GpuContext,
  type Progress,
  type RunChunk,
  type SweepSpec,
} from '../../engine/index.ts';
import { runRange, type RangeResult } from '../run-range.ts';
import { chunkToWire, toWire, type WireChunk, type WireResult } from './wire-format.ts';
import type { HostRunOptions } from './host.ts';

declare global {
  interface Window {
    gradgapHost: { run: typeof run };
    gradgapProgress?: (p: Progress) => void; // exposed by the host
    gradgapRuns?: (chunk: WireChunk) => Promise<void>; // exposed by the host: a chunk of runs, in run order
    gradgapDecisionGet?: (key: string) => Promise<string>; // exposed by the host: the cache file's entry as JSON
    gradgapDecisionSet?: (key: string, json: string) => Promise<void>;
  }
}

/** `auto`'s decisions, kept by the host in its cache file. */
const decisions: DecisionStore = {
  get: async (key) => parseChoice(JSON.parse((await window.gradgapDecisionGet?.(key)) ?? 'null')),
  set: async (key, choice) => window.gradgapDecisionSet?.(key, JSON.stringify(choice)),
};

let gpu: Promise<GpuContext> | undefined;

async function run(
  spec: SweepSpec,
  range: [number, number] | null,
  backend: BackendChoice,
  threads?: number,
  chunkRuns?: number,
  auto?: HostRunOptions['auto'],
  stream = false,
  keepSeries?: boolean,
): Promise<WireResult> {
  // Streamed: each chunk goes to Node as it finishes and the result keeps no series; it returns once Node has taken every chunk.
  const sent: Promise<void>[] = [];
  const streaming = stream ? { keepSeries: false, onRuns: (c: RunChunk) => void sent.push(window.gradgapRuns!(chunkToWire(c))) } : { keepSeries };
  const common = { threads, chunkRuns, onProgress: (p: Progress) => window.gradgapProgress?.(p), ...streaming };
  const done = async (result: RangeResult) => {
    await Promise.all(sent);
    return toWire(result);
  };
  if (backend === 'cpu') return done(await runRange(spec, range, { ...common, backend }));
  let context: GpuContext;
  try {
    context = await (gpu ??= acquireGpu());
  } catch (error) {
    gpu = undefined;
    if (backend === 'webgpu') throw error;
    // As the dawn host does: no adapter under `auto` is the CPU twin, and the reason says why.
    const result = await runRange(spec, range, { ...common, backend: 'cpu' });
    return done({ ...result, backend: { ...result.backend, reason: `auto: ${(error as Error).message}` } });
  }
  return done(await runRange(spec, range, { ...common, backend, gpu: context, auto: { ...auto, store: decisions } }));
}

window.gradgapHost = { run };
