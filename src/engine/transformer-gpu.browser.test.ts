/**
 * The transformer loop kernel (shaders/transformer-loop.wgsl via simulateTransformerRunsGpu)
 * against the twin (supervisedWarmStart, then trainTransformerGrpo), in real headless Chromium on
 * WebGPU: warm-start steps equal, prompt draws equal, sampled tokens equal draw by draw apart from
 * float ties (a draw whose u lies within TIE_MARGIN of a CDF edge, where the last bits of exp may
 * move it across), and the recorded J, held-out J, ‖Δθ‖ and mean reward within stated tolerances.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { acquireGpu, type GpuContext } from './device.ts';
import { simulateTransformerRunsGpu, type TransformerGpuRun } from './transformer-gpu.ts';
import { F32, TransformerTwin, initialParameters, makeTaskSet, transformerModel, type TransformerShape } from '../model/index.ts';
import { DEFAULT_RUN } from '../spec/index.ts';
import { supervisedWarmStart } from './transformer-sft.ts';
import { drawPrompts, trainTransformerGrpo, type TransformerLoopParams } from './transformer-grpo.ts';

// Every draw the twin makes, with its smallest distance to a CDF edge (the twin's sampler, wrapped).
const twinDraws = vi.hoisted(() => ({ list: [] as { token: number; margin: number }[] }));
vi.mock('../model/index.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../model/index.ts')>();
  return {
    ...mod,
    sampleFromLogProbs: (logp: Float32Array, V: number, u: number, r: (x: number) => number) => {
      const token = mod.sampleFromLogProbs(logp, V, u, r);
      let c = 0;
      let margin = 1;
      for (let v = 0; v <= token; v++) {
        c = r(c + r(Math.exp(logp[v])));
        margin = Math.min(margin, Math.abs(u - c));
      }
      twinDraws.list.push({ token, margin });
      return token;
    },
  };
});

/** A float tie: u this close to a CDF edge, where exp's last bits may move it across. */
const TIE_MARGIN = 1e-5;
/**
 * J tolerance for runs whose draws agree: WGSL's exp differs from JavaScript's by up to tens of
 * ulps on SwiftShader (transformer-gpu-probe.browser.test.ts counts it), and Adam's warm start
 * amplifies that in coordinates whose gradient is tiny. Measured on SwiftShader: 9.6e-6 (printed).
 */
const J_TOLERANCE = 1e-4;

const SHAPE: TransformerShape = { V: 4, d: 8, T: 4, layers: 1, heads: 2 };
const TASK = { task: 'copy' as const, V: 4, promptLength: 2, N: 6, heldOutPrompts: 3 };
const SFT = { J0: 0.2, sftLearningRate: 0.02, sftMaxSteps: 40 };
const SEED = 7;

const VARIANTS: Partial<TransformerLoopParams>[] = [
  { advantage: 'group-std', aggregation: 'seq-sum', optimizer: 'sgd', stepSize: 0.5 },
  { advantage: 'mean', aggregation: 'token-mean', optimizer: 'adam', stepSize: 0.01 },
  { advantage: 'none', aggregation: 'seq-mean-token-mean', optimizer: 'momentum', stepSize: 0.2, maxGradNorm: 1 },
];

function makeRuns(): TransformerGpuRun[] {
  const model = transformerModel(SHAPE, F32);
  return VARIANTS.map((v, run) => ({
    set: makeTaskSet(TASK, SEED, run),
    theta0: initialParameters(model.layout, SEED, run),
    sft: SFT,
    loop: { ...DEFAULT_RUN, B: 2, G: 3, iterations: 6, recordEvery: 2, std: 'unbiased', ...v, seed: SEED, run } as TransformerLoopParams,
  }));
}

describe('transformer loop kernel vs the twin', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await acquireGpu();
  });

  it('warm start, prompt draws, sampled tokens and records', async () => {
    const runs = makeRuns();
    const iterations = runs[0].loop.iterations;
    const { results, trace } = await simulateTransformerRunsGpu(ctx.device, SHAPE, runs, { budget: 3, dispatchesPerCheck: 4, traceSteps: iterations });
    const twin = new TransformerTwin(transformerModel(SHAPE, F32));
    const m = runs[0].set.responseLength;
    let draws = 0;
    let ties = 0;
    let maxJDiff = 0;
    let maxNormRel = 0;
    const order = new Int32Array(TASK.N);
    for (const [i, r] of runs.entries()) {
      const theta = r.theta0.slice();
      const sft = supervisedWarmStart(twin, theta, r.set, r.sft);
      twinDraws.list = [];
      const loop = trainTransformerGrpo(twin, theta, r.set, r.loop);
      const gpu = results[i];
      expect(gpu.sft.steps, `run ${i} warm-start steps`).toBe(sft.steps);
      expect(gpu.sft.reached).toBe(sft.reached);
      expect(gpu.sft.diverged).toBe(sft.diverged);
      maxJDiff = Math.max(maxJDiff, Math.abs(gpu.sft.J - sft.J));
      // Draws, step by step, until the streams part.
      const S = r.loop.B * r.loop.G;
      let parted = false;
      for (let step = 0; step < iterations && !parted; step++) {
        const row = i * trace!.runStride + step * trace!.stride;
        drawPrompts(SEED, r.loop.run, step, r.loop.B, order);
        for (let g = 0; g < r.loop.B; g++) expect(trace!.tokens[row + trace!.promptsAt + g], `run ${i} step ${step} prompt ${g}`).toBe(order[g]);
        for (let j = 0; j < S * m && !parted; j++) {
          const cpu = twinDraws.list[step * S * m + j];
          const token = trace!.tokens[row + j];
          draws++;
          if (token === cpu.token) continue;
          const margin = Math.min(cpu.margin, trace!.margins[row + trace!.marginsAt + j]);
          expect(margin, `run ${i} step ${step} draw ${j}: twin ${cpu.token}, kernel ${token} away from any tie`).toBeLessThan(TIE_MARGIN);
          ties++;
          parted = true;
        }
      }
      if (parted) continue;
      expect(gpu.loop.diverged).toBe(loop.diverged);
      expect(gpu.loop.steps).toEqual(loop.steps);
      for (let s = 0; s < loop.steps.length; s++) {
        maxJDiff = Math.max(maxJDiff, Math.abs(gpu.loop.J[s] - loop.J[s]), Math.abs(gpu.loop.heldOutJ[s] - loop.heldOutJ[s]));
        if (Number.isNaN(loop.meanReward[s])) expect(gpu.loop.meanReward[s]).toBeNaN();
        else expect(gpu.loop.meanReward[s]).toBe(loop.meanReward[s]);
        if (loop.deltaNorm[s] > 0) maxNormRel = Math.max(maxNormRel, Math.abs(gpu.loop.deltaNorm[s] - loop.deltaNorm[s]) / loop.deltaNorm[s]);
        else expect(gpu.loop.deltaNorm[s]).toBe(0);
      }
    }
    console.log(
      `transformer loop: ${runs.length} runs, warm-start steps ${results.map((r) => r.sft.steps).join('/')}, ${draws} draws compared, ${ties} float ties; ` +
        `max |ΔJ| ${maxJDiff.toExponential(2)}, max relative ‖Δθ‖ difference ${maxNormRel.toExponential(2)}`,
    );
    expect(maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
    expect(maxNormRel).toBeLessThanOrEqual(J_TOLERANCE);
    expect(draws).toBeGreaterThan(0);
  });

  it('carries every run across dispatches: one step per dispatch gives the same bits as all at once', async () => {
    const runs = makeRuns().map((r) => ({ ...r, sft: { ...SFT, sftMaxSteps: 4 }, loop: { ...r.loop, iterations: 3 } }));
    const one = await simulateTransformerRunsGpu(ctx.device, SHAPE, runs, { budget: 1, dispatchesPerCheck: 2 });
    const all = await simulateTransformerRunsGpu(ctx.device, SHAPE, runs, { budget: 100 });
    expect(one.results.map((r) => r.sft)).toEqual(all.results.map((r) => r.sft));
    one.results.forEach((r, i) => {
      expect(Array.from(r.theta)).toEqual(Array.from(all.results[i].theta));
      expect(Array.from(r.loop.J)).toEqual(Array.from(all.results[i].loop.J));
      expect(Array.from(r.loop.deltaNorm)).toEqual(Array.from(all.results[i].loop.deltaNorm));
    });
  });

  it('stops a run that leaves the floats where the twin stops it', async () => {
    const runs = makeRuns()
      .slice(0, 2)
      // Run 0 leaves the floats in GRPO (an infinite SGD rate: ∞·0 is NaN), run 1 already in the warm start (a huge Adam rate).
      .map((r, i) => ({
        ...r,
        sft: { ...SFT, sftLearningRate: i === 0 ? SFT.sftLearningRate : 3e38 },
        loop: { ...r.loop, advantage: 'none' as const, optimizer: 'sgd' as const, maxGradNorm: null, stepSize: i === 0 ? Infinity : 1e38, iterations: 6 },
      }));
    const { results } = await simulateTransformerRunsGpu(ctx.device, SHAPE, runs, { budget: 2 });
    const twin = new TransformerTwin(transformerModel(SHAPE, F32));
    for (const [i, r] of runs.entries()) {
      const theta = r.theta0.slice();
      const sft = supervisedWarmStart(twin, theta, r.set, r.sft);
      const loop = trainTransformerGrpo(twin, theta, r.set, r.loop);
      expect({ ...results[i].sft, J: 0 }).toEqual({ ...sft, J: 0 });
      expect(Math.abs(results[i].sft.J - sft.J)).toBeLessThanOrEqual(J_TOLERANCE);
      console.log(`run ${i}: warm start ${JSON.stringify(sft)}, loop diverged ${loop.diverged} after ${loop.steps.length} records`);
      expect(sft.diverged).toBe(i === 1);
      expect(loop.diverged).toBe(true);
      expect(results[i].loop.diverged).toBe(true);
      expect(results[i].loop.steps).toEqual(loop.steps); // the records up to the step that diverged
      expect(results[i].loop.J.length).toBe(loop.J.length);
    }
  });
});
