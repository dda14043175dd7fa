// The twin (f32 and f64) against the float64 reference written apart from it (f64-reference.ts).
import { describe, expect, it } from 'vitest';
import { referenceForwardBackward } from './f64-reference.ts';
import { transformerModel } from './forward.ts';
import { transformerLayout } from './layout.ts';
import { F32, F64, type Precision } from './precision.ts';
import { responseBatch, scaledParameters, SHAPE } from './test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

/** The reference's log π, value and gradient of a batch: each response scored at positions k−1 … k+m−2. */
function reference(theta: Float32Array, shape: typeof SHAPE, batch: ReturnType<typeof responseBatch>) {
  const grad = new Float64Array(theta.length);
  let value = 0;
  const logps: number[][] = [];
  for (const b of batch) {
    const tokens = [...b.prompt, ...b.response].slice(0, -1);
    const k = b.prompt.length;
    const next = tokens.map((_, p) => (p >= k - 1 ? b.response[p - k + 1] : 0));
    const weights = tokens.map((_, p) => (p >= k - 1 ? b.weights[p - k + 1] : 0));
    const out = referenceForwardBackward(theta, shape, tokens, next, weights);
    value += out.value;
    out.grad.forEach((g, i) => (grad[i] += g));
    logps.push(b.response.map((o, t) => out.logp[k - 1 + t][o]));
  }
  return { grad, value, logps };
}

function twinOf(precision: Precision, shape: typeof SHAPE, theta: Float32Array, batch: ReturnType<typeof responseBatch>) {
  const twin = new TransformerTwin(transformerModel(shape, precision));
  const th = precision.name === 'f32' ? theta : Float64Array.from(theta);
  const grad = precision.array(theta.length);
  let value = 0;
  const logps: number[][] = [];
  for (const b of batch) {
    const lp = precision.array(b.response.length);
    twin.responseLogProb(th, b.prompt, b.response, lp);
    logps.push([...lp]);
    value += twin.addGradient(th, b.prompt, b.response, b.weights, grad);
  }
  return { grad, value, logps };
}

describe('transformer twin against the float64 reference written apart', () => {
  for (const [label, shape, gain] of [
    ['2 layers, 2 heads, 20× init', SHAPE, 20],
    ['1 layer, 4 heads, GPT-2 init', { ...SHAPE, layers: 1, heads: 4 }, 1],
    ['3 layers, 1 head, 8× init, V 7', { V: 7, d: 4, T: 7, layers: 3, heads: 1 }, 8],
  ] as const) {
    it(`agrees: float64 twin to 1e-10, f32 twin to f32 tolerance: ${label}`, () => {
      const layout = transformerLayout(shape);
      const theta = scaledParameters(shape, gain);
      const k = shape.T - 3;
      const batch = responseBatch(shape.V, k, 3, 4, 17);
      const ref = reference(theta, shape, batch);
      for (const [precision, tolerance] of [
        [F64, 1e-10],
        [F32, 3e-5], // seen: up to 4e-6 of a block's largest gradient
      ] as const) {
        const twin = twinOf(precision, shape, theta, batch);
        const scale = Math.max(1, Math.abs(ref.value));
        expect(Math.abs(twin.value - ref.value) / scale, `${precision.name} value`).toBeLessThan(tolerance);
        twin.logps.forEach((row, j) =>
          row.forEach((lp, t) =>
            expect(Math.abs(lp - ref.logps[j][t]), `${precision.name} log π`).toBeLessThan(tolerance * Math.max(1, Math.abs(ref.logps[j][t]))),
          ),
        );
        for (const block of layout.blocks) {
          let maxRef = 0;
          let maxError = 0;
          for (let i = block.offset; i < block.offset + block.rows * block.cols; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref.grad[i]));
            maxError = Math.max(maxError, Math.abs(twin.grad[i] - ref.grad[i]));
          }
          expect(maxRef, block.name).toBeGreaterThan(0);
          expect(maxError / maxRef, `${precision.name} ${block.name}`).toBeLessThan(tolerance);
        }
      }
    });
  }
});
