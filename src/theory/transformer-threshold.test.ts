// The transformer's one-step threshold overlay: per-run values summarized per cell (median over seeds,
// quartile band), "SGD only" and PPO reasons, and the per-run value itself against the model's search.
import { describe, expect, it } from 'vitest';
import { expandGrid, expectedAdvantageFactor, withDefaults, type SweepSpecInput } from '../engine/index.ts';
import { supervisedWarmStart } from '../engine/transformer-sft.ts';
import { F32, initialParameters, makeTaskSet, transformerLayout, transformerModel, transformerOneStepThreshold, TransformerTwin } from '../model/index.ts';
import { warmedTinyRun } from '../model/transformer/theory-test-fixtures.ts';
import { runOneStepThreshold, transformerThresholdCurves, type TransformerThresholdCurve } from './transformer-threshold.ts';
import { TheoryInputError } from './theory-input.ts';

const SEEDS = 5;
const spec = (base: Record<string, unknown> = {}, grid: Record<string, unknown[]> = {}): SweepSpecInput =>
  ({
    base: { policy: 'transformer', task: 'copy', promptLength: 2, aggregation: 'seq-sum', G: 8, B: 2, ...base },
    grid: { stepSize: [0.1, 1, 10], J0: [0.2, 0.5], advantage: ['group-std', 'mean'], ...grid },
    seeds: SEEDS,
    seed: 1,
  }) as unknown as SweepSpecInput;

/** Per-run values: value(params, seed, η) for every run, laid out cell·seeds + seed. */
function runs(s: SweepSpecInput, value: (p: Record<string, unknown>, seed: number) => number): Float32Array {
  const cells = expandGrid(withDefaults(s));
  const out = new Float32Array(cells.length * SEEDS);
  for (const c of cells) for (let k = 0; k < SEEDS; k++) out[c.index * SEEDS + k] = value(c.params as unknown as Record<string, unknown>, k);
  return out;
}

const base = (p: Record<string, unknown>) => (p.J0 === 0.2 ? 0.5 : 0.25) * (p.advantage === 'mean' ? 4 : 1);
const curveOf = (r: ReturnType<typeof transformerThresholdCurves>) => r.curves[0] as TransformerThresholdCurve;

describe('transformer one-step threshold overlay', () => {
  it('draws the median over seeds per (y, facet) with a quartile band, each seed counted once over the η cells', () => {
    const s = spec();
    const values = runs(s, (p, k) => {
      if (p.J0 === 0.5 && p.advantage === 'group-std' && k === 4) return NaN; // a run without a prediction
      if (p.J0 === 0.5 && p.advantage === 'mean' && k === 0) return base(p) * { 0.1: 0.5, 1: 1, 10: 1e3 }[p.stepSize as 0.1 | 1 | 10]!; // η cells disagree: the seed's median
      return base(p) * 2 ** k;
    });
    const r = transformerThresholdCurves(s, values, { sweep: 'GRPO' });
    expect(r.reason).toBeUndefined();
    const c = curveOf(r);
    expect(c.name).toBe('one-step');
    expect(c.axis).toBe('J0');
    expect(c.gaps).toEqual([]);
    expect(c.points.map((p) => [p.facet, p.y])).toEqual([
      ['advantage=group-std', 0.2],
      ['advantage=group-std', 0.5],
      ['advantage=mean', 0.2],
      ['advantage=mean', 0.5],
    ]);
    const at = (facet: string, y: number) => c.points.find((p) => p.facet === `advantage=${facet}` && p.y === y)!;
    // Five seeds b·[1, 2, 4, 8, 16]: median 4b, quartiles 2b and 8b.
    const full = at('group-std', 0.2);
    expect(full.stepSize).toBeCloseTo(0.5 * 4, 12);
    expect(full.low).toBeCloseTo(0.5 * 2, 12);
    expect(full.high).toBeCloseTo(0.5 * 8, 12);
    expect(full.effectiveStepSize).toBe(full.stepSize); // seq-sum: scale 1
    expect([full.seeds, full.found, full.sweep]).toEqual([5, 5, 'GRPO']);
    // Four seeds b·[1, 2, 4, 8]: median √(2·4)·b (the middle pair's geometric mean), quartiles at ranks 0.75 and 2.25.
    const short = at('group-std', 0.5);
    expect(short.seeds).toBe(4);
    expect(short.stepSize).toBeCloseTo(0.25 * Math.sqrt(8), 12);
    expect(short.low).toBeCloseTo(0.25 * 1.75, 12);
    expect(short.high).toBeCloseTo(0.25 * 5, 12);
    // Seed 0's values over η are b·[0.5, 1, 1000]: its median b, so the seeds are b·[1, 2, 4, 8, 16] again.
    expect(at('mean', 0.5).stepSize).toBeCloseTo(1 * 4, 12);
  });

  it('puts the effective step size at η × the aggregation scale of the task length', () => {
    const s = spec({ aggregation: 'token-mean', promptLength: 3 });
    const c = curveOf(
      transformerThresholdCurves(
        s,
        runs(s, () => 0.3),
      ),
    );
    for (const p of c.points) {
      expect(p.stepSize).toBeCloseTo(0.3, 6);
      expect(p.effectiveStepSize).toBeCloseTo(0.3 / 3, 6);
    }
  });

  it('leaves a gap with its reason where the median is unbounded, zero, or no run has a prediction', () => {
    const s = spec();
    const values = runs(s, (p) => (p.J0 === 0.2 ? (p.advantage === 'mean' ? Infinity : 0) : p.advantage === 'mean' ? NaN : 1));
    const c = curveOf(transformerThresholdCurves(s, values));
    expect(c.points.map((p) => [p.facet, p.y])).toEqual([['advantage=group-std', 0.5]]);
    const reason = (facet: string, y: number) => c.gaps.find((g) => g.facet === `advantage=${facet}` && g.y === y)!.reason;
    expect(reason('mean', 0.2)).toMatch(/^unbounded/);
    expect(reason('group-std', 0.2)).toMatch(/^0: the expected update does not raise J/);
    expect(reason('mean', 0.5)).toMatch(/no run has a prediction/);
  });

  it('says "SGD only" for other optimizers, cell by cell, and for the whole overlay when none is plain SGD', () => {
    const mixed = spec({}, { optimizer: ['sgd', 'adamw'] });
    const c = curveOf(
      transformerThresholdCurves(
        mixed,
        runs(mixed, () => 1),
      ),
    );
    expect(c.points.every((p) => p.facet.includes('optimizer=sgd'))).toBe(true);
    expect(c.points.length).toBe(4);
    expect(c.gaps.length).toBe(4);
    for (const g of c.gaps) {
      expect(g.facet).toContain('optimizer=adamw');
      expect(g.reason).toMatch(/^SGD only: .*optimizer adamw/);
    }
    const adam = spec({ optimizer: 'adamw' });
    const r = transformerThresholdCurves(
      adam,
      runs(adam, () => 1),
    );
    expect(r.curves).toEqual([]);
    expect(r.reason).toMatch(/^SGD only/);
    const clipped = spec({ maxGradNorm: 1 });
    expect(
      transformerThresholdCurves(
        clipped,
        runs(clipped, () => 1),
      ).reason,
    ).toMatch(/^SGD only: .*gradient clipping/);
  });

  it('says the PPO loop (μ·M > 1) and a KL penalty (β > 0) have no one-step prediction', () => {
    for (const [over, field] of [
      [{ ppoEpochs: 2 }, 'ppoEpochs'],
      [{ miniBatches: 2 }, 'miniBatches'],
      [{ klCoef: 0.001 }, 'klCoef'],
    ] as const) {
      const s = spec(over);
      const r = transformerThresholdCurves(
        s,
        runs(s, () => NaN),
      );
      expect(r.curves).toEqual([]);
      expect(r.reason).toMatch(/no one-step prediction for the PPO loop \(μ·M > 1 or β > 0\)/);
      expect(r.reason).toContain(field === 'klCoef' ? 'klCoef' : 'ppoEpochs·miniBatches');
    }
    const batch = spec({ advantage: 'batch-std' }, { advantage: ['batch-std'] });
    expect(
      transformerThresholdCurves(
        batch,
        runs(batch, () => NaN),
      ).reason,
    ).toMatch(/no one-step prediction: batch-std with B = 2/);
  });

  it('refuses a log-linear sweep, a table of the wrong length and a band that is not quantiles, by name', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(TheoryInputError);
        return (error as TheoryInputError).field;
      }
      return null;
    };
    const s = spec();
    const values = runs(s, () => 1);
    expect(field(() => transformerThresholdCurves(s, values.subarray(1)))).toBe('oneStepThreshold');
    expect(field(() => transformerThresholdCurves({ ...s, base: { ...s.base, policy: 'log-linear' } } as SweepSpecInput, values))).toBe('policy');
    expect(field(() => transformerThresholdCurves(s, values, { band: [0.8, 0.2] }))).toBe('band');
  });
});

describe('a run’s oneStepThreshold value', () => {
  const { twin, theta, set } = warmedTinyRun();
  const p = { advantage: 'group-std', aggregation: 'seq-sum', G: 8, B: 3, epsilon: 1e-4, std: 'unbiased' } as const;
  it('is the model’s line search along the exact expected update with the engine’s c(J)', () => {
    const v = runOneStepThreshold(twin, theta, set, p);
    const r = transformerOneStepThreshold(twin, theta, set, { ...p, advantageFactor: expectedAdvantageFactor }, { scanToMax: false });
    expect(r.status).toBe('found');
    expect(v).toBe(r.stepSize);
  });
  it('is NaN where there is no one-step prediction: PPO, KL, batch-std over B > 1, Adam, clipping', () => {
    for (const over of [
      { ppoEpochs: 2 },
      { miniBatches: 3 },
      { klCoef: 0.01 },
      { advantage: 'batch-std' as const },
      { optimizer: 'adamw' as const },
      { maxGradNorm: 1 },
    ])
      expect(runOneStepThreshold(twin, theta, set, { ...p, ...over })).toBeNaN();
  });
});

describe('from warm-started runs to the overlay', () => {
  it('per-run values of a small sweep (SFT to J0, then the search) give each J0 row its median and band (or its unbounded gap), each seed counted once over η', () => {
    const shape = { V: 3, d: 8, T: 4, layers: 1, heads: 2 };
    const s = {
      base: { policy: 'transformer', task: 'copy', promptLength: 2, V: 3, d: 8, N: 3, G: 8, B: 3, advantage: 'group-std', aggregation: 'seq-sum' },
      grid: { stepSize: [0.1, 1], J0: [0.3, 0.6] },
      seeds: 3,
      seed: 2,
    } as unknown as SweepSpecInput;
    const cells = expandGrid(withDefaults(s));
    const twin = new TransformerTwin(transformerModel(shape, F32));
    const thresholds = new Float32Array(cells.length * 3);
    const perSeed = new Map<string, number>();
    for (const cell of cells)
      for (let k = 0; k < 3; k++) {
        const key = `${cell.params.J0}|${k}`;
        if (!perSeed.has(key)) {
          const set = makeTaskSet({ task: 'copy', V: 3, promptLength: 2, N: 3, heldOutPrompts: 0 }, 2, k);
          const theta = initialParameters(transformerLayout(shape), 2, k);
          const sft = supervisedWarmStart(twin, theta, set, { J0: cell.params.J0, sftLearningRate: 0.05, sftMaxSteps: 2000 });
          perSeed.set(key, sft.reached ? runOneStepThreshold(twin, theta, set, cell.params) : NaN);
        }
        thresholds[cell.index * 3 + k] = perSeed.get(key)!;
      }
    const c = curveOf(transformerThresholdCurves(s, thresholds));
    for (const J0 of [0.3, 0.6]) {
      // Three seeds, f32 as the output stores them: the median is the middle one, the quartiles the midpoints of each half.
      const values = [0, 1, 2].map((k) => Math.fround(perSeed.get(`${J0}|${k}`)!)).sort((a, b) => a - b);
      expect(values.every((v) => v > 0)).toBe(true); // every run reached J0 and its update raises J
      const point = c.points.find((p) => p.y === J0);
      if (!Number.isFinite(values[1])) {
        expect(point).toBeUndefined();
        expect(c.gaps.find((g) => g.y === J0)!.reason).toMatch(/^unbounded/);
        continue;
      }
      expect(point!.stepSize).toBe(values[1]);
      expect(point!.low).toBeCloseTo((values[0] + values[1]) / 2, 12);
      expect(point!.high).toBe(Number.isFinite(values[2]) ? (values[1] + values[2]) / 2 : null);
    }
    expect(c.points.length).toBeGreaterThan(0);
    console.log(`per-run one-step thresholds (J0|seed): ${[...perSeed].map(([key, v]) => `${key}: ${v.toPrecision(4)}`).join(', ')}`);
  });
});
