/**
 * Runs a sweep: validate, choose the backend, run chunk by chunk with progress and cancel, and
 * assemble the results table (SPEC 2.2). Device loss and cancel keep what finished.
 *
 * @example
 *   const result = await runSweep({ grid: { stepSize: [1, 10, 100] }, seeds: 64 }, { onProgress });
 *   result.cellStats[2].collapseProbability;
 */
import { simulateChunkCpu } from './cpu-chunk.ts';
import { CpuPool, availableThreads } from './cpu-pool.ts';
import { maxShape, workgroupBytes } from './chunk-plan.ts';
import { acquireGpu, type GpuContext } from './device.ts';
import { ResultsBuilder } from './results-builder.ts';
import type { BackendInfo, CellStats, Progress, SweepResult } from './results.ts';
import type { RunChunk } from './run-outputs.ts';
import { cellCount, type SweepSpecInput } from '../spec/index.ts';
import { specHash } from '../spec/index.ts';
import { parseSpec } from '../spec/index.ts';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface SweepOptions {
  backend?: BackendChoice; // 'auto' picks WebGPU on a hardware adapter, the CPU twin otherwise
  threads?: number; // CPU workers (default: all cores)
  signal?: AbortSignal; // cancel: stops within one chunk
  onProgress?: (p: Progress) => void; // once per finished chunk
  gpu?: GpuContext; // reuse an acquired device
  chunkRuns?: number; // upper bound on runs per chunk (tests use small chunks)
  runRange?: [number, number]; // run only runs [begin, end) — a shard; the result's `runs` then hold those alone
}

/** Decides the backend without running anything; acquires the GPU when it will be used. */
export async function chooseBackend(
  choice: BackendChoice = 'auto',
  threads = availableThreads(),
  gpu?: GpuContext,
): Promise<{ info: BackendInfo; gpu?: GpuContext }> {
  const cpu = (reason: string, ctx?: GpuContext): { info: BackendInfo; gpu?: GpuContext } => ({
    info: { kind: 'cpu', threads, adapter: ctx?.adapterName ?? 'none', fallbackAdapter: ctx?.fallbackAdapter ?? false, reason },
  });
  if (choice === 'cpu') return cpu('user override: CPU twin');
  let ctx = gpu;
  if (!ctx) {
    try {
      ctx = await acquireGpu();
    } catch (error) {
      if (choice === 'webgpu') throw error;
      return cpu(`auto: ${(error as Error).message}`);
    }
  }
  const gpuInfo: BackendInfo = { kind: 'webgpu', threads: 1, adapter: ctx.adapterName, fallbackAdapter: ctx.fallbackAdapter, reason: '' };
  if (choice === 'webgpu') return { info: { ...gpuInfo, reason: 'user override: WebGPU' }, gpu: ctx };
  if (ctx.fallbackAdapter) {
    return cpu(`auto: ${ctx.adapterName} is a software adapter; the CPU twin on ${threads} thread(s) is faster`, ctx);
  }
  return { info: { ...gpuInfo, reason: 'auto: hardware adapter' }, gpu: ctx };
}

/** The run range to compute: the whole sweep, or a validated [begin, end). */
function checkedRange(range: [number, number] | undefined, total: number): [number, number] {
  if (!range) return [0, total];
  const [begin, end] = range;
  if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end > total || begin >= end) {
    throw new RangeError(`runRange = [${begin}, ${end}): must be integers with 0 ≤ begin < end ≤ ${total} (the sweep's runs)`);
  }
  return [begin, end];
}

/** Chunks cut to [begin, end). */
function clip(ranges: [number, number][], begin: number, end: number): [number, number][] {
  return ranges.map(([b, e]): [number, number] => [Math.max(b, begin), Math.min(e, end)]).filter(([b, e]) => b < e);
}

/** CPU chunks of [begin, end): about eight per worker, so every core stays busy to the end. */
function cpuRanges(begin: number, end: number, threads: number, chunkRuns?: number): [number, number][] {
  const size = chunkRuns ?? Math.max(1, Math.min(4096, Math.ceil((end - begin) / (threads * 8))));
  const ranges: [number, number][] = [];
  for (let b = begin; b < end; b += size) ranges.push([b, Math.min(end, b + size)]);
  return ranges;
}

export async function runSweep(input: SweepSpecInput, options: SweepOptions = {}): Promise<SweepResult> {
  const spec = parseSpec(input); // throws SpecError before anything runs
  const started = performance.now();
  const [first, last] = checkedRange(options.runRange, cellCount(spec) * spec.seeds);
  const total = last - first;
  const table = new ResultsBuilder(spec, [first, last]);
  const { cells } = table;
  const threads = Math.max(1, options.threads ?? availableThreads());
  const chosen = await chooseBackend(options.backend, threads, options.gpu);
  const { gpu } = chosen;
  let { info } = chosen;
  // A shape too big for the kernel's workgroup memory still runs: on the CPU twin when the choice
  // was automatic (an explicit 'webgpu' gets planChunks' error, with the numbers).
  const needed = workgroupBytes(maxShape(cells));
  if (info.kind === 'webgpu' && (options.backend ?? 'auto') === 'auto' && needed > gpu!.device.limits.maxComputeWorkgroupStorageSize) {
    const reason = `auto: this sweep needs ${needed} bytes of workgroup memory per run and ${info.adapter} allows ${gpu!.device.limits.maxComputeWorkgroupStorageSize}; CPU twin`;
    info = { ...info, kind: 'cpu', threads, reason };
  }
  let chunksDone = 0;
  let chunksTotal = 0;
  const progress = () => options.onProgress?.({ runsDone: table.runsDone, runsTotal: total, chunksDone, chunksTotal, elapsedMs: performance.now() - started });

  // A chunk's outputs land in the table; cells whose every seed is in get their statistics.
  const accept = (c: RunChunk, gpuStats?: CellStats[]) => {
    table.accept(c, gpuStats);
    chunksDone++;
    progress();
  };

  let stopReason: SweepResult['stopReason'] = 'done';
  let message = '';
  try {
    if (info.kind === 'webgpu') {
      // Loaded only here: webgpu-utils needs APIs (Float16Array) that Node 20 lacks, and the CPU path needs none of it.
      const { GpuEngine } = await import('./sequence.ts');
      const engine = new GpuEngine(gpu!);
      const ranges = clip(engine.planChunks(spec, cells, options.chunkRuns), first, last);
      chunksTotal = ranges.length;
      for (const [begin, end] of ranges) {
        if (options.signal?.aborted) break;
        const { outputs, stats } = await engine.runChunk(spec, cells, begin, end);
        accept(outputs, stats);
      }
    } else {
      const ranges = cpuRanges(first, last, threads, options.chunkRuns);
      chunksTotal = ranges.length;
      if (typeof Worker !== 'undefined') {
        await CpuPool.shared(threads).run(spec, ranges, (c) => accept(c), options.signal);
      } else {
        for (const [begin, end] of ranges) {
          if (options.signal?.aborted) break;
          accept(simulateChunkCpu(spec, begin, end));
          await new Promise((r) => setTimeout(r, 0)); // let a cancel land between chunks
        }
      }
    }
    if (options.signal?.aborted) {
      stopReason = 'cancelled';
      message = `cancelled after ${table.runsDone} of ${total} runs`;
    }
  } catch (error) {
    const lost = gpu && (error as Error)?.name === 'DeviceLostError';
    stopReason = lost ? 'device-lost' : 'error';
    message = lost
      ? `the GPU device was lost (${(error as Error).message}); ${table.runsDone} of ${total} runs finished and are kept. Run again to finish.`
      : `${(error as Error)?.message ?? error}`;
    if (!lost && table.runsDone === 0) throw error;
  }
  return table.finish({ specHash: await specHash(spec), backend: info, wallMs: performance.now() - started, stopReason, message });
}
