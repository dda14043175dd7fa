import { describe, expect, it } from 'vitest';
import { initialParameters } from './init.ts';
import { taskPromptRefusal, transformerParameterCount } from '../../spec/index.ts';
import { transformerLayout } from './layout.ts';
import { makeTaskSet, taskTarget } from './tasks.ts';

describe('transformer layout', () => {
  it('places the blocks back to back in the stated order, V·d + T·d + layers·12·d² in all', () => {
    const shape = { V: 16, d: 16, T: 8, layers: 2, heads: 2 };
    const layout = transformerLayout(shape);
    expect(layout.blocks.map((b) => b.name)).toEqual(['E', 'P', ...[0, 1].flatMap((l) => ['wq', 'wk', 'wv', 'wo', 'w1', 'w2'].map((n) => `layer${l}.${n}`))]);
    let offset = 0;
    for (const b of layout.blocks) {
      expect(b.offset).toBe(offset);
      offset += b.rows * b.cols;
    }
    expect(layout.size).toBe(offset);
    expect(layout.size).toBe(16 * 16 + 8 * 16 + 2 * 12 * 256);
    expect(transformerParameterCount(shape)).toBe(layout.size);
    // The spec's default shape: ≈ 3.5k parameters per run (V 16, T 8, d 16, one layer).
    expect(transformerParameterCount({ V: 16, d: 16, T: 8, layers: 1 })).toBe(3456);
    expect([layout.layers[0].w1.rows, layout.layers[0].w1.cols, layout.layers[0].w2.rows, layout.layers[0].w2.cols]).toEqual([16, 64, 64, 16]);
  });
});

describe('GPT-2 initialization', () => {
  const layout = transformerLayout({ V: 16, d: 32, T: 8, layers: 2, heads: 4 });
  const theta = initialParameters(layout, 7, 3);

  it('draws each block with its standard deviation: 0.02, and 0.02/√(2·layers) for W_o and W_2', () => {
    for (const b of layout.blocks) {
      const values = theta.subarray(b.offset, b.offset + b.rows * b.cols);
      const mean = values.reduce((s, x) => s + x, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
      const expected = /\.(wo|w2)$/.test(b.name) ? 0.02 / Math.sqrt(4) : 0.02;
      expect(b.initStd).toBeCloseTo(expected, 12);
      // Standard error of a sd estimate from n normals ≈ sd/√(2n): 5 of them.
      expect(Math.abs(sd - expected)).toBeLessThan((5 * expected) / Math.sqrt(2 * values.length));
      expect(Math.abs(mean)).toBeLessThan((5 * expected) / Math.sqrt(values.length));
    }
  });

  it('is a pure function of (seed, seed index): the same twice, different for another index or seed', () => {
    expect(initialParameters(layout, 7, 3)).toEqual(theta);
    expect(initialParameters(layout, 7, 4)).not.toEqual(theta);
    expect(initialParameters(layout, 8, 3)).not.toEqual(theta);
  });
});

describe('tasks', () => {
  it('computes copy, reverse, sort and sum targets', () => {
    const out = new Int32Array(4);
    const prompt = [3, 1, 4, 1];
    taskTarget('copy', prompt, 5, out);
    expect([...out]).toEqual([3, 1, 4, 1]);
    taskTarget('reverse', prompt, 5, out);
    expect([...out]).toEqual([1, 4, 1, 3]);
    taskTarget('sort', prompt, 5, out);
    expect([...out]).toEqual([1, 1, 3, 4]);
    const one = new Int32Array(1);
    taskTarget('sum', prompt, 5, one);
    expect(one[0]).toBe(9 % 5);
  });

  it('draws N distinct training prompts and distinct held-out prompts, seeded, the first N independent of the held-out count', () => {
    const p = { task: 'reverse' as const, V: 3, promptLength: 2, N: 6, heldOutPrompts: 3 };
    const set = makeTaskSet(p, 11, 0);
    const keys = [];
    for (let q = 0; q < 6; q++) keys.push(set.trainPrompts.slice(q * 2, q * 2 + 2).join());
    for (let q = 0; q < 3; q++) keys.push(set.heldOutPrompts.slice(q * 2, q * 2 + 2).join());
    expect(new Set(keys).size).toBe(9); // all of V^k = 9 prompts
    for (let q = 0; q < 6; q++) expect([...set.trainTargets.slice(q * 2, q * 2 + 2)]).toEqual([set.trainPrompts[q * 2 + 1], set.trainPrompts[q * 2]]);
    expect(makeTaskSet(p, 11, 0)).toEqual(set);
    expect(makeTaskSet({ ...p, heldOutPrompts: 0 }, 11, 0).trainPrompts).toEqual(set.trainPrompts);
    expect(makeTaskSet(p, 11, 1).trainPrompts).not.toEqual(set.trainPrompts);
    const sum = makeTaskSet({ task: 'sum', V: 7, promptLength: 3, N: 20, heldOutPrompts: 5 }, 1, 2);
    expect(sum.responseLength).toBe(1);
    for (let q = 0; q < 20; q++) expect(sum.trainTargets[q]).toBe((sum.trainPrompts[q * 3] + sum.trainPrompts[q * 3 + 1] + sum.trainPrompts[q * 3 + 2]) % 7);
  });

  it('refuses a task that needs more distinct prompts than V^promptLength offers, with the numbers', () => {
    const p = { task: 'copy' as const, V: 3, promptLength: 2, N: 8, heldOutPrompts: 4 };
    expect(taskPromptRefusal(p)).toBe(
      'task copy needs 12 distinct prompts (N 8 + heldOutPrompts 4) but V 3 offers only 9 prompts of promptLength 2 (V^promptLength)',
    );
    expect(() => makeTaskSet(p, 1, 0)).toThrow('V 3 offers only 9');
    expect(taskPromptRefusal({ ...p, heldOutPrompts: 1 })).toBeNull();
  });
});
