import { describe, expect, it } from 'vitest';
import { makeInstance } from '../model/instance.ts';
import { withDefaults, type RunParams } from '../spec/spec.ts';
import { empiricalCriticalStepSize } from './empirical-threshold.ts';
import { expectedUpdate } from './expected-update.ts';
import { gradientGap } from './gradient-gap.ts';
import { criticalStepSize } from './one-step-threshold.ts';
import { boundCurve, theoryCurves } from './theory-curves.ts';
import { successRateLowerBound, theorem1StepSize } from './theorem-one.ts';
import { checkRunParams, TheoryInputError } from './theory-input.ts';
import { caseParams, FAMILY_CASES, randomPoint } from './test-fixtures.ts';

/** Runs f and returns the TheoryInputError it throws. */
function caught(f: () => unknown): TheoryInputError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(TheoryInputError);
    return error as TheoryInputError;
  }
  throw new Error('expected a TheoryInputError');
}

describe('bad input gets a clear error, never a NaN curve', () => {
  it('θ with NaN, or of the wrong length', () => {
    const { inst, theta } = randomPoint(FAMILY_CASES['token gaussian final-answer'], 0, 0.3);
    theta[2] = NaN;
    const e = caught(() => gradientGap(inst, theta));
    expect(e.field).toBe('theta[2]');
    expect(e.message).toMatch(/theta\[2\] = NaN: every entry must be a finite number/);
    expect(caught(() => gradientGap(inst, [1, 2])).message).toMatch(/theta: has 2 entries; it must have d = 4/);
    expect(caught(() => criticalStepSize(inst, new Float64Array(inst.d), [Infinity, 0, 0, 0])).field).toBe('w[0]');
  });

  it('L beyond what the recursion supports', () => {
    const inst = makeInstance(caseParams({ L: 300 }), 1, 0);
    const e = caught(() => gradientGap(inst, new Float64Array(inst.d)));
    expect(e.field).toBe('L');
    expect(e.message).toMatch(/L = 300: the exact recursion supports integer L in \[1, 256\]/);
    const curve = caught(() => theoryCurves({ grid: { L: [8, 300] } }, { y: 'L' }));
    expect(curve.field).toBe('grid.L[1]');
    expect(curve.message).toMatch(/\[1, 256\]/);
  });

  it('a family, reward or axis the theory does not cover', () => {
    const e = caught(() => checkRunParams({ ...caseParams({}), family: 'mdp' } as unknown as RunParams));
    expect(e.field).toBe('family');
    expect(e.message).toMatch(/family = "mdp": the theory covers bandit, token/);
    expect(caught(() => theoryCurves({ base: { family: 'mdp' } } as never, { y: 'L' })).field).toBe('base.family');
    const inst = { ...makeInstance(caseParams({}), 1, 0), reward: 'length-bonus' } as never;
    expect(caught(() => gradientGap(inst, new Float64Array(6))).message).toMatch(/reward = "length-bonus": the theory covers table, exact-match, final-answer/);
    expect(caught(() => theoryCurves({}, { y: 'eta' as never })).field).toBe('y');
    expect(caught(() => theoryCurves({ base: { family: 'bandit' } }, { y: 'L' })).message).toMatch(/a bandit has L = 1/);
    expect(caught(() => theoryCurves({ seeds: 3 }, { y: 'L', instances: 5 })).field).toBe('instances');
  });

  it('an expected update with no closed form', () => {
    const p = caseParams({ family: 'bandit', features: 'gaussian', N: 4, K: 4, d: 3, B: 2, advantage: 'batch-std', mode: 'sampled' });
    expect(caught(() => checkRunParams(p)).field).toBe('advantage');
    const inst = makeInstance(p, 1, 0);
    expect(caught(() => expectedUpdate(inst, p, gradientGap(inst, new Float64Array(3)))).message).toMatch(/batch-std with B > 1/);
  });

  it('J at 1 to float64 precision, bad bound inputs, bad sweep results', () => {
    const p = caseParams(FAMILY_CASES['bandit tabular']);
    const inst = makeInstance(p, 1, 0);
    const theta = new Float64Array(inst.d);
    for (let a = 0; a < inst.K; a++) theta[a] = inst.rewardTable[a] ? 800 : 0;
    expect(caught(() => gradientGap(inst, theta)).message).toMatch(/J = 1 to float64 precision/);
    expect(caught(() => theorem1StepSize(NaN, { Go: 1, Lo: 1 })).field).toBe('deltaMu');
    expect(caught(() => successRateLowerBound(1.2, 0)).field).toBe('J0');
    expect(caught(() => successRateLowerBound(0.2, NaN)).field).toBe('M');
    const noEta = {
      spec: withDefaults({ grid: { L: [2, 4] } }),
      cellStats: [],
      finalJ: new Float32Array(0),
      diverged: new Uint8Array(0),
      initialJ: new Float32Array(0),
    };
    expect(caught(() => empiricalCriticalStepSize(noEta)).field).toBe('grid.stepSize');
    expect(caught(() => boundCurve({ seeds: 2 }, { seedIndex: 2 })).field).toBe('seedIndex');
    expect(caught(() => theoryCurves({ grid: { J0: [0.5, 1.5] } }, { y: 'J0' })).field).toBe('grid.J0[1]');
  });
});
