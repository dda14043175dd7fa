// The exact expected update D(θ) = mean_x c(J_x)·scale·∇J_x (SPEC 1.3, 1.10) against a float64
// reference written apart from it: E[A_1·s(o_1)] by enumerating every response o ∈ V^m and the
// number of successes among the other G − 1 responses of the group (binomial), with A computed from
// the group's rewards as SPEC 1.3's table defines it — not through the engine's factor c(J). And ∇J_x
// against central finite differences of teacher-forced J_x, every parameter.
import { describe, expect, it } from 'vitest';
import { expectedAdvantageFactor } from '../../engine/expected-advantage.ts';
import type { Advantage, Aggregation, StdKind } from '../../spec/index.ts';
import { ExpectedUpdateRefusal, transformerExpectedUpdate, type TransformerUpdateParams } from './expected-update.ts';
import { transformerModel } from './forward.ts';
import { F32 } from './precision.ts';
import { exactMatchReward, type TaskSet } from './tasks.ts';
import { TINY, warmedTinyRun } from './theory-test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

const k = 2; // TINY: copy, promptLength 2, responses of m = 2 tokens
const m = 2;

/** A_1 of a group whose first response has reward r and k of the other G − 1 succeed (SPEC 1.3's table). */
function groupAdvantage(advantage: Advantage, r: number, successes: number, G: number, J: number, epsilon: number, std: StdKind): number {
  const rewards = [r, ...Array.from({ length: G - 1 }, (_, j) => (j < successes ? 1 : 0))];
  const mean = rewards.reduce((a, b) => a + b, 0) / G;
  if (advantage === 'none') return r;
  if (advantage === 'mean') return r - mean;
  if (advantage === 'rloo') return r - (rewards.reduce((a, b) => a + b, 0) - r) / (G - 1);
  if (advantage === 'oracle') return r - J;
  // group-std, and batch-std with B = 1 (the batch is the group)
  const ss = rewards.reduce((a, b) => a + (b - mean) ** 2, 0);
  const sd = Math.sqrt(ss / (std === 'unbiased' ? G - 1 : G));
  return (r - mean) / (sd + epsilon);
}

/** The factor on a response's summed token score, the batch's sum over its B·G responses divided out (SPEC 1.3's aggregation table, fixed length m). */
const perResponseScale = (aggregation: Aggregation, B: number, G: number) =>
  ({ 'seq-sum': 1, 'seq-mean-token-mean': 1 / m, 'token-mean': 1 / m, constant: 1 / m, 'constant-no-batch': (B * G) / m })[aggregation];

function binomial(n: number, j: number): number {
  let c = 1;
  for (let i = 1; i <= j; i++) c = (c * (n - j + i)) / i;
  return c;
}

/** E[w] by brute force: mean over prompts of scale · Σ_o π(o|x)·s(o)·E_k[A_1(r(o), k)]. */
function bruteForceUpdate(twin: TransformerTwin, theta: Float64Array, set: TaskSet, p: TransformerUpdateParams): Float64Array {
  const n = theta.length;
  const N = set.trainPrompts.length / k;
  const D = new Float64Array(n);
  for (let q = 0; q < N; q++) {
    const prompt = set.trainPrompts.subarray(q * k, q * k + k);
    const target = set.trainTargets.subarray(q * m, q * m + m);
    const responses: { o: number[]; pi: number; r: number }[] = [];
    for (let a = 0; a < TINY.V; a++)
      for (let b = 0; b < TINY.V; b++) {
        const o = [a, b];
        responses.push({ o, pi: Math.exp(twin.responseLogProb(theta, prompt, o)), r: exactMatchReward(o, target) });
      }
    expect(Math.abs(responses.reduce((s, x) => s + x.pi, 0) - 1)).toBeLessThan(1e-12);
    const J = responses.reduce((s, x) => s + x.pi * x.r, 0);
    const expectedA = (r: number) => {
      let e = 0;
      for (let j = 0; j < p.G; j++) e += binomial(p.G - 1, j) * J ** j * (1 - J) ** (p.G - 1 - j) * groupAdvantage(p.advantage, r, j, p.G, J, p.epsilon, p.std);
      return e;
    };
    const scale = perResponseScale(p.aggregation, p.B, p.G) / N;
    for (const x of responses) {
      const s = new Float64Array(n);
      twin.addGradient(theta, prompt, x.o, [1, 1], s);
      const f = scale * x.pi * expectedA(x.r);
      for (let i = 0; i < n; i++) D[i] += f * s[i];
    }
  }
  return D;
}

const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => Math.max(a, Math.abs(b)), 0);

const BASE = { G: 4, B: 2, epsilon: 1e-4, std: 'unbiased' as StdKind, advantageFactor: expectedAdvantageFactor };

describe('transformer exact expected update (float64)', () => {
  const cases: [Advantage, Aggregation, Partial<TransformerUpdateParams>][] = [
    ['none', 'seq-sum', {}],
    ['mean', 'seq-sum', {}],
    ['group-std', 'seq-sum', {}],
    ['group-std', 'token-mean', { std: 'biased', epsilon: 1e-6, G: 5 }],
    ['group-std', 'constant-no-batch', { G: 3 }],
    ['batch-std', 'seq-mean-token-mean', { B: 1 }],
    ['rloo', 'constant', {}],
    ['oracle', 'seq-sum', { G: 2 }],
  ];
  const { twin, theta, set } = warmedTinyRun();
  for (const [advantage, aggregation, over] of cases) {
    it(`equals E[A·s] over every response o ∈ V^m and the binomial count of the group's other successes: ${advantage}, ${aggregation} ${JSON.stringify(over)}`, () => {
      const p: TransformerUpdateParams = { ...BASE, advantage, aggregation, ...over };
      const u = transformerExpectedUpdate(twin, theta, set, p);
      // The prompts' J are away from 0 and 1, so every advantage's factor is exercised.
      for (const J of u.perPrompt) {
        expect(J).toBeGreaterThan(0.3);
        expect(J).toBeLessThan(0.7);
      }
      const brute = bruteForceUpdate(twin, theta, set, p);
      const size = maxAbs(brute);
      expect(size).toBeGreaterThan(1e-4);
      let error = 0;
      for (let i = 0; i < brute.length; i++) error = Math.max(error, Math.abs(u.direction[i] - brute[i]));
      expect(error / size).toBeLessThan(1e-10);
      // Along ∇J with a positive factor: the first-order gain is positive.
      expect(u.deltaMu).toBeGreaterThan(0);
    });
  }

  it('∇J_x = J_x·∇log π(y*|x) agrees with central differences of teacher-forced J_x on every parameter, each prompt and their mean', () => {
    const N = set.trainPrompts.length / k;
    const one = (q: number): TaskSet => ({
      ...set,
      trainPrompts: set.trainPrompts.slice(q * k, q * k + k),
      trainTargets: set.trainTargets.slice(q * m, q * m + m),
    });
    const p: TransformerUpdateParams = { ...BASE, advantage: 'none', aggregation: 'seq-sum' };
    for (const s of [...Array.from({ length: N }, (_, q) => one(q)), set]) {
      const u = transformerExpectedUpdate(twin, theta, s, p);
      const count = s.trainPrompts.length / k;
      const J = (th: Float64Array) => {
        let sum = 0;
        for (let q = 0; q < count; q++)
          sum += Math.exp(twin.responseLogProb(th, s.trainPrompts.subarray(q * k, q * k + k), s.trainTargets.subarray(q * m, q * m + m)));
        return sum / count;
      };
      expect(Math.abs(J(theta) - u.J)).toBeLessThan(1e-14);
      const h = 1e-5;
      let error = 0;
      for (let i = 0; i < theta.length; i++) {
        const keep = theta[i];
        theta[i] = keep + h;
        const up = J(theta);
        theta[i] = keep - h;
        const down = J(theta);
        theta[i] = keep;
        error = Math.max(error, Math.abs((up - down) / (2 * h) - u.gradient[i]));
      }
      const size = maxAbs(u.gradient);
      expect(size).toBeGreaterThan(1e-3);
      expect(error / size).toBeLessThan(1e-6);
      // advantage none, seq-sum: c = 1, so D = ∇J exactly.
      expect(Array.from(u.direction)).toEqual(Array.from(u.gradient));
    }
  });

  it('an f32 twin is lifted to float64: the same D as the float64 twin from the same θ', () => {
    const twin32 = new TransformerTwin(transformerModel(TINY, F32));
    const p: TransformerUpdateParams = { ...BASE, advantage: 'group-std', aggregation: 'seq-sum' };
    const theta32 = Float32Array.from(theta);
    const a = transformerExpectedUpdate(twin32, theta32, set, p);
    const b = transformerExpectedUpdate(twin, Float64Array.from(theta32), set, p);
    expect(Array.from(a.direction)).toEqual(Array.from(b.direction));
  });

  it('refuses by name what has no closed form: batch-std with B > 1, the PPO loop, a KL penalty', () => {
    const p: TransformerUpdateParams = { ...BASE, advantage: 'group-std', aggregation: 'seq-sum' };
    const refusal = (over: Partial<TransformerUpdateParams>) => {
      try {
        transformerExpectedUpdate(twin, theta, set, { ...p, ...over });
      } catch (error) {
        expect(error).toBeInstanceOf(ExpectedUpdateRefusal);
        return (error as ExpectedUpdateRefusal).field;
      }
      return null;
    };
    expect(refusal({ advantage: 'batch-std', B: 2 })).toBe('advantage');
    expect(refusal({ ppoEpochs: 2 })).toBe('ppoEpochs');
    expect(refusal({ miniBatches: 2 })).toBe('miniBatches');
    expect(refusal({ klCoef: 0.001 })).toBe('klCoef');
    expect(refusal({ advantage: 'batch-std', B: 1 })).toBeNull();
    expect(refusal({})).toBeNull();
  });
});
