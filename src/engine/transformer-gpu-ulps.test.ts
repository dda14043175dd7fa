import { describe, expect, it } from 'vitest';
import { ulpDistance } from './transformer-gpu-ulps.ts';

describe('ulpDistance', () => {
  it('counts f32 values between two numbers, across zero and for NaN', () => {
    expect(ulpDistance(1, 1)).toBe(0);
    expect(ulpDistance(1, Math.fround(1 + 2 ** -23))).toBe(1);
    expect(ulpDistance(Math.fround(1 - 2 ** -24), 1)).toBe(1);
    expect(ulpDistance(-0, 0)).toBe(0);
    expect(ulpDistance(2 ** -149, -(2 ** -149))).toBe(2); // the two smallest subnormals, either side of zero
    expect(ulpDistance(NaN, NaN)).toBe(0);
    expect(ulpDistance(NaN, 1)).toBe(Infinity);
    expect(ulpDistance(2, 4)).toBe(2 ** 23);
  });
});
