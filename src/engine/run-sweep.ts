/**
 * Runs a sweep: validate, choose the backend (under `auto` a large sweep times both on its first
 * runs and keeps the winner's: backend-choice.ts), run chunk by chunk with progress and cancel,
 * and assemble the results table (SPEC 2.2). Every run comes from one backend. Device loss and
 * cancel keep what finished.
 *
 * @example
 *   const result = await runSweep({ grid: { stepSize: [1, 10, 100] }, seeds: 64 }, { onProgress });
 *   result.cellStats[2].collapseProbability;
 */
import { simulateChunkCpu } from './cpu-chunk.ts';
import { CpuPool, availableThreads } from './cpu-pool.ts';
import { maxShape, workgroupBytes } from './chunk-plan.ts';
import { transformerKernelRefusal } from './transformer-kernel-plan.ts';
import { acquireGpu, type GpuContext } from './device.ts';
import { ResultsBuilder } from './results-builder.ts';
import type { BackendInfo, BackendKind, CellStats, Progress, SweepResult } from './results.ts';
import type { RunChunk } from './run-outputs.ts';
import {
  MEASURE_ABOVE_S,
  MEASURE_BUDGET_MS,
  decisionKey,
  defaultDecisionStore,
  estimatedCpuSeconds,
  measureBackends,
  formatRate,
  ratesText,
  shapeClass,
  sweepWork,
  type AutoOptions,
  type MeasuredChoice,
  type RangeRunner,
} from './backend-choice.ts';
import { cellCount, isTransformer, parseSpec, specHash, type Cell, type SweepSpec, type SweepSpecInput } from '../spec/index.ts';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface SweepOptions {
  backend?: BackendChoice; // 'auto': measured or remembered for a large sweep (backend-choice.ts); else WebGPU on a hardware adapter, the CPU twin otherwise
  threads?: number; // CPU workers (default: all cores)
  signal?: AbortSignal; // cancel: stops within one chunk
  onProgress?: (p: Progress) => void; // once per finished chunk
  gpu?: GpuContext; // reuse an acquired device
  chunkRuns?: number; // upper bound on runs per chunk (tests use small chunks)
  runRange?: [number, number]; // run only runs [begin, end) — a shard; the result's `runs` then hold those alone
  onBackend?: (info: BackendInfo) => void; // once the backend is decided (after any measuring), before the first progress
  auto?: AutoOptions; // how 'auto' measures and where it remembers (default: in memory)
  keepSeries?: boolean; // keep every run's per-record outputs in the result (default true); false: only per-run ones, the series reduced to bands as cells complete
  onRuns?: (chunk: RunChunk) => void; // each finished chunk in run order (a chunk that finishes early waits for the runs before it): stream the series
}

/**
 * The rule, without running anything: the override, else the CPU twin on a software adapter or
 * with no adapter, WebGPU on a hardware one. Acquires the GPU when it may be used. runSweep may
 * then measure (backend-choice.ts).
 */
export async function chooseBackend(
  choice: BackendChoice = 'auto',
  threads = availableThreads(),
  gpu?: GpuContext,
): Promise<{ info: BackendInfo; gpu?: GpuContext }> {
  const cpu = (reason: string, ctx?: GpuContext): { info: BackendInfo; gpu?: GpuContext } => ({
    info: { kind: 'cpu', threads, adapter: ctx?.adapterName ?? 'none', fallbackAdapter: ctx?.fallbackAdapter ?? false, reason },
    gpu: ctx, // a software adapter is still measured against the CPU twin under auto
  });
  if (choice === 'cpu') return cpu('user override: CPU twin');
  let ctx = gpu;
  if (!ctx) {
    try {
      ctx = await acquireGpu();
    } catch (error) {
      if (choice === 'webgpu') throw error;
      return cpu(`auto: ${(error as Error).message} The CPU twin runs instead.`);
    }
  }
  const gpuInfo: BackendInfo = { kind: 'webgpu', threads: 1, adapter: ctx.adapterName, fallbackAdapter: ctx.fallbackAdapter, reason: '' };
  if (choice === 'webgpu') return { info: { ...gpuInfo, reason: 'user override: WebGPU' }, gpu: ctx };
  if (ctx.fallbackAdapter) {
    return cpu(`auto: ${ctx.adapterName} is a software adapter; the CPU twin on ${threads} thread(s) is faster`, ctx);
  }
  return { info: { ...gpuInfo, reason: 'auto: hardware adapter' }, gpu: ctx };
}

/**
 * The backend of a transformer sweep (SPEC 1.10): the CPU twin for now, under auto with that
 * reason; an explicit 'webgpu' is refused. Where the WGSL transformer engine plugs in (issue 22,
 * src/engine/transformer-gpu*.ts): choose it here as chooseBackend does, and build it in gpuEngine.
 */
export async function transformerBackend(
  choice: BackendChoice = 'auto',
  threads: number,
  cells: readonly Cell[],
  gpu?: GpuContext,
): Promise<{ info: BackendInfo; gpu?: GpuContext }> {
  if (choice === 'webgpu') {
    // The kernel runs only the options it has; the refusal names the first it lacks, before any adapter is asked for.
    const refusal = transformerKernelRefusal(cells);
    if (refusal) throw new Error(`backend "webgpu" with policy "transformer": ${refusal.message}`);
    return chooseBackend('webgpu', threads, gpu);
  }
  // Auto does not time the kernel: one GPU thread per run did not finish one W3 dispatch in 10 minutes on the
  // software adapters CI and most laptops' headless Chromium have, so the twin on every core is the safe choice.
  const reason =
    choice === 'cpu'
      ? 'user override: CPU twin'
      : 'auto: policy "transformer" runs on the CPU twin (its WGSL kernel, one GPU thread per run, runs when backend "webgpu" is chosen)';
  return { info: { kind: 'cpu', threads, adapter: 'none', fallbackAdapter: false, reason } };
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

/** A finished chunk: its runs, and the statistics the GPU already reduced for cells wholly inside it. */
interface Chunk {
  outputs: RunChunk;
  stats?: CellStats[];
}

/** One backend's way through a range of runs: how it cuts it into chunks, and running them (each handed over as it finishes). */
interface Engine {
  plan(begin: number, end: number): [number, number][];
  run(ranges: [number, number][], onChunk: (c: Chunk) => void): Promise<void>;
}

function cpuEngine(spec: SweepSpec, threads: number, options: SweepOptions): Engine {
  return {
    plan: (begin, end) => cpuRanges(begin, end, threads, options.chunkRuns),
    async run(ranges, onChunk) {
      if (typeof Worker !== 'undefined') return CpuPool.shared(threads).run(spec, ranges, (outputs) => onChunk({ outputs }), options.signal);
      for (const [begin, end] of ranges) {
        if (options.signal?.aborted) break;
        onChunk({ outputs: simulateChunkCpu(spec, begin, end) });
        await new Promise((r) => setTimeout(r, 0)); // let a cancel land between chunks
      }
    },
  };
}

async function gpuEngine(spec: SweepSpec, cells: Cell[], gpu: GpuContext, options: SweepOptions): Promise<Engine> {
  if (isTransformer(spec.base)) return transformerGpuEngine(spec, cells, gpu, options);
  // Loaded only here: webgpu-utils needs APIs (Float16Array) that Node 20 lacks, and the CPU path needs none of it.
  const { GpuEngine } = await import('./sequence.ts');
  const engine = new GpuEngine(gpu);
  const planned = engine.planChunks(spec, cells, options.chunkRuns);
  return {
    plan: (begin, end) => clip(planned, begin, end),
    async run(ranges, onChunk) {
      for (const [begin, end] of ranges) {
        if (options.signal?.aborted) break;
        onChunk(await engine.runChunk(spec, cells, begin, end));
      }
    },
  };
}

/** Runs [begin, end) on an engine and collects its chunks (for timing, before they may be kept). */
async function transformerGpuEngine(spec: SweepSpec, cells: Cell[], gpu: GpuContext, options: SweepOptions): Promise<Engine> {
  const { planTransformerChunks, runTransformerChunkGpu } = await import('./transformer-gpu-engine.ts');
  return {
    plan: (begin, end) => planTransformerChunks(spec, cells, begin, end, options.chunkRuns),
    async run(ranges, onChunk) {
      for (const [begin, end] of ranges) {
        if (options.signal?.aborted) break;
        onChunk({ outputs: await runTransformerChunkGpu(gpu, spec, cells, begin, end) });
      }
    },
  };
}

function collect(engine: Engine): RangeRunner<Chunk> {
  return async (begin, end) => {
    const chunks: Chunk[] = [];
    await engine.run(engine.plan(begin, end), (c) => chunks.push(c));
    return chunks;
  };
}

/** What `auto` settled on: the backend, the chunks already done on it while measuring, and the first run still to do. */
interface AutoDecision {
  info: BackendInfo;
  kept: Chunk[];
  next: number;
}

/**
 * `auto` on a usable adapter (backend-choice.ts): a decision remembered for this adapter, threads
 * and shape class; else, for a sweep over MEASURE_ABOVE_S of estimated work, both backends timed
 * on its first runs, the winner's runs kept; else the rule (`rule`, from chooseBackend).
 */
async function autoDecision(
  spec: SweepSpec,
  cells: Cell[],
  [first, last]: [number, number],
  threads: number,
  rule: BackendInfo,
  engines: { cpu: Engine; webgpu: () => Promise<Engine> },
  options: SweepOptions,
): Promise<AutoDecision> {
  const { store = defaultDecisionStore, clock = () => performance.now(), measureAboveS = MEASURE_ABOVE_S, budgetMs = MEASURE_BUDGET_MS } = options.auto ?? {};
  const shape = shapeClass(cells, spec.seeds, first, last);
  const key = decisionKey(rule.adapter, threads, shape);
  const as = (kind: BackendKind, reason: string): BackendInfo => ({ ...rule, kind, threads: kind === 'cpu' ? threads : 1, reason });
  const remembered = await store.get(key);
  if (remembered) return { info: as(remembered.kind, `auto, measured before on this adapter for ${shape}: ${ratesText(remembered)}`), kept: [], next: first };
  const { work, runSteps } = sweepWork(cells, spec.seeds, first, last);
  if (estimatedCpuSeconds(work, threads) <= measureAboveS) return { info: rule, kept: [], next: first };

  const runs = last - first;
  const webgpu = await engines.webgpu();
  const firstGpuChunk = webgpu.plan(first, last)[0];
  const measured = await measureBackends(
    { webgpu: collect(webgpu), cpu: collect(engines.cpu) },
    {
      first,
      last,
      startRuns: Math.max(4, threads),
      // Each backend does at most half the sweep while timed; WebGPU at most its first chunk.
      maxRuns: { webgpu: Math.min(Math.ceil(runs / 2), firstGpuChunk[1] - firstGpuChunk[0]), cpu: Math.ceil(runs / 2) },
      budgetMs,
      work: (b, e) => sweepWork(cells, spec.seeds, b, e).work,
      clock,
      signal: options.signal,
    },
  );
  // Rates as run-steps/s of this sweep's mix of runs, so the two compare even where they timed different cells.
  const perS = (workPerS: number) => (workPerS * runSteps) / work;
  const choice: MeasuredChoice = { kind: measured.kind, webgpu: perS(measured.workPerS.webgpu), cpu: perS(measured.workPerS.cpu), threads };
  if (options.signal?.aborted) {
    // Cancelled while timing: nothing was decided or remembered (the table keeps what measureBackends kept, if anything).
    const rate = (x: number) => (Number.isFinite(x) ? `${formatRate(x)} run-steps/s` : 'not timed');
    const reason = `auto: cancelled while timing the backends on this sweep's first runs, before a choice (WebGPU ${rate(choice.webgpu)}, CPU twin ${rate(choice.cpu)}); nothing remembered`;
    return { info: as(measured.kind, reason), kept: measured.kept, next: measured.next };
  }
  await store.set(key, choice);
  const failed = measured.error ? ` (WebGPU: ${measured.error.message})` : '';
  return { info: as(measured.kind, `auto, measured on this sweep's first runs: ${ratesText(choice)}${failed}`), kept: measured.kept, next: measured.next };
}

export async function runSweep(input: SweepSpecInput, options: SweepOptions = {}): Promise<SweepResult> {
  const spec = parseSpec(input); // throws SpecError before anything runs
  const started = performance.now();
  const [first, last] = checkedRange(options.runRange, cellCount(spec) * spec.seeds);
  const total = last - first;
  const table = new ResultsBuilder(spec, [first, last], { keepSeries: options.keepSeries, onRuns: options.onRuns });
  const { cells } = table;
  const threads = Math.max(1, options.threads ?? availableThreads());
  const transformer = isTransformer(spec.base);
  const chosen = transformer
    ? await transformerBackend(options.backend, threads, cells, options.gpu)
    : await chooseBackend(options.backend, threads, options.gpu);
  const { gpu } = chosen;
  let { info } = chosen;
  const auto = (options.backend ?? 'auto') === 'auto';
  // A shape too big for the kernel's workgroup memory still runs: on the CPU twin when the choice
  // was automatic (an explicit 'webgpu' gets planChunks' error, with the numbers).
  const needed = transformer ? 0 : workgroupBytes(maxShape(cells)); // the transformer kernel keeps a run in storage buffers
  const fitsGpu = gpu !== undefined && needed <= gpu.device.limits.maxComputeWorkgroupStorageSize;
  if (info.kind === 'webgpu' && auto && !fitsGpu) {
    const reason = `auto: this sweep needs ${needed} bytes of workgroup memory per run and ${info.adapter} allows ${gpu!.device.limits.maxComputeWorkgroupStorageSize}; CPU twin`;
    info = { ...info, kind: 'cpu', threads, reason };
  }
  let chunksDone = 0;
  let chunksTotal = 0;
  const progress = () => options.onProgress?.({ runsDone: table.runsDone, runsTotal: total, chunksDone, chunksTotal, elapsedMs: performance.now() - started });

  // A chunk's outputs land in the table; cells whose every seed is in get their statistics.
  const accept = (c: Chunk) => {
    table.accept(c.outputs, c.stats);
    chunksDone++;
    progress();
  };

  let stopReason: SweepResult['stopReason'] = 'done';
  let message = '';
  try {
    const cpu = cpuEngine(spec, threads, options);
    let webgpu: Promise<Engine> | undefined; // built when first needed: the CPU path loads none of the GPU code
    const gpuOnce = () => (webgpu ??= gpuEngine(spec, cells, gpu!, options));
    // Under auto with a usable adapter the choice may be measured; runs done while measuring stay if their backend won.
    const decided: AutoDecision =
      auto && fitsGpu ? await autoDecision(spec, cells, [first, last], threads, info, { webgpu: gpuOnce, cpu }, options) : { info, kept: [], next: first };
    info = decided.info;
    options.onBackend?.(info);
    const engine = info.kind === 'webgpu' ? await gpuOnce() : cpu;
    const ranges = engine.plan(decided.next, last);
    chunksTotal = decided.kept.length + ranges.length;
    decided.kept.forEach(accept);
    await engine.run(ranges, accept);
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
