/** The recorded gradient-gap norm against the float64 theory module, on θ0 of each family. */
import { describe, expect, it } from 'vitest';
import { initialTheta, makeInstance } from '../model/instance.ts';
import { gradientGap } from '../theory/index.ts';
import { runSweep } from './run-sweep.ts';
import { expandGrid, withDefaults, type RunParams } from '../spec/spec.ts';

const FAMILIES: Record<string, Partial<RunParams>> = {
  'bandit contextual': { family: 'bandit', features: 'gaussian', N: 4, K: 3, d: 3, B: 2 },
  'token exact-match': { family: 'token', reward: 'exact-match' },
  'token final-answer': { family: 'token', reward: 'final-answer', J0: 0.4 },
};

describe('recorded ‖∇J‖ and ‖g‖', () => {
  for (const [name, base] of Object.entries(FAMILIES)) {
    it(`${name}: at step 0 they equal the theory module's float64 values at θ0`, async () => {
      const input = { base: { ...base, iterations: 5, recordEvery: 5 }, seeds: 3, seed: 4 };
      const result = await runSweep(input, { backend: 'cpu' });
      const spec = withDefaults(input);
      const p = expandGrid(spec)[0].params;
      const R = result.runs.recordSteps.length;
      for (let seed = 0; seed < spec.seeds; seed++) {
        const inst = makeInstance(p, spec.seed, seed);
        const theta0 = Float64Array.from(Float32Array.from(initialTheta(inst, p))); // the engine stores θ0 as f32
        const gg = gradientGap(inst, theta0);
        const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((a, x) => a + x * x, 0));
        expect(result.runs.gradientNorm[seed * R]).toBeCloseTo(norm(gg.gradient), 5);
        expect(Math.abs(result.runs.gapNorm[seed * R] / norm(gg.gap) - 1)).toBeLessThan(1e-4);
      }
    });
  }
});
