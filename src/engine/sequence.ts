/**
 * GPU host of `shaders/sequence.wgsl` (training) and `shaders/reduce.wgsl` (per-cell stats):
 * packs a chunk of runs into buffers laid out by webgpu-utils from the WGSL structs, advances the
 * whole chunk through its iterations in a few fused dispatches (each short enough for a GPU
 * watchdog), reduces over seeds on the GPU, and reads everything back once per chunk.
 */
import { getSizeAndAlignmentOfUnsizedArrayElement, makeShaderDataDefinitions, makeStructuredView, type ShaderDataDefinitions } from 'webgpu-utils';
import philoxSource from '../../shaders/philox.wgsl?raw';
import sequenceSource from '../../shaders/sequence.wgsl?raw';
import expectedUpdateSource from '../../shaders/expected-update.wgsl?raw';
import reduceSource from '../../shaders/reduce.wgsl?raw';
import optimizerSource from '../../shaders/optimizer.wgsl?raw';
import ppoLoopSource from '../../shaders/ppo-loop.wgsl?raw';
import type { GpuContext } from './device.ts';
import { ADVANTAGE_CODE, AGGREGATION_CODE, EXACT_DIRECTION_CODE, type PackedInstance } from './packing.ts';
import { sampleScale } from './sequence-cpu.ts';
import type { CellStats } from './results.ts';
import { decodeReadback, REDUCED_STATS, runStateWords } from './gpu-readback.ts';
import { KERNEL_RECORD_OUTPUTS, KERNEL_STATE_OUTPUTS, RUN_OUTPUTS, type RunChunk } from './run-outputs.ts';
import { setupRuns, type RunSetup } from './setup.ts';
import { maxShape, planChunks, workPerRunStep, type KernelShape } from './chunk-plan.ts';
import { aggregationLengthScale, collapseThreshold, isPlainSgd, isPpoLoop, recordSteps, type Cell, type RunParams, type SweepSpec } from '../spec/index.ts';
import { KL_ESTIMATOR_CODE } from './ppo-loss.ts';
import { OPTIMIZER_CODE, scheduleTable } from './optimizer.ts';

const F32 = 4;
/** Work units per dispatch (see workPerRunStep): keeps one submit well under a GPU watchdog. */
const WORK_PER_DISPATCH = 4e8;

/** One chunk's outputs, its cells' statistics, and (tests only) every sampled token. */
export interface GpuChunk {
  outputs: RunChunk;
  stats: CellStats[];
  tokenTrace?: Uint32Array; // [step][run][sample·L + t, then B prompt draws at traceStride − B + g] (B: the chunk's largest)
  traceStride?: number;
}

export class DeviceLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLostError';
  }
}

function sequenceCode(s: KernelShape): string {
  const sized = `${sequenceSource}\n${expectedUpdateSource}\n${optimizerSource}\n${ppoLoopSource}`
    .replace(/MAX_D\b/g, String(s.D))
    .replace(/MAX_PK\b/g, String(s.PK))
    .replace(/MAX_P\b/g, String(s.P))
    .replace(/MAX_K\b/g, String(s.K))
    .replace(/MAX_S\b/g, String(s.S))
    .replace(/MAX_B\b/g, String(s.B))
    .replace(/MAX_TOK\b/g, String(s.TOK))
    .replace(/MAX_OPT\b/g, String(s.OPT))
    .replace(/MAX_DRAW\b/g, String(s.DRAW));
  return `${philoxSource}\n${sized}`;
}

export class GpuEngine {
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; defs: ReturnType<typeof makeShaderDataDefinitions> }>();
  private reducePipeline?: { pipeline: GPUComputePipeline; defs: ShaderDataDefinitions };
  private lostReason: string | null = null;

  /** `workPerDispatch` sizes the fused dispatches; tests lower it to make a chunk take several (optimizer state and ‖Δθ‖ cross them). */
  constructor(
    readonly ctx: GpuContext,
    private readonly workPerDispatch = WORK_PER_DISPATCH,
  ) {
    ctx.device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
    });
  }

  private get device(): GPUDevice {
    return this.ctx.device;
  }

  /** Chunks of whole cells that fit this device's limits (see chunk-plan.ts). */
  planChunks(spec: SweepSpec, cells: readonly Cell[], chunkRuns?: number): [number, number][] {
    return planChunks(spec, cells, this.device.limits, chunkRuns);
  }

  /** Compiles a kernel, turning WGSL compile errors into one readable exception. */
  private async compile(code: string, label: string): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ code, label });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length) throw new Error(`${label} failed to compile:\n${errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
    return this.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' }, label });
  }

  private async sequencePipeline(shape: KernelShape) {
    const key = JSON.stringify({ ...shape, BETA: 0 }); // β lives in a storage buffer: it does not change the code
    let entry = this.pipelines.get(key);
    if (!entry) {
      const code = sequenceCode(shape);
      entry = { pipeline: await this.compile(code, 'sequence.wgsl'), defs: makeShaderDataDefinitions(code) };
      this.pipelines.set(key, entry);
    }
    return entry;
  }

  private async reduce() {
    this.reducePipeline ??= { pipeline: await this.compile(reduceSource, 'reduce.wgsl'), defs: makeShaderDataDefinitions(reduceSource) };
    return this.reducePipeline;
  }

  private buffer(data: ArrayBufferView | number, usage: number, label: string): GPUBuffer {
    const size = Math.max(16, typeof data === 'number' ? data : data.byteLength);
    const buffer = this.device.createBuffer({ size: Math.ceil(size / 4) * 4, usage, label, mappedAtCreation: typeof data !== 'number' });
    if (typeof data !== 'number') {
      new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      buffer.unmap();
    }
    return buffer;
  }

  /** Runs [begin, end) on the GPU; per-cell stats for the cells that lie wholly inside. */
  async runChunk(spec: SweepSpec, cells: readonly Cell[], begin: number, end: number, traceTokens = false): Promise<GpuChunk> {
    if (this.lostReason) throw new DeviceLostError(this.lostReason);
    try {
      return await this.runChunkOnDevice(spec, cells, begin, end, traceTokens);
    } catch (error) {
      // A lost device fails whatever call comes next, in its own words; report the loss instead.
      await new Promise((r) => setTimeout(r, 0));
      if (this.lostReason) throw new DeviceLostError(this.lostReason);
      throw error;
    }
  }

  private async runChunkOnDevice(spec: SweepSpec, cells: readonly Cell[], begin: number, end: number, traceTokens: boolean): Promise<GpuChunk> {
    const device = this.device;
    const { instances, runs } = setupRuns(spec, cells, begin, end);
    const chunkCells = cells.slice(Math.floor(begin / spec.seeds), Math.ceil(end / spec.seeds));
    const shape = maxShape(chunkCells);
    const { pipeline, defs } = await this.sequencePipeline(shape);
    const n = end - begin;
    const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
    const R = steps.length;

    // Instances are shared by runs with the same seed index and shape: upload each once.
    const phiOffsets: number[] = [];
    const rewardOffsets: number[] = [];
    let phiLength = 0;
    let rewardLength = 0;
    for (const inst of instances) {
      phiOffsets.push(phiLength);
      rewardOffsets.push(rewardLength);
      phiLength += inst.phi.length;
      rewardLength += inst.rewardData.length;
    }
    const phi = new Float32Array(phiLength);
    const rewardData = new Uint32Array(Math.max(1, rewardLength));
    instances.forEach((inst, i) => {
      phi.set(inst.phi, phiOffsets[i]);
      rewardData.set(inst.rewardData, rewardOffsets[i]);
    });
    // Scratch: β [run][BETA], then the optimizer state [run][m | v][OPT], then one λ table per schedule.
    const optBase = n * shape.BETA;
    const scheduleBase = optBase + (shape.OPT > 1 ? n * 2 * shape.OPT : 0);
    const schedules = new Map<string, number>(); // schedule key → offset of its table in scratch
    const tables: Float32Array[] = [];
    const scheduleOffsets = runs.map((r) => {
      const p = r.cell.params;
      if (isPlainSgd(p)) return 0;
      const key = `${p.schedule}|${p.warmupSteps}`;
      let at = schedules.get(key);
      if (at === undefined) {
        at = scheduleBase + tables.length * spec.base.iterations;
        schedules.set(key, at);
        tables.push(scheduleTable(p));
      }
      return at;
    });
    const promptBase = scheduleBase + tables.length * spec.base.iterations; // then J_q(0) per run, [run][P] (SPEC 1.8)
    const ppoBase = promptBase + n * shape.P; // then the PPO loop's per-run scratch (ppo-loop.wgsl), only when a run is in it
    const ppoStride = runs.some((r) => inPpoLoop(r.cell.params)) ? shape.PK + shape.TOK + shape.S + shape.D + shape.P : 0;
    const scratch = new Float32Array(Math.max(4, ppoBase + n * ppoStride)); // m = v = 0 at step 0
    tables.forEach((t, i) => scratch.set(t, scheduleBase + i * spec.base.iterations));
    const theta = new Float32Array(n * shape.D);
    runs.forEach((r, i) => theta.set(r.theta0, i * shape.D));

    const runsDef = defs.storages.runs;
    const { size: runSize } = getSizeAndAlignmentOfUnsizedArrayElement(runsDef);
    const runView = makeStructuredView(runsDef, new ArrayBuffer(runSize * n));
    runView.set(
      runs.map((r, i) => runInfo(r, instances[r.instanceId], phiOffsets[r.instanceId], rewardOffsets[r.instanceId], i * shape.D, scheduleOffsets[i])),
    );

    // Each RunState output starts at its declared value; records start NaN, so a diverged run's unreached ones stay NaN.
    const state = runStateWords(defs, new ArrayBuffer(defs.structs.RunState.size * n), 0, n);
    for (const name of KERNEL_STATE_OUTPUTS) {
      const { words, at } = state.field(name);
      for (let i = 0; i < n; i++) words[at(i)] = RUN_OUTPUTS[name].source.start;
    }
    const recordArray = new Float32Array(KERNEL_RECORD_OUTPUTS.length * R * n).fill(NaN); // [output][record][run]

    const S = GPUBufferUsage.STORAGE;
    const buffers = {
      runs: this.buffer(new Uint8Array(runView.arrayBuffer), S, 'runs'),
      phi: this.buffer(phi, S, 'phi'),
      rewardData: this.buffer(rewardData, S, 'rewardData'),
      theta: this.buffer(theta, S | GPUBufferUsage.COPY_SRC, 'theta'),
      state: this.buffer(state.f32, S | GPUBufferUsage.COPY_SRC, 'state'),
      records: this.buffer(recordArray, S | GPUBufferUsage.COPY_SRC, 'records'),
      dispatch: this.buffer(defs.uniforms.dispatch.size, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'dispatch'),
      tokenTrace: this.buffer(traceTokens ? spec.base.iterations * n * (shape.TOK + shape.B) * 4 : 16, S | GPUBufferUsage.COPY_SRC, 'tokenTrace'),
      scratch: this.buffer(scratch, S, 'scratch'),
    };
    const all: GPUBuffer[] = Object.values(buffers);
    try {
      const bindGroup = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          buffers.dispatch,
          buffers.runs,
          buffers.phi,
          buffers.rewardData,
          buffers.theta,
          buffers.state,
          buffers.records,
          buffers.tokenTrace,
          buffers.scratch,
        ].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const dispatchView = makeStructuredView(defs.uniforms.dispatch);
      const iterations = spec.base.iterations;
      const work = chunkCells.reduce((m, c) => Math.max(m, workPerRunStep(c.params)), 1) * n;
      const span = Math.max(1, Math.min(iterations, Math.floor(this.workPerDispatch / work)));
      device.pushErrorScope('validation');
      for (let stepBegin = 0; stepBegin < iterations || stepBegin === 0; stepBegin += span) {
        const stepEnd = Math.min(iterations, stepBegin + span);
        dispatchView.set({
          stepBegin,
          stepEnd,
          iterations,
          recordEvery: spec.base.recordEvery,
          recordCount: R,
          runCount: n,
          seed: spec.seed,
          traceStride: traceTokens ? shape.TOK + shape.B : 0,
          betaStride: shape.BETA,
          optBase,
          optStride: shape.OPT > 1 ? shape.OPT : 0,
          promptBase,
          ppoBase,
          ppoStride,
        });
        device.queue.writeBuffer(buffers.dispatch, 0, dispatchView.arrayBuffer);
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(n);
        pass.end();
        device.queue.submit([encoder.finish()]);
        if (stepEnd === iterations) break;
      }

      // Per-cell reduction over seeds, for cells wholly inside this chunk.
      const firstCell = Math.ceil(begin / spec.seeds);
      const lastCell = Math.floor(end / spec.seeds); // exclusive
      const reduced = Math.max(0, lastCell - firstCell);
      const statsBytes = Math.max(1, reduced) * REDUCED_STATS.length * F32;
      const statsBuffer = this.buffer(statsBytes, S | GPUBufferUsage.COPY_SRC, 'stats');
      all.push(statsBuffer);
      const encoder = device.createCommandEncoder();
      if (reduced > 0) {
        const { pipeline: reducePipeline, defs: reduceDefs } = await this.reduce();
        const cellsDef = reduceDefs.storages.cells;
        const cellView = makeStructuredView(cellsDef, new ArrayBuffer(getSizeAndAlignmentOfUnsizedArrayElement(cellsDef).size * reduced));
        cellView.set(
          Array.from({ length: reduced }, (_, c) => ({
            first: (firstCell + c) * spec.seeds - begin,
            count: spec.seeds,
            threshold: collapseThreshold(spec, cells[firstCell + c]),
          })),
        );
        const cellBuffer = this.buffer(new Uint8Array(cellView.arrayBuffer), S, 'cells');
        all.push(cellBuffer);
        const group = device.createBindGroup({
          layout: reducePipeline.getBindGroupLayout(0),
          entries: [buffers.state, cellBuffer, statsBuffer].map((buffer, binding) => ({ binding, resource: { buffer } })),
        });
        const pass = encoder.beginComputePass();
        pass.setPipeline(reducePipeline);
        pass.setBindGroup(0, group);
        pass.dispatchWorkgroups(reduced);
        pass.end();
      }
      // One readback per chunk: run state, records and cell stats into one mappable buffer.
      const sizes = [buffers.state.size, buffers.records.size, statsBuffer.size, traceTokens ? buffers.tokenTrace.size : 0];
      const readback = device.createBuffer({ size: sizes[0] + sizes[1] + sizes[2] + sizes[3], usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      all.push(readback);
      encoder.copyBufferToBuffer(buffers.state, 0, readback, 0, sizes[0]);
      encoder.copyBufferToBuffer(buffers.records, 0, readback, sizes[0], sizes[1]);
      encoder.copyBufferToBuffer(statsBuffer, 0, readback, sizes[0] + sizes[1], sizes[2]);
      if (traceTokens) encoder.copyBufferToBuffer(buffers.tokenTrace, 0, readback, sizes[0] + sizes[1] + sizes[2], sizes[3]);
      device.queue.submit([encoder.finish()]);
      const error = await device.popErrorScope();
      if (error) throw new Error(`WebGPU validation error: ${error.message}`);
      await readback.mapAsync(GPUMapMode.READ);
      if (this.lostReason) throw new DeviceLostError(this.lostReason);
      const bytes = readback.getMappedRange();
      const { outputs, stats } = decodeReadback(defs, bytes, { n, R, begin, end, recordsAt: sizes[0], statsAt: sizes[0] + sizes[1] }, spec, firstCell, reduced);
      const tokenTrace = traceTokens ? new Uint32Array(bytes.slice(sizes[0] + sizes[1] + sizes[2])) : undefined;
      readback.unmap();
      return { outputs, stats, tokenTrace, traceStride: traceTokens ? shape.TOK + shape.B : undefined };
    } finally {
      for (const b of all) b.destroy();
    }
  }
}

/** The kernel's RunInfo for one run (field names match the WGSL struct). */
function runInfo(r: RunSetup, inst: PackedInstance, phiOffset: number, rewardOffset: number, thetaOffset: number, scheduleOffset: number) {
  const p = r.cell.params;
  const lengthScale = Math.fround(aggregationLengthScale(p.aggregation, inst.L, p.B * p.G));
  return {
    run: r.run,
    phiOffset,
    rewardOffset,
    thetaOffset,
    P: inst.P,
    K: inst.K,
    d: inst.d,
    L: inst.L,
    G: p.G,
    B: p.B,
    start: inst.start,
    rewardKind: inst.rewardKind,
    advantage: ADVANTAGE_CODE[p.advantage],
    mode: p.mode === 'sampled' ? 0 : 1,
    exactDirection: EXACT_DIRECTION_CODE[p.exactDirection],
    stdUnbiased: p.std === 'unbiased' ? 1 : 0,
    epsilon: p.epsilon,
    stepSize: p.stepSize,
    sampleScale: sampleScale(p, inst.L), // f32(1/(B·G)) × the length scale at L, rounded as the twin rounds it
    lengthScale,
    plain: isPlainSgd(p) ? 1 : 0,
    optimizer: OPTIMIZER_CODE[p.optimizer],
    scheduleOffset,
    clip: p.maxGradNorm === null ? 0 : 1,
    maxGradNorm: p.maxGradNorm ?? 0,
    momentum: p.momentum,
    beta1: p.beta1,
    beta2: p.beta2,
    adamEpsilon: p.adamEpsilon,
    weightDecay: p.weightDecay,
    eos: inst.eos,
    targetLength: inst.targetLength,
    aggregation: AGGREGATION_CODE[p.aggregation],
    prompts: inst.prompts,
    ...ppoInfo(p, inst),
  };
}

/** Whether a run takes the PPO loop's path in the kernel (SPEC 1.9); exact mode never does. */
function inPpoLoop(p: RunParams): boolean {
  return p.mode === 'sampled' && isPpoLoop(p);
}

/** The PPO loop's RunInfo fields (ppo-loop.wgsl), rounded as the twin rounds them (ppo-loss.ts, ppo-update.ts). */
function ppoInfo(p: RunParams, inst: PackedInstance) {
  const ppo = inPpoLoop(p);
  return {
    ppo: ppo ? 1 : 0,
    ppoEpochs: p.ppoEpochs,
    miniBatches: p.miniBatches,
    updatesPerStep: ppo ? p.ppoEpochs * p.miniBatches : 1,
    clipLow: p.clipLow,
    clipHigh: p.clipHigh,
    dualClip: p.dualClip ?? 0,
    klCoef: p.klCoef,
    klEstimator: KL_ESTIMATOR_CODE[p.klEstimator],
    ppoScale: sampleScale({ ...p, B: p.B / p.miniBatches }, inst.L),
  };
}
