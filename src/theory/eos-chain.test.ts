import { describe, expect, it } from 'vitest';
import { makeInstance, type Instance } from '../model/instance.ts';
import { answerToken, policyTable, policyTable as table, successRate } from '../model/policy.ts';
import { expectedLength } from './eos-chain.ts';
import { policyTables, successAt } from './success-rate.ts';
import { caseParams, gapErrors, randomPoint } from './test-fixtures.ts';
import type { RunParams } from '../spec/spec.ts';

/** Every response of the chain with EOS, by enumeration: its probability, length and reward (written from SPEC 1.7, not from the recursions). */
function enumerate(inst: Instance, pi: ArrayLike<number>): { J: number; length: number; total: number } {
  const { K, L, eos } = inst;
  let J = 0;
  let length = 0;
  let total = 0;
  const visit = (tokens: number[], prob: number) => {
    const ended = tokens.length > 0 && tokens[tokens.length - 1] === eos;
    if (ended || tokens.length === L) {
      const r =
        inst.reward === 'exact-match'
          ? tokens.length === inst.target.length && tokens.every((t, i) => t === inst.target[i])
            ? 1
            : 0
          : ended && tokens.length >= 2 && tokens[tokens.length - 2] === answerToken(inst)
            ? 1
            : 0;
      J += prob * r;
      length += prob * tokens.length;
      total += prob;
      return;
    }
    const prev = tokens.length ? tokens[tokens.length - 1] : inst.start;
    for (let b = 0; b < K; b++) visit([...tokens, b], prob * pi[prev * K + b]);
  };
  visit([], 1);
  return { J, length, total };
}

const CASES: Record<string, Partial<RunParams>> = {
  'exact match, gaussian': { family: 'token', eos: true, reward: 'exact-match', features: 'gaussian', V: 4, L: 5, d: 3, targetLength: 3 },
  'exact match, tabular': { family: 'token', eos: true, reward: 'exact-match', features: 'tabular', V: 4, L: 4, targetLength: 2 },
  'final answer, gaussian': { family: 'token', eos: true, reward: 'final-answer', features: 'gaussian', V: 4, L: 5, d: 3, targetLength: 3 },
  'final answer, tabular': { family: 'token', eos: true, reward: 'final-answer', features: 'tabular', V: 3, L: 5, targetLength: 2 },
};

describe('instances with EOS (SPEC 1.7)', () => {
  it('the target is θ*’s greedy path, ends with EOS after exactly targetLength tokens, never revisits a token, and is seeded', () => {
    for (const targetLength of [1, 2, 4, 7]) {
      for (let seedIndex = 0; seedIndex < 6; seedIndex++) {
        const p = caseParams({ family: 'token', eos: true, V: 8, L: 8, d: 6, targetLength });
        const inst = makeInstance(p, 3, seedIndex);
        expect(inst.target.length).toBe(targetLength);
        expect(inst.target[targetLength - 1]).toBe(7);
        expect(new Set([0, ...inst.target]).size).toBe(targetLength + 1);
        // Greedy path of θ*: J → 1 along α·θ*.
        const pi = policyTable(
          inst,
          inst.thetaStar.map((v) => 1e4 * v),
        );
        expect(successRate(inst, pi)).toBeGreaterThan(0.99);
        expect(Array.from(makeInstance(p, 3, seedIndex).phi)).toEqual(Array.from(inst.phi));
        // L only cuts responses: the instance is the same at another L.
        expect(Array.from(makeInstance({ ...p, L: 20 }, 3, seedIndex).target)).toEqual(Array.from(inst.target));
      }
    }
  });

  it('eos = false leaves the instance as it was (no redrawn rows, target of L tokens)', () => {
    const p = caseParams({ family: 'token', V: 8, L: 8, d: 6 });
    const a = makeInstance(p, 3, 1);
    const b = makeInstance({ ...p, targetLength: 3 }, 3, 1);
    expect(a.eos).toBe(-1);
    expect(Array.from(a.phi)).toEqual(Array.from(b.phi));
    expect(a.target.length).toBe(8);
  });
});

describe('exact J with EOS against brute-force enumeration of every sequence', () => {
  for (const [name, overrides] of Object.entries(CASES)) {
    it(`${name}: J (model and theory) and E|o| equal the enumeration to 1e-12`, () => {
      for (let seedIndex = 0; seedIndex < 3; seedIndex++) {
        for (const J0 of [0.1, 0.5]) {
          const { inst, theta } = randomPoint(overrides, seedIndex, J0, 0.5);
          const pi = table(inst, theta);
          const brute = enumerate(inst, pi);
          expect(brute.total).toBeCloseTo(1, 12);
          expect(Math.abs(successRate(inst, pi) - brute.J)).toBeLessThan(1e-12);
          const sr = successAt(inst, theta);
          expect(Math.abs(sr.J - brute.J)).toBeLessThan(1e-12);
          expect(Math.abs(sr.failure - (1 - brute.J))).toBeLessThan(1e-12);
          expect(Math.abs(expectedLength(inst, policyTables(inst, theta).pi) - brute.length)).toBeLessThan(1e-12);
        }
      }
    });
  }
});

describe('∇J and the gap with EOS against finite differences', () => {
  for (const [name, overrides] of Object.entries(CASES)) {
    it(`${name}: ∇J = J(1−J)·g and g = ∇ logit J to 1e-6`, () => {
      let worst = 0;
      for (const { gradient, gap, identity } of gapErrors(overrides, 3)) {
        worst = Math.max(worst, gradient, gap);
        expect(identity).toBeLessThan(1e-12);
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }
});
