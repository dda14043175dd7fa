import { describe, expect, it } from 'vitest';
import { specHash } from './spec-hash.ts';
import { DEFAULT_RUN, effectiveStepSize, POLICY_DEFAULTS, withDefaults, type SweepSpecInput } from './spec.ts';
import { parseSpec, validateSpec } from './validate.ts';

/** A small transformer sweep: copy of 2 tokens over V 4 (16 prompts), 8 trained and 4 held out. */
const T = { policy: 'transformer', V: 4, d: 8, N: 8, B: 4, G: 4, J0: 0.3, promptLength: 2, heldOutPrompts: 4, iterations: 4, recordEvery: 2 } as const;
const sweep = (base: Record<string, unknown>, grid: Record<string, unknown> = {}): SweepSpecInput =>
  ({ base: { ...T, ...base }, grid, seeds: 2 }) as SweepSpecInput;

function issueOn(input: SweepSpecInput, field: string): string {
  const issues = validateSpec(input);
  const hit = issues.find((i) => i.field === field);
  expect(hit, `no issue on ${field}; got ${JSON.stringify(issues)}`).toBeDefined();
  return hit!.message;
}

describe('policy "transformer" in the sweep spec (SPEC 1.10)', () => {
  it('accepts a transformer sweep over η × J0, the loop and the optimizer, and defaults d to 16', () => {
    expect(validateSpec(sweep({}, { stepSize: [0.01, 0.1], J0: [0.3, 0.6] }))).toEqual([]);
    expect(validateSpec(sweep({}, { advantage: ['none', 'group-std'], aggregation: ['seq-sum', 'constant'], optimizer: ['sgd', 'adamw'] }))).toEqual([]);
    expect(validateSpec(sweep({ task: 'sum', promptLength: 3, N: 16, B: 8 }, { V: [4, 8], N: [8, 16] }))).toEqual([]);
    expect(parseSpec({ base: { policy: 'transformer', V: 16, N: 4 } }).base.d).toBe(16);
    expect(parseSpec({ base: { policy: 'transformer', V: 16, N: 4, d: 8 } }).base.d).toBe(8);
    expect(withDefaults({}).base.d).toBe(DEFAULT_RUN.d);
  });

  it('keeps every log-linear spec and its hash: the policy fields at their defaults leave the hash', async () => {
    const old = withDefaults({ grid: { stepSize: [1, 10] } });
    expect(old.base.policy).toBe('log-linear');
    const without = { ...old, base: Object.fromEntries(Object.entries(old.base).filter(([k]) => !Object.hasOwn(POLICY_DEFAULTS, k))) };
    expect(await specHash(old)).toBe(await specHash(without));
    expect(await specHash(withDefaults({ base: T }))).not.toBe(await specHash(withDefaults({ base: { ...T, policy: 'log-linear' } })));
    // A written spec (every field at its default) reads back valid.
    expect(validateSpec(old)).toEqual([]);
  });

  it('refuses transformer fields under the log-linear policy, by name', () => {
    expect(issueOn({ base: { layers: 2 } }, 'base.layers')).toBe(
      'layers = 2 applies only with policy "transformer" (policy is "log-linear"); remove it or set policy',
    );
    expect(issueOn({ base: { task: 'sort' } }, 'base.task')).toContain('policy "transformer"');
  });

  it('names each field and its allowed values', () => {
    expect(issueOn(sweep({ policy: 'mlp' }), 'base.policy')).toContain('log-linear, transformer');
    expect(issueOn(sweep({ layers: 0 }), 'base.layers')).toContain('[1, 8]');
    expect(issueOn(sweep({ heads: 1.5 }), 'base.heads')).toContain('integer in [1, 64]');
    expect(issueOn(sweep({ task: 'add' }), 'base.task')).toContain('copy, reverse, sort, sum');
    expect(issueOn(sweep({ promptLength: 33 }), 'base.promptLength')).toContain('[1, 32]');
    expect(issueOn(sweep({ heldOutPrompts: -1 }), 'base.heldOutPrompts')).toContain('[0, 1024]');
    expect(issueOn(sweep({ sftMaxSteps: 1e6 }), 'base.sftMaxSteps')).toContain('[0, 100000]');
    expect(issueOn(sweep({ sftLearningRate: 0 }), 'base.sftLearningRate')).toContain('(0, 1]');
    expect(issueOn(sweep({ sftLearningRate: 'NaN' }), 'base.sftLearningRate')).toContain('finite number');
    expect(issueOn(sweep({ layerz: 1 }), 'base.layerz')).toBeTruthy(); // unknown keys stay errors
  });

  it('gives the named refusals with their numbers: d % heads, parameters per run, prompts V offers, B > N', () => {
    expect(issueOn(sweep({ d: 12, heads: 5 }), 'base.heads')).toBe('d 12 is not divisible by heads 5: each head has d/heads columns, so heads must divide d');
    expect(issueOn(sweep({ d: 64, heads: 4, V: 64 }), 'base.d')).toContain('= 53504 parameters; one dispatch holds at most 32768');
    expect(issueOn(sweep({ N: 16 }), 'base.N')).toContain('needs 20 distinct prompts (N 16 + heldOutPrompts 4) but V 4 offers only 16');
    expect(issueOn(sweep({ B: 9 }), 'base.B')).toContain('B = 9 exceeds the 8 training prompts');
    // Per cell, with the cell named, when a grid value makes it.
    expect(issueOn(sweep({ heads: 4 }, { d: [8, 6] }), 'base.heads')).toContain(
      'd 6 is not divisible by heads 4: each head has d/heads columns, so heads must divide d (cell 1: d=6)',
    );
  });

  it('refuses by name what the transformer cannot take yet, with what is allowed', () => {
    expect(issueOn(sweep({ mode: 'exact' }), 'base.mode')).toBe(
      'mode "exact" with policy "transformer": the engine has no exact trajectory for the transformer; use mode "sampled"',
    );
    // EOS (SPEC 1.7): L is the longest response, EOS included; prompts use the V − 1 other tokens.
    expect(validateSpec(sweep({ eos: true, L: 4, V: 5 }))).toEqual([]);
    expect(issueOn(sweep({ eos: true, L: 2, V: 5 }), 'base.L')).toBe(
      'L = 2 with eos: a response of task copy is 2 token(s) and then EOS, so L must be at least 3',
    );
    expect(issueOn(sweep({ eos: true, L: 4 }), 'base.N')).toContain(
      'V 3 offers only 9 prompts of promptLength 2 (V^promptLength) (with eos the last token is EOS, so prompts use V − 1 = 3 tokens)',
    );
    expect(issueOn(sweep({ family: 'bandit' }), 'base.family')).toContain('family must be "token"');
    expect(issueOn(sweep({ features: 'tabular' }), 'base.features')).toContain('the transformer has none');
    expect(issueOn(sweep({ theta0: [1, 2] }), 'base.theta0')).toContain('theta0 must be null');
    expect(issueOn(sweep({ reward: 'final-answer' }), 'base.reward')).toContain('reward must be "exact-match"');
    expect(issueOn(sweep({ L: 4 }), 'base.L')).toContain("without eos the response length is the task's");
    // The loop takes every advantage, aggregation and the PPO loop (src/engine/transformer-grpo.ts).
    expect(validateSpec(sweep({ advantage: 'rloo' }, { aggregation: ['seq-sum', 'constant-no-batch'] }))).toEqual([]);
    expect(validateSpec(sweep({ ppoEpochs: 2, miniBatches: 2, klCoef: 0.01 }, { klCoef: [0, 0.1] }))).toEqual([]);
  });

  it('refuses grid axes it does not read, and the policy fields as grid keys, by name', () => {
    expect(issueOn(sweep({}, { L: [2, 4] }), 'grid.L')).toContain('policy "transformer" does not sweep L (its grid keys: stepSize, J0,');
    expect(issueOn(sweep({}, { K: [2, 4] }), 'grid.K')).toContain('does not sweep K');
    expect(issueOn(sweep({}, { layers: [1, 2] }), 'grid.layers')).toContain('layers cannot be swept yet');
    expect(issueOn(sweep({}, { policy: ['log-linear', 'transformer'] }), 'grid.policy')).toContain('a sweep is one policy');
  });

  it('scales the effective step by the task’s response length, not L', () => {
    const p = withDefaults({ base: { ...T, stepSize: 1 } as never }).base;
    expect(effectiveStepSize({ ...p, aggregation: 'token-mean' })).toBe(0.5); // copy of 2 tokens
    expect(effectiveStepSize({ ...p, aggregation: 'seq-sum' })).toBe(1);
    expect(effectiveStepSize({ ...p, aggregation: 'constant', task: 'sum', promptLength: 3 })).toBe(1); // sum answers with one token
    expect(effectiveStepSize({ ...p, policy: 'log-linear', aggregation: 'token-mean' })).toBe(1 / 8); // log-linear: L
  });
});
