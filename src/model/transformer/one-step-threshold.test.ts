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
import { F32, F64 } from './precision.ts';
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

/**
 * A known answer written by hand: V 2, one response token (task sum, promptLength 1, so y* = x),
 * every layer matrix zero. Attention and MLP then add nothing and receive no gradient (each block's
 * gradient is multiplied by a zero matrix or a zero activation), so along D the model stays
 * J_x = softmax(f·Eᵀ)[x], f = h/√(mean h² + 1e-5), h = E[x] + P[0]. Here J is that formula, ∇J its
 * central differences, c(J) the group-std factor by the binomial sum over the other G − 1 rewards, and
 * the threshold a linear scan then bisection on J itself: nothing shared with the code under test.
 */
function handWritten() {
  const d = 2;
  const shape = { V: 2, d, T: 2, layers: 1, heads: 1 };
  const set = makeTaskSet({ task: 'sum', V: 2, promptLength: 1, N: 2, heldOutPrompts: 0 }, 1, 0);
  const layout = transformerLayout(shape);
  const theta = new Float64Array(layout.size);
  // E and P: fixed values at which one expected step can overshoot (J ≈ 0.63; many such points rise for every η).
  const E = [-0.455, -0.127, 0.533, -0.045];
  const P = [-0.524, -0.45];
  theta.set(E, layout.embedding.offset);
  theta.set(P, layout.positions.offset);
  const J = (th: ArrayLike<number>, x: number) => {
    const h = Array.from({ length: d }, (_, i) => th[layout.embedding.offset + x * d + i] + th[layout.positions.offset + i]);
    const inv = 1 / Math.sqrt(h.reduce((a, b) => a + b * b, 0) / d + 1e-5);
    const logit = [0, 1].map((v) => h.reduce((a, hi, i) => a + hi * inv * th[layout.embedding.offset + v * d + i], 0));
    return 1 / (1 + Math.exp(logit[1 - x] - logit[x]));
  };
  return { shape, set, layout, theta, J };
}

describe('transformer one-step threshold (float64)', () => {
  it('matches a hand-written J, its finite-difference gradient and the binomial group-std factor (V 2, one token, no layers at work)', () => {
    const G = 6;
    const eps = 1e-4;
    const { shape, set, layout, theta, J } = handWritten();
    const twin = new TransformerTwin(transformerModel(shape, F64));
    const prompts = Array.from(set.trainPrompts);
    expect(prompts.sort()).toEqual([0, 1]);
    const meanJ = (th: ArrayLike<number>) => prompts.reduce((a, x) => a + J(th, x), 0) / 2;
    const factor = (Jx: number) => {
      // E[A_1 | r_1 = 1] − E[A_1 | r_1 = 0] over k ~ Binomial(G − 1, J) successes among the others (unbiased std).
      let c = 0;
      for (let k = 0; k < G; k++) {
        let w = 1;
        for (let i = 1; i <= k; i++) w = (w * (G - 1 - k + i)) / i;
        w *= Jx ** k * (1 - Jx) ** (G - 1 - k);
        const A = (r: number) => {
          const mean = (r + k) / G;
          const sd = Math.sqrt(((r - mean) ** 2 + k * (1 - mean) ** 2 + (G - 1 - k) * mean ** 2) / (G - 1));
          return (r - mean) / (sd + eps);
        };
        c += w * (A(1) - A(0));
      }
      return c;
    };
    const D = new Float64Array(layout.size);
    const h = 1e-6;
    for (const x of prompts) {
      const f = factor(J(theta, x)) / 2;
      for (let i = 0; i < layout.size; i++) {
        const keep = theta[i];
        theta[i] = keep + h;
        const up = J(theta, x);
        theta[i] = keep - h;
        const down = J(theta, x);
        theta[i] = keep;
        D[i] += (f * (up - down)) / (2 * h);
      }
    }
    const p = { ...P, G, B: 1, epsilon: eps };
    const u = transformerExpectedUpdate(twin, theta, set, p);
    expect(Math.abs(u.J - meanJ(theta))).toBeLessThan(1e-14);
    const size = Math.max(...D.map(Math.abs));
    expect(Math.max(...u.direction.map((v, i) => Math.abs(v - D[i])))).toBeLessThan(1e-8 * size);
    // Only E and P move: every layer block's entry of D is exactly zero.
    expect(u.direction.subarray(layout.layers[0].wq.offset).every((v) => v === 0)).toBe(true);
    // The threshold by hand: the first η on a linear scan where mean J no longer rises, then bisection on J itself.
    const base = meanJ(theta);
    const at = (eta: number) => meanJ(theta.map((v, i) => v + eta * D[i]));
    let hi = 0;
    for (let i = 1; i <= 100000 && hi === 0; i++) if (!(at(i * 0.01) > base)) hi = i * 0.01;
    expect(hi).toBeGreaterThan(0); // a threshold exists below 1,000
    let lo = hi - 0.01;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (at(mid) > base) lo = mid;
      else hi = mid;
    }
    const r = transformerOneStepThreshold(twin, theta, set, p, { scanToMax: false });
    expect(r.status).toBe('found');
    console.log(`hand-written threshold ${lo}, the search's ${r.stepSize}`);
    expect(Math.abs(r.stepSize / lo - 1)).toBeLessThan(1e-5);
  });

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
