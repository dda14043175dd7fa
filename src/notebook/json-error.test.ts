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
    fc.assert(fc.property(fc.json(), (text) => {
      expect(jsonErrorAt(text)).toBeNull();
    }), { numRuns: 300 });
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
});
