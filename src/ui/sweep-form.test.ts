/** The sweep form for a transformer sweep (SPEC 1.10): its grid axes and its fields' problems beside them. */
import { describe, expect, it } from 'vitest';
import { TRANSFORMER_GRID_KEYS, validateSpec } from '../engine/index.ts';
import { sweepSpecOf, type SweepCellConfig } from '../notebook/index.ts';
import { addableGridKeys, BASE_FIELDS, issuesByField } from './sweep-form.ts';

const config = {
  base: { policy: 'transformer', V: 4, d: 12, heads: 5, N: 8, B: 4, promptLength: 2 },
  grid: { stepSize: [0.1, 1] },
  seeds: 2,
} as unknown as SweepCellConfig;

describe('the sweep form of a transformer sweep', () => {
  it('offers only the axes a transformer sweep may sweep', () => {
    expect(addableGridKeys(config)).toEqual(TRANSFORMER_GRID_KEYS.filter((k) => k !== 'stepSize'));
    expect(addableGridKeys({ ...config, base: {} } as SweepCellConfig)).toContain('L');
  });

  it('has a field for the policy and each transformer field, where its refusal shows', () => {
    const paths = BASE_FIELDS.map((f) => f.path);
    for (const key of ['policy', 'layers', 'heads', 'task', 'promptLength', 'heldOutPrompts', 'sftMaxSteps', 'sftLearningRate'])
      expect(paths).toContain(`base.${key}`);
    const byField = issuesByField(validateSpec(sweepSpecOf(config)));
    expect(byField.get('base.heads')?.[0]).toMatch(/^d 12 is not divisible by heads 5: each head has d\/heads columns, so heads must divide d/);
  });
});
