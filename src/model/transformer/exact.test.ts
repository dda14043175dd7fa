// Exact J by teacher forcing against the brute-force sum over every response, and the exact gradient gap
// against its definition μ⁺ − μ⁻ (SPEC 1.1) summed over every response (SPEC 1.10).
import { describe, expect, it } from 'vitest';
import { gradientGap, teacherForcedSuccessRate, teacherForcedSuccessRates } from './exact.ts';
import { transformerModel } from './forward.ts';
import { KvCache } from './kv-cache.ts';
import { F32, F64, type Precision } from './precision.ts';
import { taskResponseLength } from '../../spec/index.ts';
import { exactMatchReward, makeTaskSet, taskTarget, type TaskName } from './tasks.ts';
import { scaledParameters } from './test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

/** Every response of length m with its probability, by walking the tree with the KV cache (not teacher forcing). */
function everyResponse(
  cache: KvCache,
  theta: Float32Array | Float64Array,
  prompt: number[],
  m: number,
  V: number,
): { response: number[]; probability: number }[] {
  const out: { response: number[]; probability: number }[] = [];
  const walk = (prefix: number[], logProb: number) => {
    cache.reset();
    for (const t of [...prompt, ...prefix]) cache.push(theta, t);
    const logp = Array.from(cache.logp);
    for (let v = 0; v < V; v++) {
      const lp = logProb + logp[v];
      if (prefix.length + 1 === m) out.push({ response: [...prefix, v], probability: Math.exp(lp) });
      else walk([...prefix, v], lp);
    }
  };
  walk([], 0);
  return out;
}

describe('exact J by teacher forcing', () => {
  for (const [task, V, k] of [
    ['copy', 3, 3],
    ['sort', 4, 2],
    ['reverse', 3, 2],
    ['sum', 5, 3],
  ] as [TaskName, number, number][]) {
    it(`equals Σ_o π(o|x)·r(x,o) over all V^m responses: ${task}, V ${V}, k ${k}`, () => {
      const m = taskResponseLength(task, k);
      const shape = { V, d: 8, T: k + m, layers: 2, heads: 2 };
      for (const [precision, tolerance] of [
        [F64, 1e-12],
        [F32, 2e-6],
      ] as [Precision, number][]) {
        const model = transformerModel(shape, precision);
        const twin = new TransformerTwin(model);
        const cache = new KvCache(model);
        const theta32 = scaledParameters(shape, 15);
        const theta = precision.name === 'f32' ? theta32 : Float64Array.from(theta32);
        const set = makeTaskSet({ task, V, promptLength: k, N: 3, heldOutPrompts: 0 }, 4, 0);
        let meanBrute = 0;
        for (let q = 0; q < 3; q++) {
          const prompt = Array.from(set.trainPrompts.subarray(q * k, q * k + k));
          const target = new Int32Array(m);
          taskTarget(task, prompt, V, target);
          const all = everyResponse(cache, theta, prompt, m, V);
          expect(all.length).toBe(V ** m);
          expect(Math.abs(all.reduce((s, o) => s + o.probability, 0) - 1)).toBeLessThan(tolerance * 10);
          const brute = all.reduce((s, o) => s + o.probability * exactMatchReward(o.response, target), 0);
          const J = teacherForcedSuccessRate(twin, theta, prompt, target);
          expect(Math.abs(J - brute) / brute, `${precision.name} prompt ${q}`).toBeLessThan(tolerance);
          expect(brute).toBeGreaterThan(1e-4); // a J worth comparing
          meanBrute += brute / 3;
        }
        const { perPrompt, mean } = teacherForcedSuccessRates(twin, theta, set.trainPrompts, set.trainTargets, k, m);
        expect(perPrompt.length).toBe(3);
        expect(Math.abs(mean - meanBrute) / meanBrute).toBeLessThan(tolerance * 2);
      }
    });
  }
});

describe('exact gradient gap', () => {
  it('equals μ⁺ − μ⁻ = E[s | r = 1] − E[s | r = 0] summed over every response (float64), and ∇J = J(1 − J)·g', () => {
    const shape = { V: 3, d: 8, T: 6, layers: 1, heads: 2 };
    const model = transformerModel(shape, F64);
    const twin = new TransformerTwin(model);
    const cache = new KvCache(model);
    const theta = Float64Array.from(scaledParameters(shape, 4));
    const prompt = [2, 0, 1];
    const target = Int32Array.from(prompt); // copy
    const all = everyResponse(cache, theta, prompt, 3, 3);
    const n = theta.length;
    const plus = new Float64Array(n);
    const minus = new Float64Array(n);
    let J = 0;
    for (const o of all) {
      const s = new Float64Array(n);
      twin.addGradient(theta, prompt, o.response, [1, 1, 1], s);
      const r = exactMatchReward(o.response, target);
      if (r) J += o.probability;
      const into = r ? plus : minus;
      for (let i = 0; i < n; i++) into[i] += o.probability * s[i];
    }
    expect(J).toBeGreaterThan(0.005);
    expect(J).toBeLessThan(0.99);
    const { J: exactJ, gap } = gradientGap(twin, theta, prompt, target);
    expect(Math.abs(exactJ - J)).toBeLessThan(1e-12);
    let maxGap = 0;
    let maxError = 0;
    for (let i = 0; i < n; i++) {
      const g = plus[i] / J - minus[i] / (1 - J);
      maxGap = Math.max(maxGap, Math.abs(g));
      maxError = Math.max(maxError, Math.abs(g - gap[i]));
    }
    expect(maxGap).toBeGreaterThan(1e-3);
    expect(maxError / maxGap).toBeLessThan(1e-9);
    // ∇J by central differences of teacher-forced J, on a few coordinates of every kind.
    for (const i of [0, 7, 30, 50, 100, 300, 700, n - 1]) {
      const keep = theta[i];
      theta[i] = keep + 1e-6;
      const up = teacherForcedSuccessRate(twin, theta, prompt, target);
      theta[i] = keep - 1e-6;
      const down = teacherForcedSuccessRate(twin, theta, prompt, target);
      theta[i] = keep;
      expect(Math.abs((up - down) / 2e-6 - J * (1 - J) * gap[i])).toBeLessThan(1e-7 * maxGap);
    }
  });
});
