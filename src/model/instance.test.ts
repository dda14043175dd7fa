import { describe, expect, it } from 'vitest';
import { withDefaults, expandGrid, type RunParams } from '../spec/spec.ts';
import { InitError, initialTheta, makeInstance } from './instance.ts';
import { policyTable, successRate } from './policy.ts';

const params = (over: Partial<RunParams>): RunParams => expandGrid(withDefaults({ base: over }))[0].params;

const FAMILIES: Record<string, Partial<RunParams>> = {
  'bandit tabular': { family: 'bandit', features: 'tabular', K: 5 },
  'bandit contextual': { family: 'bandit', features: 'gaussian', N: 4, K: 3, d: 3 },
  'token exact-match': { family: 'token', reward: 'exact-match' },
  'token final-answer': { family: 'token', reward: 'final-answer', J0: 0.5 },
  'token tabular-bigram': { family: 'token', features: 'tabular', V: 4, L: 3 },
};

describe('instances', () => {
  it('are a pure function of (seed, seed index, shape)', () => {
    const p = params({});
    expect(makeInstance(p, 7, 3)).toEqual(makeInstance(p, 7, 3));
    expect(makeInstance(p, 7, 3).phi).not.toEqual(makeInstance(p, 7, 4).phi);
    expect(makeInstance(p, 7, 3).phi).not.toEqual(makeInstance(p, 8, 3).phi);
  });

  it('pair cells across L: features agree and the longer target extends the shorter', () => {
    const short = makeInstance(params({ L: 4 }), 1, 0);
    const long = makeInstance(params({ L: 12 }), 1, 0);
    expect(long.phi).toEqual(short.phi);
    expect(Array.from(long.target.subarray(0, 4))).toEqual(Array.from(short.target));
  });

  it('Gaussian features have unit mean squared norm, whatever d', () => {
    for (const d of [2, 6, 32]) {
      const inst = makeInstance(params({ d, V: 16 }), 1, 0);
      let ss = 0;
      for (const x of inst.phi) ss += x * x;
      expect(ss / (inst.P * inst.K)).toBeGreaterThan(0.8);
      expect(ss / (inst.P * inst.K)).toBeLessThan(1.2);
    }
  });

  for (const [name, over] of Object.entries(FAMILIES)) {
    it(`${name}: rewards are realizable by θ*, and θ0 = α·θ* hits J0`, () => {
      const p = params(over);
      const inst = makeInstance(p, 1, 2);
      const big = inst.thetaStar.map((v) => 200 * v);
      expect(successRate(inst, policyTable(inst, big))).toBeGreaterThan(0.99);
      const theta0 = initialTheta(inst, p);
      expect(successRate(inst, policyTable(inst, theta0))).toBeCloseTo(p.J0, 9);
    });
  }

  it('an explicit θ0 is used as given', () => {
    const p = params({ family: 'bandit', features: 'tabular', K: 3, theta0: [1, 2, 3] });
    expect(Array.from(initialTheta(makeInstance(p, 1, 0), p))).toEqual([1, 2, 3]);
  });

  it('an unreachable J0 is an error naming J0 and what is reachable', () => {
    const p = params({ family: 'bandit', features: 'tabular', K: 4 });
    const inst = { ...makeInstance(p, 1, 0), thetaStar: new Float64Array(4) }; // θ* = 0: J is 1/4 at every scale
    expect(() => initialTheta(inst, { ...p, J0: 0.9 })).toThrow(InitError);
    expect(() => initialTheta(inst, { ...p, J0: 0.9 })).toThrow(/J0 = 0\.9 is not reachable.*J\(0\) = 0\.25/);
  });
});
