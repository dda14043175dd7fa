// The KV-cache forward (sampling) against the full forward: log π bit identical at every position (f32).
import { describe, expect, it } from 'vitest';
import { philoxWord0, uniformFromBits } from '../../rng/index.ts';
import { forwardSequence, TransformerActivations, transformerModel } from './forward.ts';
import { KvCache, sampleFromLogProbs } from './kv-cache.ts';
import { F32 } from './precision.ts';
import { scaledParameters, SHAPE } from './test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

describe('KV-cache forward', () => {
  for (const [label, shape, gain] of [
    ['2 layers, 2 heads, 20× init', SHAPE, 20],
    ['1 layer, 1 head, GPT-2 init', { ...SHAPE, layers: 1, heads: 1 }, 1],
    ['3 layers, 8 heads (width 1), 5× init, V 11', { V: 11, d: 8, T: 9, layers: 3, heads: 8 }, 5],
  ] as const) {
    it(`gives the full forward's log π bit for bit at every position: ${label}`, () => {
      const model = transformerModel(shape, F32);
      const acts = new TransformerActivations(model);
      const cache = new KvCache(model);
      for (let seedIndex = 0; seedIndex < 4; seedIndex++) {
        const theta = scaledParameters(shape, gain, seedIndex);
        const tokens = Array.from({ length: shape.T }, (_, i) => philoxWord0(seedIndex, i, 0, 0, 3, 0) % shape.V);
        forwardSequence(model, theta, tokens, shape.T, 0, acts);
        cache.reset();
        for (let p = 0; p < shape.T; p++) {
          cache.push(theta, tokens[p]);
          const full = Array.from(acts.logp.subarray(p * shape.V, (p + 1) * shape.V));
          expect(Array.from(cache.logp), `seed index ${seedIndex}, position ${p}`).toEqual(full);
          expect(full.every(Number.isFinite)).toBe(true);
        }
      }
    });
  }

  it('samples a response whose teacher-forced log π equals the sum of the sampled tokens’ log π, bit for bit', () => {
    const model = transformerModel(SHAPE, F32);
    const twin = new TransformerTwin(model);
    const cache = new KvCache(model);
    const theta = scaledParameters(SHAPE, 20);
    const prompt = [1, 4, 2];
    const seen = new Set<string>();
    for (let j = 0; j < 64; j++) {
      cache.reset();
      for (let p = 0; p < prompt.length; p++) cache.push(theta, prompt[p], p === prompt.length - 1);
      const response: number[] = [];
      let sum = 0;
      for (let t = 0; t < 3; t++) {
        const token = sampleFromLogProbs(cache.logp, SHAPE.V, uniformFromBits(philoxWord0(0, 0, j, t, 9, 0)), Math.fround);
        sum = Math.fround(sum + cache.logp[token]);
        response.push(token);
        if (t < 2) cache.push(theta, token);
      }
      expect(twin.responseLogProb(theta, prompt, response)).toBe(sum);
      seen.add(response.join());
    }
    expect(seen.size).toBeGreaterThan(5); // the draws really vary
  });

  it('refuses a position past T', () => {
    const cache = new KvCache(transformerModel(SHAPE, F32));
    const theta = scaledParameters(SHAPE, 1);
    for (let p = 0; p < SHAPE.T; p++) cache.push(theta, 0, false);
    expect(() => cache.push(theta, 0)).toThrow('KV cache full: 6 positions');
  });
});
