import { describe, expect, it } from 'vitest';
import { simulateChunkCpu } from '../engine/cpu-chunk.ts';
import { withDefaults, type ExactDirection, type RunParams } from '../spec/spec.ts';
import { validateSpec } from '../spec/validate.ts';
import { initialTheta, makeInstance } from '../model/instance.ts';
import { exactTrajectory } from './exact-trajectory.ts';
import { scoreBounds, successRateLowerBound, theorem1StepSize } from './theorem-one.ts';
import { caseParams, FAMILY_CASES } from './test-fixtures.ts';

const ITERATIONS = 300; // the Theorem-1 step is tiny: J needs many steps to move well past f32 resolution
const F32_SLACK = 1e-6; // the engine's J is f32: at step 0 it equals the bound's J0 only to f32 rounding

/** A step size at which Theorem 1's condition holds at every step of the run (found by shrinking). */
function certifiedStepSize(inst: ReturnType<typeof makeInstance>, p: RunParams, theta0: Float32Array): number {
  let eta = 0.9 * exactTrajectory(inst, { ...p, stepSize: 1, iterations: 0 }, theta0)[0].theorem1StepSize;
  for (let tries = 0; tries < 20; tries++) {
    const rows = exactTrajectory(inst, { ...p, stepSize: eta, iterations: ITERATIONS }, theta0);
    const smallest = Math.min(...rows.slice(0, -1).map((r) => r.theorem1StepSize));
    if (eta <= smallest) return eta;
    eta = 0.9 * smallest;
  }
  throw new Error('no certified step size found');
}

describe('Theorem 1 (reconstructed) against the engine in exact mode', () => {
  it('J(K) stays at or above the predicted floor at every step, over many random instances', () => {
    let smallestMargin = Infinity; // engine (f32) J − bound, steps ≥ 1
    let smallestTwinMargin = Infinity; // float64 twin J − bound, steps ≥ 1: the exact margin
    let smallestRelative = Infinity; // (logit J_K − logit bound_K)/(logit J_K − logit J_0): share of the real progress above the floor (first order: 1/2)
    let where = '';
    let drift = 0;
    let smallestFinalMargin = Infinity; // engine J_K − bound_K at the last step, where the margin has grown past f32 resolution
    let runs = 0;
    const directions: [ExactDirection, Partial<RunParams>][] = [
      ['gradient', {}],
      ['gap', {}],
      ['expected-update', { advantage: 'group-std', G: 8 }],
      ['expected-update', { advantage: 'mean', G: 4, aggregation: 'token-mean' }],
    ];
    for (const [name, overrides] of Object.entries(FAMILY_CASES)) {
      for (let seed = 1; seed <= 3; seed++) {
        for (const [exactDirection, algo] of directions) {
          const J0 = [0.1, 0.3, 0.5, 0.7, 0.9][(seed + runs) % 5];
          const p = caseParams({ ...overrides, ...algo, J0, mode: 'exact', exactDirection, iterations: ITERATIONS, recordEvery: 1 });
          const inst = makeInstance(p, seed, 0);
          const theta0 = Float32Array.from(initialTheta(inst, p)); // as the engine stores it
          p.stepSize = certifiedStepSize(inst, p, theta0);
          const rows = exactTrajectory(inst, p, theta0);
          const spec = withDefaults({ base: p, seeds: 1, seed });
          expect(validateSpec(spec)).toEqual([]);
          const engine = simulateChunkCpu(spec, 0, 1);
          expect(engine.diverged[0]).toBe(0);
          for (const r of rows) {
            expect(r.certified).toBe(true);
            const margin = engine.trajectory[r.step] - r.bound;
            expect(margin).toBeGreaterThanOrEqual(-F32_SLACK);
            if (r.step > 0 && margin < smallestMargin) {
              smallestMargin = margin;
              where = `${name}, seed ${seed}, ${exactDirection}/${p.advantage}/${p.aggregation}, J0 ${J0}, η ${p.stepSize.toExponential(2)}, step ${r.step}`;
            }
            if (r.step > 0) smallestTwinMargin = Math.min(smallestTwinMargin, r.J - r.bound);
          }
          const last = rows[rows.length - 1];
          smallestFinalMargin = Math.min(smallestFinalMargin, engine.trajectory[ITERATIONS] - last.bound);
          const logit = (x: number) => Math.log(x / (1 - x));
          smallestRelative = Math.min(smallestRelative, (logit(last.J) - logit(last.bound)) / (logit(last.J) - logit(rows[0].J)));
          // The engine follows the float64 twin; its f32 θ rounds each tiny increment, so the two drift apart slowly.
          drift = Math.max(drift, Math.abs(engine.trajectory[ITERATIONS] - last.J));
          expect(Math.abs(engine.trajectory[ITERATIONS] - last.J)).toBeLessThan(1e-4);
          runs++;
        }
      }
    }
    console.log(
      `Theorem-1 floor: ${runs} engine runs × ${ITERATIONS} steps at certified η. Smallest margin over steps ≥ 1: ` +
        `engine (f32) J − bound = ${smallestMargin.toExponential(3)} (${where}); float64 twin J − bound = ${smallestTwinMargin.toExponential(3)}; engine at K = ${ITERATIONS}: ${smallestFinalMargin.toExponential(3)}; ` +
        `smallest (logit J_K − logit bound_K)/(logit J_K − logit J_0) at K = ${ITERATIONS}: ${smallestRelative.toFixed(3)}; largest |J_engine − J_twin| at K: ${drift.toExponential(2)}`,
    );
    expect(runs).toBe(60);
  });

  it('bounds: G_o and L_o dominate the cruder 2·max‖Φ‖ and max‖Φ‖² forms and scale with L·ℓ', () => {
    const p = caseParams({ ...FAMILY_CASES['token gaussian exact-match'], L: 8 });
    const inst = makeInstance(p, 3, 0);
    const sum = scoreBounds(inst, 'seq-sum');
    const mean = scoreBounds(inst, 'token-mean');
    let maxNorm = 0;
    for (let e = 0; e < inst.P * inst.K; e++) {
      let s = 0;
      for (let k = 0; k < inst.d; k++) s += inst.phi[e * inst.d + k] ** 2;
      maxNorm = Math.max(maxNorm, Math.sqrt(s));
    }
    expect(sum.Go).toBeLessThanOrEqual(8 * 2 * maxNorm);
    expect(sum.Lo).toBeLessThanOrEqual(8 * maxNorm ** 2);
    expect(mean.Go).toBeCloseTo(sum.Go / 8, 12);
    expect(mean.Lo).toBeCloseTo(sum.Lo / 8, 12);
    expect(theorem1StepSize(-1, sum)).toBe(0);
    expect(successRateLowerBound(0.3, 0)).toBeCloseTo(0.3, 15);
    expect(successRateLowerBound(0.3, 1e9)).toBe(1);
  });
});
