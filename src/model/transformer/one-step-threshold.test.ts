// The transformer's one-step threshold (SPEC 1.4, 1.10) against a fine linear scan of the mean J
// along the same exact direction, J computed here apart from the search (mean of exp log π(y*|x),
// compared directly, not through logit J), and its statuses and scale invariance.
import { describe, expect, it } from 'vitest';
import { expectedAdvantageFactor } from '../../engine/expected-advantage.ts';
import { supervisedWarmStart } from '../../engine/transformer-sft.ts';
import { transformerExpectedUpdate, type TransformerUpdateParams } from './expected-update.ts';
import { transformerModel } from './forward.ts';
import { initialParameters } from './init.ts';
import { transformerLayout } from './layout.ts';
import { transformerOneStepThreshold, transformerThresholdAlong } from './one-step-threshold.ts';
import { F32 } from './precision.ts';
import { makeTaskSet, type TaskSet } from './tasks.ts';
import { warmedTinyRun } from './theory-test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

const P: TransformerUpdateParams = {
  advantage: 'group-std',
  aggregation: 'seq-sum',
  G: 8,
  B: 3,
  epsilon: 1e-4,
  std: 'unbiased',
  advantageFactor: expectedAdvantageFactor,
};

/** Mean J over the training prompts at θ + η·D, float64, written apart from trainingSuccessLogit. */
function meanJ(twin: TransformerTwin, theta: Float64Array, D: Float64Array, eta: number, set: TaskSet): number {
  const point = theta.map((v, i) => v + eta * D[i]);
  const k = set.promptLength;
  const m = set.responseLength;
  const N = set.trainPrompts.length / k;
  let s = 0;
  for (let q = 0; q < N; q++)
    s += Math.exp(twin.responseLogProb(point, set.trainPrompts.subarray(q * k, q * k + k), set.trainTargets.subarray(q * m, q * m + m)));
  return s / N;
}

describe('transformer one-step threshold (float64)', () => {
  const { twin, theta, set } = warmedTinyRun();
  for (const advantage of ['group-std', 'mean', 'none'] as const) {
    it(`is the first η on a fine linear scan where J(θ + η·D) no longer exceeds J(θ): ${advantage}`, () => {
      const p = { ...P, advantage };
      const r = transformerOneStepThreshold(twin, theta, set, p, { scanToMax: false });
      expect(r.status).toBe('found');
      expect(r.bracket![1] / r.bracket![0] - 1).toBeLessThanOrEqual(r.relativeTolerance);
      const { direction: D } = transformerExpectedUpdate(twin, theta, set, p);
      const base = meanJ(twin, theta, D, 0, set);
      expect(Math.abs(base - r.J)).toBeLessThan(1e-14);
      // A scan of 2,000 points up to 2η*: every point below η* raises J, and the first that does not sits within one spacing of η*.
      const step = (2 * r.stepSize) / 2000;
      let first = -1;
      for (let i = 1; i <= 2000 && first < 0; i++) if (!(meanJ(twin, theta, D, i * step, set) > base)) first = i;
      expect(first).toBeGreaterThan(0);
      expect(first * step).toBeGreaterThanOrEqual(r.stepSize);
      expect((first - 1) * step).toBeLessThanOrEqual(r.bracket![1]);
      expect(meanJ(twin, theta, D, r.stepSize * (1 - 1e-4), set)).toBeGreaterThan(base);
      expect(meanJ(twin, theta, D, r.stepSize * (1 + 1e-4), set)).toBeLessThanOrEqual(base);
    });
  }

  it("token-mean's raw threshold is m times seq-sum's: D scales by 1/m, the rest is the same", () => {
    const a = transformerOneStepThreshold(twin, theta, set, P, { scanToMax: false });
    const b = transformerOneStepThreshold(twin, theta, set, { ...P, aggregation: 'token-mean' }, { scanToMax: false });
    expect(b.stepSize / a.stepSize).toBeCloseTo(set.responseLength, 4);
  });

  it('reports a zero update, a descent direction, and no threshold below etaMax', () => {
    const { direction: D, deltaMu } = transformerExpectedUpdate(twin, theta, set, P);
    expect(transformerThresholdAlong(twin, theta, set, new Float64Array(D.length), 0).status).toBe('zero-update');
    const down = transformerThresholdAlong(
      twin,
      theta,
      set,
      D.map((v) => -v),
      -deltaMu,
    );
    expect(down.status).toBe('not-ascent');
    expect(down.stepSize).toBe(0);
    const found = transformerThresholdAlong(twin, theta, set, D, deltaMu, { scanToMax: false });
    const capped = transformerThresholdAlong(twin, theta, set, D, deltaMu, { etaMax: found.stepSize / 2 });
    expect(capped.status).toBe('not-found-below-max');
    expect(capped.stepSize).toBe(Infinity);
    expect(() => transformerThresholdAlong(twin, theta, set, D, deltaMu, { relativeTolerance: 0 })).toThrow(/relativeTolerance/);
  });

  it('runs at the defaults (d 16, V 16, copy, promptLength 4, N 16) from an SFT warm start to J0 0.5', () => {
    const shape = { V: 16, d: 16, T: 8, layers: 1, heads: 2 };
    const twin32 = new TransformerTwin(transformerModel(shape, F32));
    const set16 = makeTaskSet({ task: 'copy', V: 16, promptLength: 4, N: 16, heldOutPrompts: 0 }, 3, 0);
    const theta0 = initialParameters(transformerLayout(shape), 3, 0);
    const sft = supervisedWarmStart(twin32, theta0, set16, { J0: 0.5, sftLearningRate: 0.01, sftMaxSteps: 1000 });
    expect(sft.reached).toBe(true);
    const p = { ...P, B: 4 };
    const times: number[] = [];
    let r = transformerOneStepThreshold(twin32, theta0, set16, p, { scanToMax: false });
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      r = transformerOneStepThreshold(twin32, theta0, set16, p, { scanToMax: false });
      times.push(performance.now() - t);
    }
    console.log(
      `d 16 threshold: status ${r.status}, η* ${r.stepSize.toPrecision(6)}, J ${r.J.toFixed(4)}, ${r.evaluations} J evaluations; ms per threshold ${times.map((t) => t.toFixed(1)).join(', ')}`,
    );
    expect(r.status).toBe('found');
    expect(Math.abs(r.J - sft.J)).toBeLessThan(1e-5);
  });
});
