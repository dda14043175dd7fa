import { describe, expect, it } from 'vitest';
import { parseSpec, SpecError, validateSpec } from './validate.ts';
import type { SweepSpecInput } from './spec.ts';

/** The one issue a bad spec must produce: its field, and words its message must contain. */
function expectIssue(input: SweepSpecInput, field: string, ...words: string[]) {
  const issues = validateSpec(input);
  const hit = issues.find((i) => i.field === field);
  expect(hit, `no issue on ${field}; got ${JSON.stringify(issues)}`).toBeDefined();
  for (const w of words) expect(hit!.message).toContain(w);
}

describe('validateSpec', () => {
  it('accepts the defaults and the P1 threshold sweep', () => {
    expect(validateSpec({})).toEqual([]);
    expect(validateSpec({ grid: { stepSize: [0.3, 1, 3, 10, 30, 100] }, seeds: 256 })).toEqual([]);
  });

  it('names field, value and allowed range', () => {
    expectIssue({ base: { L: 0 } }, 'base.L', 'L = 0', '[1, 256]');
    expectIssue({ base: { V: 1 } }, 'base.V', 'V = 1', '[2, 64]');
    expectIssue({ base: { stepSize: -1 } }, 'base.stepSize', 'stepSize = -1', '(0, 1000000]');
    expectIssue({ base: { stepSize: NaN } }, 'base.stepSize', 'NaN', 'finite');
    expectIssue({ seeds: 0 }, 'seeds', 'seeds = 0', '[1, 65536]');
    expectIssue({ base: { J0: 1 } }, 'base.J0', 'J0 = 1', '(0, 1)');
    expectIssue({ base: { L: 2.5 } }, 'base.L', 'integer');
    expectIssue({ base: { advantage: 'ppo' as never } }, 'base.advantage', '"ppo"', 'group-std');
    expectIssue({ base: { aggregation: 'sum' as never } }, 'base.aggregation', 'seq-sum');
    expectIssue({ base: { epsilon: -1e-4 } }, 'base.epsilon', '[0, 1]');
    expectIssue({ seed: -1 }, 'seed', '[0, 4294967295]');
    expectIssue({ collapseFraction: 0 }, 'collapseFraction', '(0, 1]');
    expectIssue({ base: { recordEvery: 0 } }, 'base.recordEvery');
    expectIssue({ base: { foo: 1 } as never }, 'base.foo', 'unknown field');
  });

  it('checks grid values one by one, and grid keys', () => {
    expectIssue({ grid: { stepSize: [1, -2, 3] } }, 'grid.stepSize[1]', 'stepSize = -2');
    expectIssue({ grid: { L: [8, 0] } }, 'grid.L[1]', 'L = 0');
    expectIssue({ grid: { advantage: ['grpo' as never] } }, 'grid.advantage[0]', '"grpo"');
    expectIssue({ grid: { theta: [1] } as never }, 'grid.theta', 'cannot be swept');
    expectIssue({ grid: { stepSize: [] } }, 'grid.stepSize', '1 to 1000 values');
  });

  it('checks combinations, naming the grid cell', () => {
    expectIssue({ base: { G: 1, advantage: 'group-std' } }, 'base.G', 'G = 1', 'group-std', 'G ≥ 2');
    expectIssue({ base: { advantage: 'rloo' }, grid: { G: [4, 1] } }, 'grid.G', 'G = 1', 'cell 1: G=1');
    expectIssue({ base: { family: 'token', B: 2 } }, 'base.B', 'B must be 1');
    expectIssue({ base: { family: 'bandit', features: 'gaussian', N: 3, B: 4 } }, 'base.B', '[1, 3]');
    expectIssue({ base: { family: 'token', features: 'tabular', V: 40 } }, 'base.V', 'V must be in [2, 32]');
    expectIssue({ base: { iterations: 10, recordEvery: 20 } }, 'base.recordEvery', 'iterations = 10');
    expectIssue({ base: { family: 'bandit', features: 'gaussian', N: 4, B: 2, mode: 'exact', advantage: 'batch-std' } }, 'base.advantage', 'batch-std');
    expectIssue({ base: { theta0: [1, 2] } }, 'base.theta0', 'd entries');
  });

  it('refuses a 10^9-run grid before expanding it', () => {
    const stepSize = Array.from({ length: 1000 }, (_, i) => 0.01 * (i + 1));
    const L = Array.from({ length: 1000 }, (_, i) => (i % 256) + 1);
    const started = performance.now();
    expectIssue({ grid: { stepSize, L }, seeds: 1000 }, 'grid', '1000000 cells');
    expectIssue({ grid: { stepSize: stepSize.slice(0, 100), L: L.slice(0, 100) }, seeds: 65536 }, 'seeds', '655360000 runs', 'at most 4194304');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('parseSpec throws a SpecError listing every problem', () => {
    try {
      parseSpec({ base: { L: 0, V: 1 }, seeds: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as SpecError).issues.map((i) => i.field).sort()).toEqual(['base.L', 'base.V', 'seeds']);
    }
  });

  it('rejects what is not an object', () => {
    expect(validateSpec(null as never)[0].field).toBe('spec');
    expect(validateSpec({ grid: [1, 2] as never }).map((i) => i.field)).toContain('grid');
  });
});
