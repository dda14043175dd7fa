import { describe, expect, it } from 'vitest';
import { validateSpec } from './validate.ts';
import { specHash } from './spec-hash.ts';
import { PPO_DEFAULTS, withDefaults, type SweepSpecInput } from './spec.ts';

function issueOn(input: SweepSpecInput, field: string): string {
  const hit = validateSpec(input).find((i) => i.field === field);
  expect(hit, `no issue on ${field}; got ${JSON.stringify(validateSpec(input))}`).toBeDefined();
  return hit!.message;
}

describe('the PPO loop fields (SPEC 1.9)', () => {
  it('accepts verl- and TRL-like settings and grids over them', () => {
    expect(validateSpec({ base: { ppoEpochs: 4, B: 4, N: 4, V: 8, miniBatches: 2, clipHigh: 0.28, dualClip: 3, klCoef: 0.001, klEstimator: 'k1' } })).toEqual(
      [],
    );
    expect(validateSpec({ grid: { ppoEpochs: [1, 4], klCoef: [0, 0.01], clipHigh: [0.2, 0.28], klEstimator: ['k3', 'k1'] } })).toEqual([]);
  });

  it('names each field and its allowed range', () => {
    expect(issueOn({ base: { ppoEpochs: 0 } }, 'base.ppoEpochs')).toContain('[1, 64]');
    expect(issueOn({ base: { ppoEpochs: 1.5 } }, 'base.ppoEpochs')).toContain('integer');
    expect(issueOn({ base: { clipLow: 0 } }, 'base.clipLow')).toContain('(0, 1]');
    expect(issueOn({ base: { clipHigh: 11 } }, 'base.clipHigh')).toContain('(0, 10]');
    expect(issueOn({ base: { dualClip: 1 } }, 'base.dualClip')).toContain('(1, 100]');
    expect(issueOn({ base: { klCoef: -0.1 } }, 'base.klCoef')).toContain('[0, 1000]');
    expect(issueOn({ base: { klEstimator: 'k2' as never } }, 'base.klEstimator')).toContain('k3, k1');
    expect(issueOn({ grid: { dualClip: [null as never, 3] }, base: { ppoEpochs: 2 } }, 'grid.dualClip[0]')).toContain('null');
  });

  it('needs M to divide B and be at most B', () => {
    expect(issueOn({ base: { miniBatches: 2 } }, 'base.miniBatches')).toContain('[1, B = 1]');
    expect(issueOn({ base: { N: 6, B: 6, miniBatches: 4 } }, 'base.miniBatches')).toContain('does not divide B = 6');
  });

  it('refuses μ > 1, M > 1 and β > 0 in exact mode, by name', () => {
    expect(issueOn({ base: { mode: 'exact', ppoEpochs: 2 } }, 'base.ppoEpochs')).toContain('mode "sampled"');
    expect(issueOn({ base: { mode: 'exact', N: 2, B: 2, miniBatches: 2 } }, 'base.miniBatches')).toContain('mode "exact"');
    expect(issueOn({ base: { mode: 'exact', klCoef: 0.01 } }, 'base.klCoef')).toContain('klCoef = 0.01');
  });

  it('refuses clip axes that cannot act and an estimator axis without β', () => {
    expect(issueOn({ grid: { clipHigh: [0.2, 0.28] } }, 'grid.clipHigh')).toContain('ratio is always 1');
    expect(issueOn({ grid: { klEstimator: ['k3', 'k1'] } }, 'grid.klEstimator')).toContain('klCoef > 0');
    expect(validateSpec({ grid: { ppoEpochs: [1, 2], clipHigh: [0.2, 0.28] } })).toEqual([]);
  });

  it('leaves the spec hash of a spec without them unchanged at their defaults', async () => {
    const old = withDefaults({ grid: { stepSize: [1, 10] } });
    const without = { ...old, base: Object.fromEntries(Object.entries(old.base).filter(([k]) => !Object.hasOwn(PPO_DEFAULTS, k))) };
    expect(await specHash(old)).toBe(await specHash(without));
    expect(await specHash(withDefaults({ base: { klCoef: 0.001 } }))).not.toBe(await specHash(withDefaults({})));
  });
});
