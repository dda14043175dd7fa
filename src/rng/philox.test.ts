import { describe, expect, it } from 'vitest';
import { philox4x32, philoxWord0, uniformFromBits } from './philox.ts';
import { PHILOX_KAT } from './philox-kat.ts';

describe('Philox4x32-10 (TypeScript twin)', () => {
  it('matches the Random123 known-answer vectors', () => {
    for (const [ctr, key, want] of PHILOX_KAT) {
      expect(philox4x32(ctr as [number, number, number, number], key as [number, number])).toEqual(want);
    }
  });

  it('matches the 7-round known-answer vector too (round count is a parameter)', () => {
    // Random123: philox4x32 7 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0 → 4dfccaba 190a87f0 c47362ba b6b5242a
    expect(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 7)).toEqual([0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a]);
  });

  it('philoxWord0 is the first word of the block', () => {
    for (let i = 0; i < 1000; i++) {
      const c: [number, number, number, number] = [i * 7919, i, i ^ 0xabcdef, 0xffffffff - i];
      expect(philoxWord0(c[0], c[1], c[2], c[3], 42, 1)).toBe(philox4x32(c, [42, 1])[0]);
    }
  });

  it('maps words to [0, 1) with 24 bits, never 1.0', () => {
    expect(uniformFromBits(0)).toBe(0);
    expect(uniformFromBits(0xffffffff)).toBe(1 - 2 ** -24);
    expect(Math.fround(uniformFromBits(0x12345678))).toBe(uniformFromBits(0x12345678));
  });
});
