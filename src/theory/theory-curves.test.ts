import { describe, expect, it } from 'vitest';
import { simulateChunkCpu } from '../engine/cpu-chunk.ts';
import { recordSteps, withDefaults } from '../spec/spec.ts';
import { boundCurve, theoryCurves } from './theory-curves.ts';

describe('theory curves for the notebook', () => {
  it('a curve over 6 L values, two aggregations, 5 instances', () => {
    const spec = {
      grid: { stepSize: [1, 10, 100], L: [2, 4, 8, 16, 32, 64], aggregation: ['seq-sum', 'token-mean'] as ('seq-sum' | 'token-mean')[] },
      seeds: 8,
    };
    const started = performance.now();
    const rows = theoryCurves(spec, { y: 'L' });
    const ms = performance.now() - started;
    console.log(`theoryCurves: ${rows.length} rows in ${ms.toFixed(0)} ms`);
    // No time limit here: a verdict must not depend on how busy the machine is (the log line says it).
    expect(rows).toHaveLength(6 * 2 * 2);
    for (const r of rows) {
      expect(r.eta === null || (Number.isFinite(r.eta) && r.eta > 0)).toBe(true);
      expect(r.status === 'found').toBe(r.eta !== null);
      expect(r.instances).toBe(5);
    }
    // The same dynamics in effective step size: token-mean's one-step threshold is seq-sum's × L, raw.
    for (const L of [4, 8, 16, 32, 64]) {
      const sum = rows.find((r) => r.y === L && r.curve === 'one-step' && r.values.aggregation === 'seq-sum')!;
      const mean = rows.find((r) => r.y === L && r.curve === 'one-step' && r.values.aggregation === 'token-mean')!;
      expect(sum.status).toBe('found');
      expect(mean.effectiveEta! / sum.effectiveEta!).toBeCloseTo(1, 4);
      expect(mean.eta! / sum.eta!).toBeCloseTo(L, 2);
    }
    // The Theorem-1 step (reconstructed) shrinks with L in seq-sum.
    const thm = rows.filter((r) => r.curve === 'theorem-1' && r.values.aggregation === 'seq-sum').map((r) => r.eta!);
    for (let i = 1; i < thm.length; i++) expect(thm[i]).toBeLessThan(thm[i - 1]);
  });

  it('J0 and G axes, with explicit values', () => {
    const byJ0 = theoryCurves({ seeds: 3 }, { y: 'J0', values: [0.2, 0.5, 0.8], instances: 3 });
    expect(byJ0.map((r) => r.y)).toEqual([0.2, 0.2, 0.5, 0.5, 0.8, 0.8]);
    const byG = theoryCurves({ base: { family: 'bandit', features: 'gaussian', N: 4, K: 6, d: 5 }, seeds: 3 }, { y: 'G', values: [2, 8, 32], instances: 3 });
    expect(byG).toHaveLength(6);
    for (const r of byG) expect(r.status === 'found' || r.status === 'not-found-below-max').toBe(true);
  });

  it("the bound curve lines up with the engine's recorded steps and lies under its trajectory", () => {
    const input = {
      base: { mode: 'exact' as const, exactDirection: 'gradient' as const, stepSize: 1e-4, iterations: 200, recordEvery: 20, L: 4 },
      seeds: 2,
      seed: 3,
    };
    const rows = boundCurve(input, { seedIndex: 1 });
    const steps = recordSteps(200, 20);
    expect(rows.map((r) => r.step)).toEqual(steps);
    const engine = simulateChunkCpu(withDefaults(input), 1, 2);
    rows.forEach((r, i) => {
      expect(r.certified).toBe(true);
      expect(engine.trajectory[i]).toBeGreaterThanOrEqual(r.bound - 1e-6);
      expect(Math.abs(engine.trajectory[i] - r.J)).toBeLessThan(1e-5);
    });
    expect(rows[rows.length - 1].bound).toBeGreaterThan(rows[0].bound);
  });
});

describe('theory curves are SGD only (SPEC 1.6)', () => {
  it('hides the curves, with the reason, for any other optimizer, clipping or schedule', async () => {
    const { sgdOnlyReason, theoryCurvesFor } = await import('./plot-theory.ts');
    expect(sgdOnlyReason({ grid: { stepSize: [1, 10] } })).toBeNull();
    expect(sgdOnlyReason({ base: { optimizer: 'sgd', maxGradNorm: null } })).toBeNull();
    for (const base of [{ optimizer: 'adamw' as const }, { maxGradNorm: 1 }, { warmupSteps: 5 }, { schedule: 'cosine' as const }]) {
      const out = theoryCurvesFor({ base, grid: { stepSize: [1, 10] } }, { y: 'L' });
      expect(out.curves).toEqual([]);
      expect(out.reason).toMatch(/^SGD only/);
    }
    expect(sgdOnlyReason({ grid: { optimizer: ['sgd', 'adam'] } })).toMatch(/grid over optimizer/);
  });
});
