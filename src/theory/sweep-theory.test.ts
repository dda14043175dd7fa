/**
 * A theory cell's curves whatever its sweep's policy (sweep-theory.ts): a log-linear sweep's exactly
 * theoryCurvesFor's; a transformer sweep's from its results' per-run thresholds, or words saying
 * they wait for them (not an error); the PPO loop's and Adam's reasons as the curve gives them.
 */
import { describe, expect, it } from 'vitest';
import { withDefaults, type SweepSpecInput } from '../engine/index.ts';
import { theoryCurvesFor } from './plot-theory.ts';
import { sweepTheoryCurves, TRANSFORMER_THEORY_WAITS } from './sweep-theory.ts';
import { transformerThresholdCurves } from './transformer-threshold.ts';

const TRANSFORMER = {
  base: { policy: 'transformer', V: 4, d: 8, N: 8, B: 4, G: 4, promptLength: 2 },
  grid: { stepSize: [0.03, 3], J0: [0.3, 0.6] },
  seeds: 2,
} as SweepSpecInput;
const results = (input: SweepSpecInput, values: number[]) => ({ spec: withDefaults(input), oneStepThreshold: Float32Array.from(values) });

describe('a theory cell’s curves over its sweep', () => {
  it('are theoryCurvesFor’s for a log-linear sweep, whatever results it has', () => {
    const input = { base: { L: 4 }, grid: { stepSize: [1, 10], L: [2, 4] }, seeds: 2 } as SweepSpecInput;
    const options = { y: 'L', instances: 2 };
    expect(sweepTheoryCurves(input, options)).toEqual(theoryCurvesFor(input, options));
    expect(sweepTheoryCurves(input, options, results(input, [1, 2, 3, 4, 5, 6, 7, 8]))).toEqual(theoryCurvesFor(input, options));
  });

  it('wait for a transformer sweep’s results, then summarize its runs’ thresholds', () => {
    const waits = { curves: [], reason: TRANSFORMER_THEORY_WAITS, fromResults: true };
    expect(sweepTheoryCurves(TRANSFORMER, { y: 'J0' })).toEqual(waits);
    expect(sweepTheoryCurves(TRANSFORMER, { y: null }, { spec: withDefaults(TRANSFORMER) })).toEqual(waits);
    // Runs: cell (η, J0) · 2 seeds; J0 0.3 at cells 0 and 2, J0 0.6 at cells 1 and 3 (η the slower axis).
    const r = results(TRANSFORMER, [1, 4, 2, 8, 1, 4, 2, 8]);
    const got = sweepTheoryCurves(TRANSFORMER, { y: 'J0', sweep: 'GRPO' }, r);
    expect(got).toEqual({ ...transformerThresholdCurves(r.spec, r.oneStepThreshold, { y: 'J0', sweep: 'GRPO' }), fromResults: true });
    expect(got.curves[0].points.map((p) => [p.y, p.stepSize])).toEqual([
      [0.3, 2], // √(1·4): the median of two seeds is their geometric mean
      [0.6, 4],
    ]);
    expect(sweepTheoryCurves(TRANSFORMER, { y: null }, r).curves[0].axis).toBe('J0'); // unset y: J0
    expect(sweepTheoryCurves(TRANSFORMER, { y: 'J0', curves: ['theorem-1'] }, r).reason).toMatch(
      /one-step threshold only; this theory cell asks for theorem-1/,
    );
  });

  it('say why the transformer’s PPO loop and Adam have no prediction, and name a wrong-sized output rather than throw', () => {
    const ppo = { ...TRANSFORMER, base: { ...TRANSFORMER.base, ppoEpochs: 2 } } as SweepSpecInput;
    expect(sweepTheoryCurves(ppo, { y: 'J0' }, results(ppo, Array(8).fill(NaN))).reason).toMatch(/^no one-step prediction for the PPO loop/);
    const adam = { ...TRANSFORMER, base: { ...TRANSFORMER.base, optimizer: 'adam' } } as SweepSpecInput;
    expect(sweepTheoryCurves(adam, { y: 'J0' }, results(adam, Array(8).fill(NaN))).reason).toMatch(/^SGD only/);
    expect(sweepTheoryCurves(TRANSFORMER, { y: 'J0' }, results(TRANSFORMER, [1, 2])).reason).toMatch(
      /oneStepThreshold: 2 values; the sweep has 4 cells × 2 seeds = 8 runs/,
    );
  });
});
