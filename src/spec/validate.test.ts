import { describe, expect, it } from 'vitest';
import { editDistance, nearestName, parseSpec, SpecError, validateSpec } from './validate.ts';
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

  it('checks the optimizer fields (SPEC 1.6), each with its allowed range', () => {
    expect(validateSpec({ base: { optimizer: 'adamw', maxGradNorm: 1, warmupSteps: 10, schedule: 'cosine', weightDecay: 0.01 } })).toEqual([]);
    expect(validateSpec({ grid: { optimizer: ['sgd', 'adamw'], maxGradNorm: [0.5, 1], beta2: [0.99, 0.999] } })).toEqual([]);
    expectIssue({ base: { optimizer: 'lion' as never } }, 'base.optimizer', '"lion"', 'sgd, momentum, adam, adamw');
    expectIssue({ base: { schedule: 'step' as never } }, 'base.schedule', 'constant, linear, cosine');
    expectIssue({ base: { beta1: 1 } }, 'base.beta1', 'beta1 = 1', '[0, 1)');
    expectIssue({ base: { beta2: -0.5 } }, 'base.beta2', '[0, 1)');
    expectIssue({ base: { adamEpsilon: 0 } }, 'base.adamEpsilon', '(0, 1]');
    expectIssue({ base: { weightDecay: -1 } }, 'base.weightDecay', '[0, 1000]');
    expectIssue({ base: { momentum: -0.1 } }, 'base.momentum', '[0, 1)');
    expectIssue({ base: { maxGradNorm: 0 } }, 'base.maxGradNorm', 'null (no clipping)', '(0, 1000000]');
    expectIssue({ base: { maxGradNorm: -1 } }, 'base.maxGradNorm', '(0, 1000000]');
    expectIssue({ base: { warmupSteps: 200, iterations: 150 } }, 'base.warmupSteps', 'longer than the run', '[0, iterations = 150]');
    expectIssue({ base: { warmupSteps: 1.5 } }, 'base.warmupSteps', 'integer');
    expectIssue({ grid: { maxGradNorm: [1, null as never] } }, 'grid.maxGradNorm[1]', 'null');
    expectIssue({ grid: { warmupSteps: [10, 500] } }, 'grid.warmupSteps', 'longer than the run');
  });

  it('checks the EOS fields (SPEC 1.7): target length, family, exact expected update', () => {
    expect(validateSpec({ base: { eos: true, targetLength: 3, L: 8 }, grid: { L: [4, 8], targetLength: [2, 3] } })).toEqual([]);
    expect(validateSpec({ base: { eos: true, reward: 'final-answer', targetLength: 2, aggregation: 'constant-no-batch' } })).toEqual([]);
    expectIssue({ base: { eos: true, targetLength: 9, L: 8 } }, 'base.targetLength', 'targetLength = 9', '[1, 7]', 'maximum length L = 8');
    expectIssue({ base: { eos: true, targetLength: 8, L: 8, V: 8 } }, 'base.targetLength', '[1, 7]', 'V − 1 = 7');
    expectIssue({ base: { eos: true, targetLength: 0 } }, 'base.targetLength', 'targetLength = 0', '[1, 256]');
    expectIssue({ base: { eos: true, reward: 'final-answer', targetLength: 1 } }, 'base.targetLength', '[2, 7]', 'answer');
    expectIssue({ base: { eos: true, family: 'bandit' } }, 'base.eos', 'family "token"');
    expectIssue({ base: { eos: 1 as never } }, 'base.eos', 'true');
    expectIssue({ base: { eos: true, mode: 'exact', aggregation: 'token-mean' } }, 'base.aggregation', 'token-mean with EOS', 'no exact expected update');
    expectIssue({ base: { eos: true, mode: 'exact', aggregation: 'seq-mean-token-mean' } }, 'base.aggregation', 'seq-mean-token-mean with EOS');
    expect(validateSpec({ base: { eos: true, mode: 'exact', exactDirection: 'gap', aggregation: 'token-mean' } })).toEqual([]);
    expect(validateSpec({ base: { eos: true, mode: 'exact', aggregation: 'constant-no-batch' } })).toEqual([]);
    expectIssue({ grid: { targetLength: [2, 3] } }, 'grid.targetLength', 'read only with eos = true');
  });

  it('checks many prompts at token level (SPEC 1.8): N within the start tokens, B ≤ N, N·records bounded', () => {
    expect(validateSpec({ base: { N: 1, B: 1 } })).toEqual([]);
    expectIssue({ base: { N: 0 } }, 'base.N', 'N = 0', '[1, 1024]');
    expectIssue({ base: { N: 9, V: 8 } }, 'base.N', 'N = 9 prompts', 'V = 8 tokens', '[1, 8]');
    expectIssue({ base: { N: 8, V: 8, eos: true, targetLength: 3 } }, 'base.N', 'V − 1 = 7 tokens besides EOS', '[1, 7]');
    expectIssue({ base: { N: 4, B: 5 } }, 'base.B', 'B = 5', 'N = 4', '[1, N = 4]');
    expectIssue({ base: { N: 4, B: 2 }, grid: { B: [2, 8] } }, 'grid.B', 'B = 8', 'N = 4');
    expectIssue({ base: { V: 64, N: 64, iterations: 1000, recordEvery: 1 } }, 'base.N', '64 × 1001 = 64064 per-prompt J_q values', 'at most 16384');
    expectIssue({ base: { N: 2, eos: true, targetLength: 3 } }, 'base.eos', 'N = 2', 'use N = 1 with EOS');
    expect(validateSpec({ base: { N: 8, B: 3 }, grid: { N: [4, 8], B: [1, 4] } })).toEqual([]);
    expectIssue({ base: { N: 4, B: 2, mode: 'exact', advantage: 'batch-std' } }, 'base.advantage', 'batch-std with B > 1');
    // One prompt records nothing beyond J: today's long runs keep their limits.
    expect(validateSpec({ base: { iterations: 100_000, recordEvery: 1 }, seeds: 1 })).toEqual([]);
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
    expectIssue({ base: { family: 'token', B: 2 } }, 'base.B', 'B = 2', 'N = 1', 'B must be in [1, N = 1]');
    expectIssue({ base: { family: 'bandit', features: 'gaussian', N: 3, B: 4 } }, 'base.B', '[1, 3]');
    expectIssue({ base: { family: 'token', features: 'tabular', V: 40 } }, 'base.V', 'V must be in [2, 32]');
    expectIssue({ base: { iterations: 10, recordEvery: 20 } }, 'base.recordEvery', 'iterations = 10');
    expectIssue({ base: { family: 'bandit', features: 'gaussian', N: 4, B: 2, mode: 'exact', advantage: 'batch-std' } }, 'base.advantage', 'batch-std');
    expectIssue({ base: { theta0: [1, 2] } }, 'base.theta0', 'd entries');
  });

  it('refuses a 10^9-run grid before expanding it', () => {
    const stepSize = Array.from({ length: 1000 }, (_, i) => 0.01 * (i + 1));
    const J0 = Array.from({ length: 1000 }, (_, i) => (i + 1) / 1001); // distinct: repeated grid values are refused
    const started = performance.now();
    expectIssue({ grid: { stepSize, J0 }, seeds: 1000 }, 'grid', '1000000 cells');
    expectIssue({ grid: { stepSize: stepSize.slice(0, 100), J0: J0.slice(0, 100) }, seeds: 65536 }, 'seeds', '655360000 runs', 'at most 4194304');
    // A hang detector, not a race: expanding 10^9 runs would take hours, so 60 s tells either way on a busy machine.
    expect(performance.now() - started).toBeLessThan(60_000);
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

  it('refuses prototype keys everywhere a known-key table is consulted', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const base = JSON.parse(`{"${key}": 1}`);
      expectIssue({ base }, `base.${key}`, 'unknown field');
      expectIssue(JSON.parse(`{"${key}": 1}`), key, 'unknown field');
      expectIssue({ grid: JSON.parse(`{"${key}": [1]}`) }, `grid.${key}`, 'cannot be swept');
    }
  });

  it('refuses unknown top-level keys, naming the nearest one', () => {
    expectIssue({ seedz: 8 } as never, 'seedz', 'unknown field; did you mean seeds?');
    expectIssue({ Grid: {} } as never, 'Grid', 'did you mean grid?');
    expectIssue({ colour: 1 } as never, 'colour', 'unknown field', 'version, base, grid, seeds, seed, collapseFraction');
    expect(validateSpec({ colour: 1 } as never)[0].message).not.toContain('did you mean');
    expectIssue({ base: { stepsize: 3 } } as never, 'base.stepsize', 'did you mean stepSize?');
    expectIssue({ base: { iteratoins: 3 } } as never, 'base.iteratoins', 'did you mean iterations?');
    expectIssue({ grid: { stepsize: [1] } } as never, 'grid.stepsize', 'cannot be swept; did you mean stepSize?', 'grid keys: stepSize');
    expectIssue({ grid: { iterations: [1] } } as never, 'grid.iterations', 'cannot be swept');
  });

  it('says what a non-object base or grid is', () => {
    expectIssue({ base: [1, 2] } as never, 'base', 'must be an object', 'got an array');
    expectIssue({ base: 'L=8' } as never, 'base', 'got a string');
    expectIssue({ base: null } as never, 'base', 'got null');
    expectIssue({ base: 3 } as never, 'base', 'got a number');
    expectIssue({ grid: [] } as never, 'grid', 'must be an object', 'got an empty list');
    expectIssue({ grid: null } as never, 'grid', 'got null');
    expectIssue([] as never, 'spec', 'must be a JSON object', 'got an empty list');
    expectIssue('x' as never, 'spec', 'got a string');
    // Only the structural problem, not a flood of index keys of a spread string or array.
    expect(validateSpec({ base: 'abc' } as never).map((i) => i.field)).toEqual(['base']);
  });

  it('refuses wrong types, non-finite and out-of-range numbers, naming the range', () => {
    expectIssue({ base: { L: '8' } } as never, 'base.L', 'L = "8"', 'integer in [1, 256]');
    expectIssue({ base: { stepSize: '1' } } as never, 'base.stepSize', 'finite number in (0, 1000000]');
    expectIssue({ base: { stepSize: Infinity } }, 'base.stepSize', 'Infinity', 'finite');
    expectIssue({ base: { stepSize: 1e308 } }, 'base.stepSize', '(0, 1000000]');
    expectIssue({ base: { J0: null } } as never, 'base.J0', 'J0 = null', '(0, 1)');
    expectIssue({ base: { advantage: { a: 1 } } } as never, 'base.advantage', 'an object', 'none, mean, group-std');
    expectIssue({ base: { iterations: -5 } }, 'base.iterations', '[1, 100000]');
    expectIssue({ base: { G: 4.5 } }, 'base.G', 'integer in [1, 1024]');
    expectIssue({ seeds: 1e12 }, 'seeds', '[1, 65536]');
    expectIssue({ seeds: 2.5 }, 'seeds', 'integer');
    expectIssue({ seeds: -3 }, 'seeds', '[1, 65536]');
    expectIssue({ seeds: '64' } as never, 'seeds', 'seeds = "64"');
    expectIssue({ seed: 1e12 }, 'seed', '[0, 4294967295]');
    expectIssue({ seed: 0.5 }, 'seed', 'integer');
    expectIssue({ collapseFraction: 1e308 }, 'collapseFraction', '(0, 1]');
    expectIssue({ version: 2 } as never, 'version', 'only version 1');
    expectIssue({ base: { theta0: [0, 'x', 0, 0, 0, 0] } } as never, 'base.theta0', 'theta0[1] = "x"', 'finite numbers');
    expectIssue({ base: { theta0: 'x' } } as never, 'base.theta0', 'null or an array');
    expect(validateSpec({ seed: 0 })).toEqual([]);
  });

  it('refuses grid lists that are empty, not lists, hold wrong types or repeat a value', () => {
    expectIssue({ grid: { stepSize: [] } }, 'grid.stepSize', 'got an empty list');
    expectIssue({ grid: { stepSize: 3 } } as never, 'grid.stepSize', '1 to 1000 values', 'got a number');
    expectIssue({ grid: { stepSize: { a: 1 } } } as never, 'grid.stepSize', 'got an object');
    expectIssue({ grid: { stepSize: Array(1001).fill(1) } }, 'grid.stepSize', 'got 1001 values');
    expectIssue({ grid: { stepSize: [1, '3'] } } as never, 'grid.stepSize[1]', 'stepSize = "3"', '(0, 1000000]');
    expectIssue({ grid: { stepSize: [1, null] } } as never, 'grid.stepSize[1]', 'null');
    expectIssue({ grid: { stepSize: [1, [3]] } } as never, 'grid.stepSize[1]', '[1 values]');
    expectIssue({ grid: { stepSize: [1, 3, 1] } }, 'grid.stepSize[2]', 'stepSize = 1 repeats grid.stepSize[0]');
    expectIssue({ grid: { advantage: ['mean', 'mean'] } }, 'grid.advantage[1]', 'repeats');
    const L = Array.from({ length: 1000 }, (_, i) => (i % 256) + 1);
    expect(validateSpec({ grid: { L } })).toEqual([
      { field: 'grid.L[256]', message: 'L = 1 repeats grid.L[0] (and 743 more repeated values): each grid value must appear once' },
    ]);
    expectIssue({ grid: { L: [2, 0.5] } }, 'grid.L[1]', 'integer in [1, 256]');
    expect(validateSpec({ grid: {} })).toEqual([]);
  });

  it('refuses a grid axis the family never reads (it would repeat the same runs)', () => {
    expectIssue({ base: { family: 'bandit', features: 'gaussian', N: 2, B: 1 }, grid: { L: [2, 8] } }, 'grid.L', 'bandit family does not read L');
    expectIssue({ grid: { K: [2, 4] } }, 'grid.K', 'token family does not read K');
    expect(validateSpec({ grid: { N: [1, 4] } }).map((i) => i.message)).not.toContainEqual(expect.stringContaining('does not read N'));
    expectIssue({ base: { features: 'tabular' }, grid: { d: [4, 8] } }, 'grid.d', 'tabular features fix d');
    expectIssue({ base: { theta0: [0, 0, 0, 0, 0, 0] }, grid: { J0: [0.2, 0.5] } }, 'grid.J0', 'theta0 is given');
    expect(validateSpec({ base: { family: 'bandit', features: 'gaussian', N: 2, B: 1 }, grid: { N: [2, 4], K: [4, 8] } })).toEqual([]);
  });

  it('refuses optimizer axes that no optimizer of the sweep reads, as the other dead axes', () => {
    expectIssue({ grid: { momentum: [0.5, 0.9] } }, 'grid.momentum', 'optimizer "sgd" does not read momentum', 'repeat the same runs');
    expectIssue({ base: { optimizer: 'momentum' }, grid: { beta2: [0.9, 0.99] } }, 'grid.beta2', 'does not read beta2', 'adam, adamw');
    expectIssue({ grid: { adamEpsilon: [1e-8, 1e-6] } }, 'grid.adamEpsilon', 'does not read adamEpsilon');
    expectIssue({ base: { optimizer: 'adamw' }, grid: { momentum: [0.5, 0.9] } }, 'grid.momentum', 'optimizer "adamw" does not read momentum');
    expectIssue({ grid: { optimizer: ['sgd', 'momentum'], beta1: [0.8, 0.9] } }, 'grid.beta1', '"sgd", "momentum" does not read beta1');
    // Live where some optimizer of the sweep reads it: the base's, or one of grid.optimizer's.
    expect(validateSpec({ base: { optimizer: 'momentum' }, grid: { momentum: [0.5, 0.9] } })).toEqual([]);
    expect(validateSpec({ base: { optimizer: 'adam' }, grid: { beta1: [0.8, 0.9], beta2: [0.99, 0.999], adamEpsilon: [1e-8, 1e-6] } })).toEqual([]);
    expect(validateSpec({ grid: { optimizer: ['sgd', 'adamw'], beta2: [0.99, 0.999] } })).toEqual([]);
    // weightDecay is read by every optimizer (coupled L2, or AdamW's decoupled decay).
    expect(validateSpec({ grid: { weightDecay: [0, 0.1] } })).toEqual([]);
  });

  it('checks the optimizer rates in float32, the precision the engine runs in, naming the rounded value', () => {
    // Below 1 in float64, 1 in float32: Adam's bias correction would divide by zero, momentum never decays.
    expectIssue({ base: { optimizer: 'adam', beta1: 0.99999999999 } }, 'base.beta1', 'beta1 = 0.99999999999', 'rounds to 1 in float32', '0.9999999403953552');
    expectIssue({ base: { optimizer: 'adam', beta2: 0.99999999999 } }, 'base.beta2', 'rounds to 1 in float32');
    expectIssue({ base: { optimizer: 'momentum', momentum: 0.999999999999 } }, 'base.momentum', 'rounds to 1 in float32');
    expectIssue({ base: { optimizer: 'adam' }, grid: { beta2: [0.999, 0.99999999999] } }, 'grid.beta2[1]', 'rounds to 1 in float32');
    // The largest float32 below 1 is itself fine.
    expect(validateSpec({ base: { optimizer: 'adam', beta1: 1 - 2 ** -24, beta2: 1 - 2 ** -24 } })).toEqual([]);
    // ε underflows: 1e-50 is 0 in float32, 1e-40 a subnormal; 2^-126 is the smallest normal.
    expectIssue(
      { base: { optimizer: 'adam', adamEpsilon: 1e-50 } },
      'base.adamEpsilon',
      'adamEpsilon = 1e-50',
      'rounds to 0 in float32',
      'normal float32',
      '2^-126',
    );
    expectIssue({ base: { optimizer: 'adam', adamEpsilon: 1e-40 } }, 'base.adamEpsilon', 'rounds to 9.99994610111476e-41 in float32');
    expect(validateSpec({ base: { optimizer: 'adam', adamEpsilon: 2 ** -126 } })).toEqual([]);
    expect(validateSpec({ base: { optimizer: 'adam', adamEpsilon: 1e-30 } })).toEqual([]);
  });

  it('keeps a huge or odd key to one short field path', () => {
    const key = 'k'.repeat(100_000);
    const issues = validateSpec({ base: { [key]: 1 } } as never);
    expect(issues[0].field.length).toBeLessThan(60);
    expect(validateSpec({ 'a b': 1 } as never)[0].field).toBe('"a b"');
  });
});

describe('nearestName', () => {
  it('measures edits, with a swap of neighbours as one edit, ignoring case', () => {
    expect(editDistance('seedz', 'seeds')).toBe(1);
    expect(editDistance('titel', 'title')).toBe(1);
    expect(editDistance('stepsize', 'stepSize')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only close names', () => {
    const known = ['version', 'base', 'grid', 'seeds', 'seed', 'collapseFraction'];
    expect(nearestName('seedz', known)).toBe('seeds');
    expect(nearestName('Seed', known)).toBe('seed');
    expect(nearestName('colapseFraction', known)).toBe('collapseFraction');
    expect(nearestName('colour', known)).toBeNull();
    expect(nearestName('x', ['y', 'V'])).toBeNull();
    expect(nearestName('Lx', ['V', 'L', 'N'])).toBe('L');
    expect(nearestName('abc', ['xyz', 'L'])).toBeNull();
    expect(nearestName('l', ['L', 'V'])).toBe('L');
    expect(nearestName('colour', ['color', 'scale'])).toBe('color');
  });
});
