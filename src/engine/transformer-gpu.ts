/**
 * GPU host of the transformer policy's training loop (shaders/transformer-loop.wgsl): per run, the
 * supervised warm start and then today's GRPO loop, one GPU thread per run, the whole chunk
 * advanced `budget` steps per dispatch until every run is done. Returns per run the shapes of the
 * twin's SftResult (transformer-sft.ts) and TransformerLoopResult (transformer-grpo.ts), so a
 * caller can put either engine behind the same sweep.
 *
 * Covers the advantages none / mean / group-std, every fixed-length aggregation, and the SPEC 1.6
 * optimizers with their schedules (the twin's OptimizerState). Not here: the PPO loop, EOS, and the
 * advantages batch-std / rloo / oracle — route those to the twin.
 *
 * @example
 *   const out = await simulateTransformerRunsGpu(device, shape, runs);
 *   out[0].sft.steps; out[0].loop.J; out[0].theta;
 */
import loopSource from '../../shaders/transformer-loop.wgsl?raw';
import { getSizeAndAlignmentOfUnsizedArrayElement, makeStructuredView } from 'webgpu-utils';
import type { TaskSet, TransformerShape } from '../model/index.ts';
import { recordSteps } from '../spec/index.ts';
import { OPTIMIZER_CODE, scheduleTable } from './optimizer.ts';
import type { SftOptions, SftResult } from './transformer-sft.ts';
import { type TransformerLoopParams, type TransformerLoopResult } from './transformer-grpo.ts';
import { transformerTokenScale } from './transformer-loop-advantage.ts';
import { transformerGpuLayout } from './transformer-gpu-layout.ts';
import { compileTransformer, dispatchThreads, dispatchUniform, readBack, storageBuffer, transformerCode } from './transformer-gpu-kernel.ts';

const f32 = Math.fround;

/** The kernel's advantage codes (transformer-loop.wgsl RunInfo.advantage). */
const ADVANTAGE_CODE: Record<string, number> = { none: 0, mean: 1, 'group-std': 2 };

/** One run: its task set, θ0 (f32, layout order), warm-start options and loop parameters. */
export interface TransformerGpuRun {
  set: TaskSet;
  theta0: Float32Array;
  sft: SftOptions;
  loop: TransformerLoopParams;
}

export interface TransformerGpuResult {
  sft: SftResult;
  loop: TransformerLoopResult;
  theta: Float32Array; // θ at the end
}

export interface TransformerGpuOptions {
  /** Steps (warm-start or GRPO) per run per dispatch: keeps one dispatch short for a GPU watchdog. */
  budget?: number;
  /** Dispatches per submit between checks whether every run is done. */
  dispatchesPerCheck?: number;
  /** GRPO steps whose sampled tokens, CDF margins and prompt draws come back (tests). */
  traceSteps?: number;
}

/** The draws of the traced steps: [run][step] rows of tokens [S·m], margins [S·m], prompts [B]. */
export interface TransformerGpuTrace {
  tokens: Uint32Array;
  margins: Float32Array;
  stride: number; // words per run-step
  marginsAt: number;
  promptsAt: number;
  runStride: number; // words per run
}

/** Refuses what the kernel does not run, naming the field. */
function checkRuns(shape: TransformerShape, runs: readonly TransformerGpuRun[]): void {
  if (runs.length === 0) throw new Error('simulateTransformerRunsGpu: no runs');
  const k = runs[0].set.promptLength;
  const m = runs[0].set.responseLength;
  for (const [i, r] of runs.entries()) {
    if (r.set.promptLength !== k || r.set.responseLength !== m)
      throw new Error(`run ${i}: every run of a chunk needs prompt length ${k} and response length ${m}`);
    if (k + m > shape.T) throw new Error(`run ${i}: a prompt of ${k} and a response of ${m} tokens do not fit T ${shape.T}`);
    if (!(r.loop.advantage in ADVANTAGE_CODE))
      throw new Error(`run ${i}: advantage ${r.loop.advantage} is not in the kernel (one of ${Object.keys(ADVANTAGE_CODE).join(', ')})`);
    if (!(Number.isInteger(r.loop.recordEvery) && r.loop.recordEvery >= 1))
      throw new Error(`run ${i}: recordEvery ${r.loop.recordEvery} must be an integer ≥ 1`);
    if (!(r.loop.B >= 1 && r.loop.G >= 1)) throw new Error(`run ${i}: B ${r.loop.B} and G ${r.loop.G} must be ≥ 1`);
    const N = r.set.trainPrompts.length / k;
    if (r.loop.B > N) throw new Error(`run ${i}: B ${r.loop.B} exceeds the ${N} training prompts`);
    if (r.loop.iterations !== runs[0].loop.iterations || r.loop.recordEvery !== runs[0].loop.recordEvery)
      throw new Error(`run ${i}: every run of a chunk needs the same iterations and recordEvery`);
  }
}

/** Trains every run (warm start, then GRPO) on `device`; results in run order. */
export async function simulateTransformerRunsGpu(
  device: GPUDevice,
  shape: TransformerShape,
  runs: readonly TransformerGpuRun[],
  options: TransformerGpuOptions = {},
): Promise<{ results: TransformerGpuResult[]; trace?: TransformerGpuTrace }> {
  checkRuns(shape, runs);
  const n = runs.length;
  const k = runs[0].set.promptLength;
  const m = runs[0].set.responseLength;
  const { iterations, recordEvery } = runs[0].loop;
  const steps = recordSteps(iterations, recordEvery);
  const R = steps.length;
  const maxS = Math.max(...runs.map((r) => r.loop.B * r.loop.G));
  const maxB = Math.max(...runs.map((r) => r.loop.B));
  const traceSteps = Math.min(options.traceSteps ?? 0, iterations);
  const traceStride = 2 * maxS * m + maxB;
  // mem per run: the model's regions, then after OFF_EXTRA 8 state floats, m weights, maxS rewards, 4·R records.
  const exRecords = 8 + m + maxS;
  const g = transformerGpuLayout(shape, exRecords + 4 * R);
  // λ tables after the runs, one per distinct schedule.
  const scheduleBase = n * g.runStride;
  const tables = new Map<string, { at: number; table: Float32Array }>();
  let tableEnd = scheduleBase;
  const scheduleOffsets = runs.map((r) => {
    const key = `${r.loop.schedule}|${r.loop.warmupSteps}|${iterations}`;
    let entry = tables.get(key);
    if (!entry) {
      entry = { at: tableEnd, table: scheduleTable(r.loop) };
      tables.set(key, entry);
      tableEnd += Math.max(1, iterations);
    }
    return entry.at;
  });
  const mem = new Float32Array(tableEnd);
  for (const { at, table } of tables.values()) mem.set(table, at);
  // tok per run: 8 state words, the sequence (T), the task's prompts and targets, the draw's order, the trace rows.
  const tokOffsets = runs.map((r) => {
    let at = 8 + shape.T;
    const take = (size: number) => ((at += size), at - size);
    const N = r.set.trainPrompts.length / k;
    return {
      trainPrompts: take(r.set.trainPrompts.length),
      trainTargets: take(r.set.trainTargets.length),
      heldPrompts: take(r.set.heldOutPrompts.length),
      heldTargets: take(r.set.heldOutTargets.length),
      order: take(N),
      trace: take((traceSteps + 1) * traceStride),
      end: at,
    };
  });
  const tokStride = Math.max(...tokOffsets.map((o) => o.end));
  const tok = new Uint32Array(n * tokStride);
  runs.forEach((r, i) => {
    const base = i * g.runStride;
    mem.set(r.theta0, base + g.offsets.theta);
    mem[base + g.offsets.extra] = 1; // β powers of the warm start's fresh Adam
    mem[base + g.offsets.extra + 1] = 1;
    mem.fill(NaN, base + g.offsets.extra + exRecords, base + g.offsets.extra + exRecords + 4 * R); // unreached records stay NaN
    const o = tokOffsets[i];
    const tb = i * tokStride;
    tok.set(r.set.trainPrompts, tb + o.trainPrompts);
    tok.set(r.set.trainTargets, tb + o.trainTargets);
    tok.set(r.set.heldOutPrompts, tb + o.heldPrompts);
    tok.set(r.set.heldOutTargets, tb + o.heldTargets);
  });

  const code = transformerCode(g, loopSource);
  const p = await compileTransformer(device, code, 'transformer-loop.wgsl');
  const runsDef = p.defs.storages.runs;
  const { size: runSize } = getSizeAndAlignmentOfUnsizedArrayElement(runsDef);
  const runView = makeStructuredView(runsDef, new ArrayBuffer(runSize * n));
  runView.set(
    runs.map((r, i) => {
      const lp = r.loop;
      const N = r.set.trainPrompts.length / k;
      const { end: _, ...offsets } = tokOffsets[i];
      return {
        run: lp.run,
        seed: lp.seed,
        N,
        heldOut: r.set.heldOutPrompts.length / k,
        B: lp.B,
        G: lp.G,
        iterations,
        recordEvery,
        sftMaxSteps: r.sft.sftMaxSteps,
        J0: r.sft.J0,
        sftLearningRate: r.sft.sftLearningRate,
        sftWeight: f32(1 / (N * m)),
        advantage: ADVANTAGE_CODE[lp.advantage],
        stdUnbiased: lp.std === 'unbiased' ? 1 : 0,
        epsilon: lp.epsilon,
        scale: transformerTokenScale(lp, lp.B, m), // the twin's own scale, so the two cannot part
        optimizer: OPTIMIZER_CODE[lp.optimizer],
        stepSize: lp.stepSize,
        momentum: lp.momentum,
        beta1: lp.beta1,
        beta2: lp.beta2,
        adamEpsilon: lp.adamEpsilon,
        weightDecay: lp.weightDecay,
        clip: lp.maxGradNorm === null ? 0 : 1,
        maxGradNorm: lp.maxGradNorm ?? 0,
        scheduleOffset: scheduleOffsets[i],
        ...offsets,
      };
    }),
  );
  const budget = options.budget ?? 4;
  const memBuffer = storageBuffer(device, mem, 'mem');
  const tokBuffer = storageBuffer(device, tok, 'tok');
  const runsBuffer = storageBuffer(device, new Uint8Array(runView.arrayBuffer), 'runs');
  const uniform = dispatchUniform(device, p.defs, {
    zero: 0,
    runs: n,
    k,
    m,
    budget,
    tokStride,
    exRecords,
    recordStride: R,
    traceSteps,
    traceStride,
    traceMargins: maxS * m,
    tracePrompts: 2 * maxS * m,
  });
  const buffers = [uniform, memBuffer, tokBuffer, runsBuffer];
  // Each run needs at most sftMaxSteps + 1 warm-start steps and `iterations` GRPO steps.
  const maxUnits = Math.max(...runs.map((r) => r.sft.sftMaxSteps + 1)) + iterations;
  const perCheck = options.dispatchesPerCheck ?? 8;
  let tokOut = tok;
  for (let done = 0; done < maxUnits; done += budget * perCheck) {
    const repeat = Math.min(perCheck, Math.ceil((maxUnits - done) / budget));
    await dispatchThreads(device, p, buffers, n, repeat);
    tokOut = new Uint32Array(await readBack(device, tokBuffer));
    if (runs.every((_, i) => tokOut[i * tokStride] === 2)) break;
  }
  const memOut = new Float32Array(await readBack(device, memBuffer));
  for (const b of buffers) b.destroy();

  const results = runs.map((r, i): TransformerGpuResult => {
    const base = i * g.runStride;
    const ex = base + g.offsets.extra;
    const tb = i * tokStride;
    if (tokOut[tb] !== 2) throw new Error(`run ${i} did not finish in ${maxUnits} steps (phase ${tokOut[tb]})`);
    const recorded = tokOut[tb + 2];
    const rec = (j: number) => memOut.slice(ex + exRecords + j * R, ex + exRecords + j * R + recorded);
    const diverged = tokOut[tb + 6] === 1;
    return {
      sft: { steps: tokOut[tb + 3], J: memOut[ex + 4], reached: tokOut[tb + 4] === 1, diverged: tokOut[tb + 5] === 1 },
      loop: { steps: steps.slice(0, recorded), J: rec(0), heldOutJ: rec(1), deltaNorm: rec(2), meanReward: rec(3), diverged },
      theta: memOut.slice(base + g.offsets.theta, base + g.offsets.theta + g.layout.size),
    };
  });
  if (!traceSteps) return { results };
  const words = new Uint32Array(n * (traceSteps + 1) * traceStride);
  runs.forEach((_, i) =>
    words.set(
      tokOut.subarray(i * tokStride + tokOffsets[i].trace, i * tokStride + tokOffsets[i].trace + (traceSteps + 1) * traceStride),
      i * (traceSteps + 1) * traceStride,
    ),
  );
  return {
    results,
    trace: {
      tokens: words,
      margins: new Float32Array(words.buffer),
      stride: traceStride,
      marginsAt: maxS * m,
      promptsAt: 2 * maxS * m,
      runStride: (traceSteps + 1) * traceStride,
    },
  };
}
