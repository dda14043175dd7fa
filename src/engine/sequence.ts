/**
 * GPU host of `shaders/sequence.wgsl` (training) and `shaders/reduce.wgsl` (per-cell stats):
 * packs a chunk of runs into buffers laid out by webgpu-utils from the WGSL structs, advances the
 * whole chunk through its iterations in a few fused dispatches (each short enough for a GPU
 * watchdog), reduces over seeds on the GPU, and reads everything back once per chunk.
 */
import { getSizeAndAlignmentOfUnsizedArrayElement, makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import philoxSource from '../../shaders/philox.wgsl?raw';
import sequenceSource from '../../shaders/sequence.wgsl?raw';
import expectedUpdateSource from '../../shaders/expected-update.wgsl?raw';
import reduceSource from '../../shaders/reduce.wgsl?raw';
import { allocateChunk, type ChunkOutputs } from './cpu-chunk.ts';
import type { GpuContext } from './device.ts';
import { ADVANTAGE_CODE, EXACT_DIRECTION_CODE, type PackedInstance } from './packing.ts';
import type { CellStats } from './results.ts';
import { setupRuns, type RunSetup } from './setup.ts';
import { maxShape, planChunks, workPerRunStep, type KernelShape } from './chunk-plan.ts';
import { aggregationLengthScale, recordSteps, type Cell, type SweepSpec } from './spec.ts';

const F32 = 4;
/** Work units per dispatch (see workPerRunStep): keeps one submit well under a GPU watchdog. */
const WORK_PER_DISPATCH = 4e8;

/** One chunk's outputs, its cells' statistics, and (tests only) every sampled token. */
export interface GpuChunk {
  outputs: ChunkOutputs;
  stats: CellStats[];
  tokenTrace?: Uint32Array; // [step][run][sample·L + t]
  traceStride?: number;
}

export class DeviceLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLostError';
  }
}

function sequenceCode(s: KernelShape): string {
  const sized = `${sequenceSource}\n${expectedUpdateSource}`
    .replace(/MAX_D\b/g, String(s.D))
    .replace(/MAX_PK\b/g, String(s.PK))
    .replace(/MAX_P\b/g, String(s.P))
    .replace(/MAX_K\b/g, String(s.K))
    .replace(/MAX_S\b/g, String(s.S))
    .replace(/MAX_B\b/g, String(s.B))
    .replace(/MAX_TOK\b/g, String(s.TOK));
  return `${philoxSource}\n${sized}`;
}

export class GpuEngine {
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; defs: ReturnType<typeof makeShaderDataDefinitions> }>();
  private reducePipeline?: GPUComputePipeline;
  private lostReason: string | null = null;

  constructor(readonly ctx: GpuContext) {
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

  private async reduce(): Promise<GPUComputePipeline> {
    this.reducePipeline ??= await this.compile(reduceSource, 'reduce.wgsl');
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
    const theta = new Float32Array(n * shape.D);
    runs.forEach((r, i) => theta.set(r.theta0, i * shape.D));

    const runsDef = defs.storages.runs;
    const { size: runSize } = getSizeAndAlignmentOfUnsizedArrayElement(runsDef);
    const runView = makeStructuredView(runsDef, new ArrayBuffer(runSize * n));
    runView.set(runs.map((r, i) => runInfo(r, instances[r.instanceId], phiOffsets[r.instanceId], rewardOffsets[r.instanceId], i * shape.D)));

    const stateArray = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      stateArray[i * 4] = Infinity; // minJ
      stateArray[i * 4 + 1] = NaN; // finalJ
    }
    const recordArray = new Float32Array(3 * R * n).fill(NaN); // J, ‖θ‖, ‖∇J‖

    const S = GPUBufferUsage.STORAGE;
    const buffers = {
      runs: this.buffer(new Uint8Array(runView.arrayBuffer), S, 'runs'),
      phi: this.buffer(phi, S, 'phi'),
      rewardData: this.buffer(rewardData, S, 'rewardData'),
      theta: this.buffer(theta, S | GPUBufferUsage.COPY_SRC, 'theta'),
      state: this.buffer(stateArray, S | GPUBufferUsage.COPY_SRC, 'state'),
      records: this.buffer(recordArray, S | GPUBufferUsage.COPY_SRC, 'records'),
      dispatch: this.buffer(defs.uniforms.dispatch.size, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'dispatch'),
      tokenTrace: this.buffer(traceTokens ? spec.base.iterations * n * shape.TOK * 4 : 16, S | GPUBufferUsage.COPY_SRC, 'tokenTrace'),
      betaScratch: this.buffer(n * shape.BETA * F32, S, 'betaScratch'),
    };
    const all: GPUBuffer[] = Object.values(buffers);
    try {
      const bindGroup = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [buffers.dispatch, buffers.runs, buffers.phi, buffers.rewardData, buffers.theta, buffers.state, buffers.records, buffers.tokenTrace, buffers.betaScratch].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const dispatchView = makeStructuredView(defs.uniforms.dispatch);
      const iterations = spec.base.iterations;
      const work = chunkCells.reduce((m, c) => Math.max(m, workPerRunStep(c.params)), 1) * n;
      const span = Math.max(1, Math.min(iterations, Math.floor(WORK_PER_DISPATCH / work)));
      device.pushErrorScope('validation');
      for (let stepBegin = 0; stepBegin < iterations || stepBegin === 0; stepBegin += span) {
        const stepEnd = Math.min(iterations, stepBegin + span);
        dispatchView.set({ stepBegin, stepEnd, iterations, recordEvery: spec.base.recordEvery, recordCount: R, runCount: n, seed: spec.seed, traceStride: traceTokens ? shape.TOK : 0, betaStride: shape.BETA });
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
      const statsBytes = Math.max(1, reduced) * 9 * F32;
      const statsBuffer = this.buffer(statsBytes, S | GPUBufferUsage.COPY_SRC, 'stats');
      all.push(statsBuffer);
      const encoder = device.createCommandEncoder();
      if (reduced > 0) {
        const ranges = new ArrayBuffer(reduced * 16);
        const u = new Uint32Array(ranges);
        const f = new Float32Array(ranges);
        for (let c = 0; c < reduced; c++) {
          const cell = cells[firstCell + c];
          u[c * 4] = (firstCell + c) * spec.seeds - begin;
          u[c * 4 + 1] = spec.seeds;
          f[c * 4 + 2] = spec.collapseFraction * cell.params.J0;
        }
        const cellBuffer = this.buffer(new Uint8Array(ranges), S, 'cells');
        all.push(cellBuffer);
        const reducePipeline = await this.reduce();
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
      const state = new Float32Array(bytes, 0, n * 4);
      const stateU = new Uint32Array(bytes, 0, n * 4);
      const records = new Float32Array(bytes, sizes[0], 3 * R * n);
      const rawStats = new Float32Array(bytes, sizes[0] + sizes[1], reduced * 9);
      const outputs = allocateChunk(begin, end, R);
      for (let i = 0; i < n; i++) {
        outputs.minJ[i] = state[i * 4];
        outputs.finalJ[i] = state[i * 4 + 1];
        outputs.diverged[i] = stateU[i * 4 + 2] ? 1 : 0;
        for (let r = 0; r < R; r++) {
          outputs.trajectory[i * R + r] = records[r * n + i];
          outputs.thetaNorm[i * R + r] = records[(R + r) * n + i];
          outputs.gradientNorm[i * R + r] = records[(2 * R + r) * n + i];
        }
        outputs.initialJ[i] = outputs.trajectory[i * R];
      }
      const stats: CellStats[] = [];
      for (let c = 0; c < reduced; c++) {
        const s = Array.from(rawStats.subarray(c * 9, c * 9 + 9));
        if (s[6] === 0) for (let q = 0; q < 6; q++) s[q] = NaN; // no finite run in the cell
        stats.push({
          cell: firstCell + c,
          runs: spec.seeds,
          finite: s[6],
          diverged: s[7],
          meanFinalJ: s[0],
          q10: s[1],
          q25: s[2],
          q50: s[3],
          q75: s[4],
          q90: s[5],
          collapsed: s[8],
          collapseProbability: s[8] / spec.seeds,
        });
      }
      const tokenTrace = traceTokens ? new Uint32Array(bytes.slice(sizes[0] + sizes[1] + sizes[2])) : undefined;
      readback.unmap();
      return { outputs, stats, tokenTrace, traceStride: traceTokens ? shape.TOK : undefined };
    } finally {
      for (const b of all) b.destroy();
    }
  }
}

/** The kernel's RunInfo for one run (field names match the WGSL struct). */
function runInfo(r: RunSetup, inst: PackedInstance, phiOffset: number, rewardOffset: number, thetaOffset: number) {
  const p = r.cell.params;
  const lengthScale = Math.fround(aggregationLengthScale(p.aggregation, inst.L));
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
    sampleScale: Math.fround(Math.fround(1 / (p.B * p.G)) * lengthScale),
    lengthScale,
  };
}
