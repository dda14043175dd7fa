import { describe, expect, it } from 'vitest';
import { drawPrompts } from './prompt-draw.ts';

describe('drawPrompts (SPEC 1.8: a step draws B distinct prompts)', () => {
  it('takes every prompt in order when B = N', () => {
    const prompts = new Int32Array(5);
    drawPrompts(prompts, 5, 5, new Int32Array(5), 3, 0, 0);
    expect([...prompts]).toEqual([0, 1, 2, 3, 4]);
  });

  it('draws B distinct prompts when B < N, each prompt about equally often, every slot uniform', () => {
    const N = 7;
    const B = 3;
    const prompts = new Int32Array(B);
    const order = new Int32Array(N);
    const counts = Array.from({ length: B }, () => new Array<number>(N).fill(0));
    const draws = 7000;
    for (let step = 0; step < draws; step++) {
      drawPrompts(prompts, B, N, order, 11, step % 13, step);
      expect(new Set(prompts).size).toBe(B);
      for (let g = 0; g < B; g++) counts[g][prompts[g]]++;
    }
    // Each slot holds each prompt with probability 1/N: 1000 expected, sd ≈ 29; 6 sd is far outside chance.
    for (const slot of counts) for (const c of slot) expect(Math.abs(c - draws / N)).toBeLessThan(6 * Math.sqrt(draws * (1 / N) * (1 - 1 / N)));
  });
});
