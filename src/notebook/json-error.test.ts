import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorAt } from './json-error.ts';

const parses = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

describe('jsonErrorAt', () => {
  it('agrees with JSON.parse on valid JSON', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(jsonErrorAt(text)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with JSON.parse on broken JSON, and points inside the text', () => {
    const broken = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', '{', '"', ':', 'x', '\n')).map(([t, at, ins]) => {
      const k = at % (t.length + 1);
      return t.slice(0, k) + ins + t.slice(k + (ins ? 0 : 1));
    });
    fc.assert(
      fc.property(broken, (text) => {
        const at = jsonErrorAt(text);
        expect(at === null).toBe(parses(text));
        if (at) expect(at.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 500 },
    );
  });

  it('points at the first bad character, with what was expected', () => {
    expect(jsonErrorAt('{"a" 1}')).toEqual({ offset: 5, expected: "':' after a key" });
    expect(jsonErrorAt('[1, 2,]')).toEqual({ offset: 6, expected: 'a value' });
    expect(jsonErrorAt('{"a": 1,}')).toEqual({ offset: 8, expected: 'a "quoted" key' });
    expect(jsonErrorAt('{"a": [1 2]}')).toEqual({ offset: 9, expected: "',' or ']' after a value" });
    expect(jsonErrorAt('{"a": {"b": 1]}')).toEqual({ offset: 13, expected: "',' or '}' after a value" });
    expect(jsonErrorAt('[] x')).toEqual({ offset: 3, expected: 'the end of the text' });
    expect(jsonErrorAt('{"a": [{}, [], {"b": [true, null]}]}')).toBeNull();
  });

  it('does not recurse: 100,000 unclosed [ and 100,000-deep valid nesting are safe', () => {
    const n = 100_000;
    expect(jsonErrorAt('['.repeat(n))).toEqual({ offset: n, expected: 'a value' });
    expect(jsonErrorAt('{"a":'.repeat(n))).toEqual({ offset: 5 * n, expected: 'a value' });
    expect(jsonErrorAt('['.repeat(n) + ']'.repeat(n))).toBeNull();
    expect(jsonErrorAt('{"a":'.repeat(n) + '1' + '}'.repeat(n))).toBeNull();
    expect(jsonErrorAt('['.repeat(n) + ']'.repeat(n - 1))).toEqual({ offset: 2 * n - 1, expected: "',' or ']' after a value" });
  });
});
