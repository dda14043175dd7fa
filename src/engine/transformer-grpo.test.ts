import { describe, expect, it } from 'vitest';
import { F32, initialParameters, makeTaskSet, TransformerTwin, transformerModel } from '../model/index.ts';
import { DEFAULT_RUN } from '../spec/index.ts';
import { drawPrompts, trainTransformerGrpo, type TransformerLoopParams } from './transformer-grpo.ts';
import { supervisedWarmStart } from './transformer-sft.ts';

describe('GRPO on the transformer twin', () => {
  const shape = { V: 4, d: 16, T: 4, layers: 1, heads: 2 };
  const set = makeTaskSet({ task: 'copy', V: 4, promptLength: 2, N: 8, heldOutPrompts: 4 }, 3, 0);
  const model = transformerModel(shape, F32);
  const twin = new TransformerTwin(model);
  const theta0 = initialParameters(model.layout, 3, 0);
  const sft = supervisedWarmStart(twin, theta0, set, { J0: 0.3, sftLearningRate: 0.01, sftMaxSteps: 400 });
  const loop: TransformerLoopParams = {
    ...DEFAULT_RUN,
    G: 8,
    B: 4,
    iterations: 60,
    recordEvery: 20,
    stepSize: 0.03,
    advantage: 'group-std',
    aggregation: 'seq-sum',
    seed: 9,
    run: 0,
  };

  it('raises a tiny copy task’s exact J at a small step size (SGD, group-std, seq-sum; 3 runs)', () => {
    expect(sft.reached).toBe(true);
    let gain = 0;
    for (let run = 0; run < 3; run++) {
      const out = trainTransformerGrpo(twin, theta0.slice(), set, { ...loop, run });
      expect(out.steps).toEqual([0, 20, 40, 60]);
      expect(out.J[0]).toBe(sft.J);
      expect(out.diverged).toBe(false);
      expect(out.deltaNorm[3]).toBeGreaterThan(0);
      gain += (out.J[3] - out.J[0]) / 3;
    }
    expect(gain).toBeGreaterThan(0.1);
  });

  it('collapses J at a large step size, keeps θ and J exactly at η = 0, and is deterministic', () => {
    const big = trainTransformerGrpo(twin, theta0.slice(), set, { ...loop, stepSize: 10, iterations: 20 });
    expect(big.J[1]).toBeLessThan(0.01);
    const theta = theta0.slice();
    const still = trainTransformerGrpo(twin, theta, set, { ...loop, stepSize: 0, iterations: 4, recordEvery: 2 });
    expect(theta).toEqual(theta0);
    expect(Array.from(still.J)).toEqual([sft.J, sft.J, sft.J]);
    expect(Array.from(still.deltaNorm)).toEqual([0, 0, 0]);
    expect(still.meanReward[1]).toBeGreaterThan(0); // it sampled, and some responses passed
    const a = theta0.slice();
    const b = theta0.slice();
    expect(trainTransformerGrpo(twin, a, set, { ...loop, iterations: 5, optimizer: 'adam', stepSize: 1e-3 })).toEqual(
      trainTransformerGrpo(twin, b, set, { ...loop, iterations: 5, optimizer: 'adam', stepSize: 1e-3 }),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(theta0);
  });

  it('draws B distinct prompts a step, every prompt about equally often, all of them in order when B = N', () => {
    const order = new Int32Array(10);
    const counts = new Array(10).fill(0);
    for (let step = 0; step < 2000; step++) {
      drawPrompts(5, 1, step, 3, order);
      const picked = Array.from(order.subarray(0, 3));
      expect(new Set(picked).size).toBe(3);
      picked.forEach((q) => counts[q]++);
    }
    // 600 expected each; binomial sd ≈ 22.
    for (const c of counts) expect(Math.abs(c - 600)).toBeLessThan(120);
    drawPrompts(5, 1, 0, 10, order);
    expect(Array.from(order)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
