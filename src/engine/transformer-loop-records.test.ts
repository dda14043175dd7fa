/**
 * The transformer loop's exact records against independent float64 computations: ‖∇J‖ and the
 * gradient gap from exact.ts's per-prompt gaps (∇J_q = J_q(1 − J_q)·g_q) and from a central
 * difference of J along ∇J; the prompt shares from the per-prompt success rates.
 */
import { describe, expect, it } from 'vitest';
import { F32, F64, gradientGap, initialParameters, makeTaskSet, teacherForcedSuccessRates, TransformerTwin, transformerModel } from '../model/index.ts';
import { DEFAULT_RUN } from '../spec/index.ts';
import { trainTransformerGrpo } from './transformer-grpo.ts';
import { ExactRecorder } from './transformer-loop-records.ts';
import { supervisedWarmStart } from './transformer-sft.ts';
import { philox4x32 } from '../rng/index.ts';

const shape = { V: 4, d: 8, T: 6, layers: 2, heads: 2 };
const set = makeTaskSet({ task: 'reverse', V: 4, promptLength: 3, N: 10, heldOutPrompts: 3 }, 8, 1);
const k = set.promptLength;
const m = set.responseLength;
const N = 10;
const twin32 = new TransformerTwin(transformerModel(shape, F32));
const twin64 = new TransformerTwin(transformerModel(shape, F64));

/** GPT-2 θ0 warm-started to J ≈ J0 by SFT, then each parameter moved by `noise` times a seeded uniform in (−½, ½). */
const warmed = new Map<number, Float32Array>();
function warm(J0: number, noise = 0, salt = 0): Float32Array {
  if (!warmed.has(J0)) {
    const start = initialParameters(twin32.model.layout, 6, 0);
    supervisedWarmStart(twin32, start, set, { J0, sftLearningRate: 0.02, sftMaxSteps: 2000 });
    warmed.set(J0, start);
  }
  const theta = warmed.get(J0)!.slice();
  for (let i = 0; i < theta.length; i++) theta[i] += noise * ((philox4x32([i, salt, 0, 0], [1, 2])[0] >>> 8) / 2 ** 24 - 0.5);
  return theta;
}

describe('the transformer loop’s exact records', () => {
  it('‖∇J‖ and ‖g‖ = ‖∇J‖/(J(1−J)) match the per-prompt gaps of exact.ts and a central difference of J, in float64', () => {
    const theta = warm(0.5);
    const rec = new ExactRecorder(twin32, set).record(theta);
    const theta64 = Float64Array.from(theta);
    const gradJ = new Float64Array(theta.length);
    let J = 0;
    for (let q = 0; q < N; q++) {
      const { J: Jq, gap } = gradientGap(twin64, theta64, set.trainPrompts.subarray(q * k, q * k + k), set.trainTargets.subarray(q * m, q * m + m));
      J += Jq / N;
      for (let i = 0; i < gap.length; i++) gradJ[i] += (Jq * (1 - Jq) * gap[i]) / N;
    }
    const norm = Math.hypot(...gradJ);
    expect(J).toBeGreaterThan(0.02);
    expect(J).toBeLessThan(0.98);
    expect(Math.abs(rec.J - J) / J).toBeLessThan(1e-5);
    expect(Math.abs(rec.gradientNorm - norm) / norm).toBeLessThan(1e-4);
    expect(Math.abs(rec.gapNorm - norm / (J * (1 - J))) / rec.gapNorm).toBeLessThan(1e-4);
    // The slope of J along ∇J/‖∇J‖ is ‖∇J‖.
    const h = 1e-5;
    const Jat = (s: number) =>
      teacherForcedSuccessRates(
        twin64,
        theta64.map((x, i) => x + (s * gradJ[i]) / norm),
        set.trainPrompts,
        set.trainTargets,
        k,
        m,
      ).mean;
    expect(Math.abs((Jat(h) - Jat(-h)) / (2 * h) - norm) / norm).toBeLessThan(1e-5);
    expect(rec.thetaNorm).toBeCloseTo(Math.hypot(...theta), 3);
  });

  it('counts prompts solved (J_q > ½) and lost (J_q < J_q(0)/2), J_q(0) from the first record', () => {
    const recorder = new ExactRecorder(twin32, set);
    const before = warm(0.6);
    const after = warm(0.6, 0.3, 1); // some prompts lost, one still solved
    const Jq = (th: Float32Array) => Array.from(teacherForcedSuccessRates(twin32, th, set.trainPrompts, set.trainTargets, k, m).perPrompt);
    const J0 = Jq(before);
    const J1 = Jq(after);
    const first = recorder.record(before);
    const second = recorder.record(after);
    expect(first.solvedShare).toBe(Math.fround(J0.filter((x) => x > 0.5).length / N));
    expect(first.lostShare).toBe(0);
    expect(second.solvedShare).toBe(Math.fround(J1.filter((x) => x > 0.5).length / N));
    const lost = J1.filter((x, q) => x < J0[q] / 2).length;
    expect(lost).toBeGreaterThan(0);
    expect(second.lostShare).toBe(Math.fround(lost / N));
    expect(J1.some((x) => x > 0.5)).toBe(true);
  });

  it('are what the loop records', () => {
    const theta = warm(0.5);
    const out = trainTransformerGrpo(twin32, theta.slice(), set, {
      ...DEFAULT_RUN,
      G: 2,
      B: 2,
      iterations: 2,
      recordEvery: 2,
      stepSize: 0.01,
      seed: 1,
      run: 0,
    });
    const rec = new ExactRecorder(twin32, set).record(theta);
    expect([out.J[0], out.gradientNorm[0], out.gapNorm[0], out.solvedShare[0], out.lostShare[0], out.thetaNorm[0]]).toEqual([
      rec.J,
      rec.gradientNorm,
      rec.gapNorm,
      rec.solvedShare,
      rec.lostShare,
      rec.thetaNorm,
    ]);
  });
});
