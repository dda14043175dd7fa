/**
 * Runs one contiguous range of a sweep's runs: the whole sweep through the engine's runSweep, or
 * a shard (`--shard i/n`) through the same chunk runners (GpuEngine, the CPU pool, the CPU twin).
 * Run index = cell·seeds + seed and Philox is keyed by it, so a range computes exactly what the
 * whole sweep computes for those runs. Runs in Node and in the chrome host's page alike.
 *
 * @example
 *   const part = await runRange(spec, [0, 512], { backend: 'cpu', threads: 4 });
 *   part.runs.finalJ[0]; // run 0; part.cellStats holds only cells wholly inside [0, 512)
 */
import { runSweep, chooseBackend, collapseThreshold, parseSpec, expandGrid, recordSteps, specHash, simulateChunkCpu } from '../engine/index.ts';
import type { SweepOptions, SweepResult, SweepSpecInput, CellStats, RunOutputs } from '../engine/index.ts';
// Internals the barrel does not export (a `runRange` option on runSweep would make these go).
import { allocateChunk, type ChunkOutputs } from '../engine/cpu-chunk.ts';
import { CpuPool, availableThreads } from '../engine/cpu-pool.ts';
import { cellStatsCpu } from '../engine/stats.ts';

/** A SweepResult for runs [begin, end) of the sweep; `runs` holds only those (index run − begin). */
export interface RangeResult extends SweepResult {
  runRange: [number, number];
  runCount: number; // runs in the whole sweep
}

/** Runs of a sweep (cells × seeds) after validation; throws SpecError on a bad spec. */
export function sweepRunCount(input: SweepSpecInput): number {
  const spec = parseSpec(input);
  return expandGrid(spec).length * spec.seeds;
}

export async function runRange(input: SweepSpecInput, range: [number, number] | null, options: SweepOptions = {}): Promise<RangeResult> {
  const spec = parseSpec(input);
  const cells = expandGrid(spec);
  const total = cells.length * spec.seeds;
  const [begin, end] = range ?? [0, total];
  if (begin === 0 && end === total) return { ...(await runSweep(spec, options)), runRange: [0, total], runCount: total };

  const started = performance.now();
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  const n = end - begin;
  const runs: RunOutputs = { ...allocateChunk(0, n, steps.length), runCount: n, recordSteps: steps };
  runs.finalJ.fill(NaN);
  const threads = Math.max(1, options.threads ?? availableThreads());
  const { info, gpu } = await chooseBackend(options.backend, threads, options.gpu);
  const stats = new Map<number, CellStats>();
  let runsDone = 0;
  let chunksDone = 0;
  let chunksTotal = 0;

  const accept = (c: ChunkOutputs, gpuStats: CellStats[] = []) => {
    const at = c.begin - begin;
    const R = steps.length;
    runs.initialJ.set(c.initialJ, at);
    runs.finalJ.set(c.finalJ, at);
    runs.minJ.set(c.minJ, at);
    runs.diverged.set(c.diverged, at);
    runs.trajectory.set(c.trajectory, at * R);
    runs.thetaNorm.set(c.thetaNorm, at * R);
    for (const s of gpuStats) stats.set(s.cell, s);
    runsDone += c.end - c.begin;
    chunksDone++;
    options.onProgress?.({ runsDone, runsTotal: n, chunksDone, chunksTotal, elapsedMs: performance.now() - started });
  };

  let stopReason: SweepResult['stopReason'] = 'done';
  let message = '';
  try {
    if (info.kind === 'webgpu') {
      const { GpuEngine } = await import('../engine/sequence.ts');
      const engine = new GpuEngine(gpu!);
      const ranges = clip(engine.planChunks(spec, cells, options.chunkRuns), begin, end);
      chunksTotal = ranges.length;
      for (const [b, e] of ranges) {
        if (options.signal?.aborted) break;
        const chunk = await engine.runChunk(spec, cells, b, e);
        accept(chunk.outputs, chunk.stats);
      }
    } else {
      const size = options.chunkRuns ?? Math.max(1, Math.min(4096, Math.ceil(n / (threads * 8))));
      const ranges: [number, number][] = [];
      for (let b = begin; b < end; b += size) ranges.push([b, Math.min(end, b + size)]);
      chunksTotal = ranges.length;
      if (typeof Worker !== 'undefined') await CpuPool.shared(threads).run(spec, ranges, (c) => accept(c), options.signal);
      else for (const [b, e] of ranges) if (!options.signal?.aborted) accept(simulateChunkCpu(spec, b, e));
    }
    if (options.signal?.aborted) {
      stopReason = 'cancelled';
      message = `cancelled after ${runsDone} of ${n} runs`;
    }
  } catch (error) {
    stopReason = (error as Error)?.name === 'DeviceLostError' ? 'device-lost' : 'error';
    message = String((error as Error)?.message ?? error);
  }

  // Statistics only for cells wholly inside the range; merge computes the ones shards split.
  const cellStats: CellStats[] = [];
  if (stopReason === 'done') {
    for (let cell = Math.ceil(begin / spec.seeds); (cell + 1) * spec.seeds <= end; cell++) {
      const b = cell * spec.seeds - begin;
      cellStats.push(stats.get(cell) ?? cellStatsCpu(cell, runs.finalJ.subarray(b, b + spec.seeds), runs.diverged.subarray(b, b + spec.seeds), collapseThreshold(spec, cells[cell])));
    }
  }
  return {
    spec,
    specHash: await specHash(spec),
    cells,
    runs,
    cellStats,
    backend: info,
    wallMs: performance.now() - started,
    complete: stopReason === 'done',
    stopReason,
    message,
    runsDone,
    runRange: [begin, end],
    runCount: total,
  };
}

/** The engine's chunks cut to [begin, end). */
function clip(ranges: [number, number][], begin: number, end: number): [number, number][] {
  return ranges.map(([b, e]): [number, number] => [Math.max(b, begin), Math.min(e, end)]).filter(([b, e]) => b < e);
}
