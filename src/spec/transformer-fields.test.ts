import { describe, expect, it } from 'vitest';
import { TRANSFORMER_DEFAULTS, transformerFieldIssues, transformerParameterCount } from './transformer-fields.ts';

const base = { policy: 'transformer', V: 16, d: 16, N: 16, B: 4, J0: 0.5 };

describe('transformer spec fields', () => {
  it('accepts the SPEC 1.10 defaults (≈ 3.5k parameters per run) and a log-linear spec without them', () => {
    expect(transformerFieldIssues(base)).toEqual([]);
    expect(transformerParameterCount({ V: 16, d: 16, T: 8, layers: 1 })).toBe(3456);
    expect(TRANSFORMER_DEFAULTS).toMatchObject({ layers: 1, heads: 2, d: 16, sftLearningRate: 0.01 });
    expect(transformerFieldIssues({ V: 8, d: 6, N: 1, B: 1, J0: 0.2 })).toEqual([]);
  });

  it('refuses transformer fields under the default log-linear policy, and an unknown policy', () => {
    expect(transformerFieldIssues({ layers: 2, task: 'copy' }, 'base.')).toEqual([
      { field: 'base.layers', message: 'applies only with policy "transformer" (policy is "log-linear")' },
      { field: 'base.task', message: 'applies only with policy "transformer" (policy is "log-linear")' },
    ]);
    expect(transformerFieldIssues({ policy: 'mlp' })[0]).toEqual({ field: 'policy', message: 'must be one of log-linear, transformer; got "mlp"' });
  });

  it('names d not divisible by heads, with the numbers', () => {
    expect(transformerFieldIssues({ ...base, d: 12, heads: 5 })).toEqual([
      { field: 'heads', message: 'd 12 is not divisible by heads 5: each head has d/heads columns, so heads must divide d' },
    ]);
  });

  it('names a run with more parameters than one dispatch holds, with the sum', () => {
    const issues = transformerFieldIssues({ ...base, d: 64, layers: 1, heads: 4 });
    expect(issues).toHaveLength(1);
    expect(issues[0].field).toBe('d');
    expect(issues[0].message).toContain('= 16·64 + 8·64 + 1·12·64² = 50688 parameters; one dispatch holds at most 32768 per run');
    expect(transformerFieldIssues({ ...base, d: 48, heads: 4 })).toEqual([]); // 28,800
  });

  it('names a task that needs more distinct prompts than V offers', () => {
    expect(transformerFieldIssues({ ...base, V: 3, promptLength: 2, N: 8, B: 2, heldOutPrompts: 4 })).toEqual([
      {
        field: 'N',
        message: 'task copy needs 12 distinct prompts (N 8 + heldOutPrompts 4) but V 3 offers only 9 prompts of promptLength 2 (V^promptLength)',
      },
    ]);
  });

  it('checks each field’s type and range, and B against N', () => {
    const issues = transformerFieldIssues(
      { ...base, layers: 0, heads: 2.5, task: 'sorted', promptLength: 'four', sftMaxSteps: -1, sftLearningRate: 0 },
      'grid.',
    );
    expect(issues.map((i) => i.field)).toEqual(['grid.layers', 'grid.heads', 'grid.promptLength', 'grid.sftMaxSteps', 'grid.task', 'grid.sftLearningRate']);
    expect(issues[0].message).toBe('must be an integer in [1, 8]; got 0 (a number)');
    expect(issues[4].message).toContain('did you mean sort?');
    expect(issues[5].message).toBe('must be a number in (0, 1]; got 0');
    expect(transformerFieldIssues({ ...base, B: 17 })).toEqual([{ field: 'B', message: 'B = 17 exceeds the 16 training prompts: must be in [1, N = 16]' }]);
  });
});
