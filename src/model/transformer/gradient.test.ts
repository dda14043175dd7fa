// The twin's backward against central finite differences of its own loss, Σ_j Σ_t w_jt log π(o_jt | ·),
// evaluated in float64 by the very same code (precision F64), for every parameter block (SPEC 1.10).
import { describe, expect, it } from 'vitest';
import { transformerModel } from './forward.ts';
import { transformerLayout } from './layout.ts';
import { F64 } from './precision.ts';
import { responseBatch, scaledParameters, SHAPE } from './test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

describe('transformer backward against finite differences (float64)', () => {
  for (const [label, shape, gain] of [
    ['2 layers, 2 heads, parameters 20× GPT-2 init', SHAPE, 20],
    ['1 layer, 4 heads, GPT-2 init itself', { ...SHAPE, layers: 1, heads: 4 }, 1],
  ] as const) {
    it(`agrees to 1e-6 relative in every block: ${label}`, () => {
      const twin = new TransformerTwin(transformerModel(shape, F64));
      const layout = transformerLayout(shape);
      const theta = Float64Array.from(scaledParameters(shape, gain));
      const batch = responseBatch(shape.V, 3, 3, 3);
      const loss = (th: Float64Array) => {
        let s = 0;
        for (const b of batch) {
          const lp = new Float64Array(b.response.length);
          twin.responseLogProb(th, b.prompt, b.response, lp);
          for (let t = 0; t < lp.length; t++) s += b.weights[t] * lp[t];
        }
        return s;
      };
      const grad = new Float64Array(layout.size);
      let value = 0;
      for (const b of batch) value += twin.addGradient(theta, b.prompt, b.response, b.weights, grad);
      expect(value).toBeCloseTo(loss(theta), 12);
      const h = 1e-5;
      for (const block of layout.blocks) {
        const end = block.offset + block.rows * block.cols;
        let maxGrad = 0;
        let maxError = 0;
        for (let i = block.offset; i < end; i++) {
          const keep = theta[i];
          theta[i] = keep + h;
          const up = loss(theta);
          theta[i] = keep - h;
          const down = loss(theta);
          theta[i] = keep;
          const fd = (up - down) / (2 * h);
          maxGrad = Math.max(maxGrad, Math.abs(grad[i]));
          maxError = Math.max(maxError, Math.abs(fd - grad[i]));
        }
        // Every block has a gradient to check (P's last row is never fed, so it alone is zero).
        expect(maxGrad, block.name).toBeGreaterThan(1e-6);
        expect(maxError / maxGrad, block.name).toBeLessThan(1e-6);
      }
      const lastPosition = layout.positions.offset + (shape.T - 1) * shape.d;
      expect([...grad.subarray(lastPosition, lastPosition + shape.d)].every((g) => g === 0)).toBe(true);
    });
  }
});
