import { describe, expect, it } from 'vitest';
import { F32, initialParameters, makeTaskSet, teacherForcedSuccessRates, TransformerTwin, transformerModel } from '../model/index.ts';
import { supervisedWarmStart } from './transformer-sft.ts';

describe('supervised warm start of a transformer run', () => {
  const shape = { V: 4, d: 16, T: 4, layers: 1, heads: 2 };
  const set = makeTaskSet({ task: 'copy', V: 4, promptLength: 2, N: 8, heldOutPrompts: 4 }, 3, 0);
  const model = transformerModel(shape, F32);

  it('reaches J0 = 0.5 on a tiny copy task and counts its Adam steps exactly', () => {
    const twin = new TransformerTwin(model);
    const theta0 = initialParameters(model.layout, 3, 0);
    const start = teacherForcedSuccessRates(twin, theta0, set.trainPrompts, set.trainTargets, 2, 2).mean;
    expect(start).toBeLessThan(0.1); // near uniform: 1/16 a prompt
    const theta = theta0.slice();
    const sft = supervisedWarmStart(twin, theta, set, { J0: 0.5, sftLearningRate: 0.01, sftMaxSteps: 400 });
    expect(sft.reached).toBe(true);
    expect(sft.diverged).toBe(false);
    expect(sft.steps).toBeGreaterThan(1);
    expect(sft.J).toBeGreaterThanOrEqual(0.5);
    // The reported J is the training set's exact J at the returned θ.
    expect(teacherForcedSuccessRates(twin, theta, set.trainPrompts, set.trainTargets, 2, 2).mean).toBe(sft.J);
    // One step fewer does not reach it: the count is the first step at which J ≥ J0.
    const short = theta0.slice();
    const before = supervisedWarmStart(twin, short, set, { J0: 0.5, sftLearningRate: 0.01, sftMaxSteps: sft.steps - 1 });
    expect(before).toEqual({ steps: sft.steps - 1, J: before.J, reached: false, diverged: false });
    expect(before.J).toBeLessThan(0.5);
    // Deterministic: the same θ0 and set give the same count and the same θ.
    const again = theta0.slice();
    expect(supervisedWarmStart(twin, again, set, { J0: 0.5, sftLearningRate: 0.01, sftMaxSteps: 400 })).toEqual(sft);
    expect(again).toEqual(theta);
  });

  it('flags a run that does not reach J0 within sftMaxSteps', () => {
    const twin = new TransformerTwin(model);
    const theta = initialParameters(model.layout, 3, 1);
    const sft = supervisedWarmStart(twin, theta, set, { J0: 0.99, sftLearningRate: 0.01, sftMaxSteps: 5 });
    expect(sft.reached).toBe(false);
    expect(sft.steps).toBe(5);
    expect(sft.J).toBeLessThan(0.99);
  });

  it('starts reached, with no steps, when θ0 already has J ≥ J0', () => {
    const twin = new TransformerTwin(model);
    const theta = initialParameters(model.layout, 3, 0);
    expect(supervisedWarmStart(twin, theta, set, { J0: 0, sftLearningRate: 0.01, sftMaxSteps: 5 })).toMatchObject({ steps: 0, reached: true });
  });
});
