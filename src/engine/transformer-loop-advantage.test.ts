import { describe, expect, it } from 'vitest';
import { F32, initialParameters, makeTaskSet, TransformerTwin, transformerModel } from '../model/index.ts';
import { ADVANTAGES, AGGREGATIONS, DEFAULT_RUN, type Advantage } from '../spec/index.ts';
import { sampleScale } from './aggregation-scale.ts';
import { trainTransformerGrpo, type TransformerLoopParams } from './transformer-grpo.ts';
import { batchAdvantages, transformerTokenScale } from './transformer-loop-advantage.ts';
import { supervisedWarmStart } from './transformer-sft.ts';

describe('advantages of the transformer loop', () => {
  // Two groups of four: two passes of four, three of four; J(x) of their prompts 0.3 and 0.8.
  const rewards = new Float32Array([1, 0, 0, 1, 1, 1, 1, 0]);
  const J = [0.3, 0.8];
  const advantages = (advantage: Advantage, std: 'biased' | 'unbiased' = 'biased') => {
    const out = new Float32Array(8);
    batchAdvantages({ advantage, std, epsilon: 1e-6 }, rewards, 2, 4, (g) => J[g], out);
    return Array.from(out);
  };
  const close = (got: number[], want: number[]) => got.forEach((a, i) => expect(a).toBeCloseTo(want[i], 5));

  it('match hand-computed values for every advantage', () => {
    close(advantages('none'), [1, 0, 0, 1, 1, 1, 1, 0]);
    close(advantages('mean'), [0.5, -0.5, -0.5, 0.5, 0.25, 0.25, 0.25, -0.75]);
    // Group stds 0.5 and √(0.75·0.25) = 0.4330127 (biased); 1/√3 = 0.5773503 for the first, Bessel-corrected.
    close(advantages('group-std'), [1, -1, -1, 1, 0.5773503, 0.5773503, 0.5773503, -1.7320508]);
    close(advantages('group-std', 'unbiased').slice(0, 4), [0.8660254, -0.8660254, -0.8660254, 0.8660254]);
    // Batch std around 5/8: √(0.625·0.375) = 0.4841229; numerators around each group's mean.
    close(advantages('batch-std'), [1.0327956, -1.0327956, -1.0327956, 1.0327956, 0.5163978, 0.5163978, 0.5163978, -1.5491933]);
    // Leave-one-out baselines: 1/3, 2/3, 2/3, 1/3 and 2/3, 2/3, 2/3, 1.
    close(advantages('rloo'), [2 / 3, -2 / 3, -2 / 3, 2 / 3, 1 / 3, 1 / 3, 1 / 3, -1]);
    close(advantages('oracle'), [0.7, -0.3, -0.3, 0.7, 0.2, 0.2, 0.2, -0.8]);
  });

  it('are f32 values, and rloo refuses a group of one', () => {
    for (const a of ADVANTAGES) for (const v of advantages(a)) expect(Math.fround(v)).toBe(v);
    expect(() => batchAdvantages({ advantage: 'rloo', std: 'biased', epsilon: 0 }, new Float32Array(2), 2, 1, () => 0, new Float32Array(2))).toThrow(
      /rloo needs G ≥ 2/,
    );
  });

  it('scales tokens as aggregation-scale.ts for seq-sum and constant-no-batch, and by f32(1/(B·G·m)) (within an ulp of it) for the rest', () => {
    for (const [B, G, m] of [
      [2, 4, 2],
      [1, 3, 3],
      [4, 8, 4],
    ]) {
      for (const aggregation of AGGREGATIONS) {
        const scale = transformerTokenScale({ aggregation, G }, B, m);
        const shared = sampleScale({ aggregation, B, G, eos: false }, m);
        if (aggregation === 'seq-sum' || aggregation === 'constant-no-batch') expect(scale).toBe(shared);
        else {
          expect(scale).toBe(Math.fround(1 / (B * G * m)));
          expect(Math.abs(scale - shared) / scale).toBeLessThan(2.4e-7);
        }
      }
    }
  });
});

describe('every advantage and aggregation in the transformer loop', () => {
  const shape = { V: 4, d: 16, T: 4, layers: 1, heads: 2 };
  const set = makeTaskSet({ task: 'copy', V: 4, promptLength: 2, N: 8, heldOutPrompts: 0 }, 3, 0);
  const model = transformerModel(shape, F32);
  const twin = new TransformerTwin(model);
  const theta0 = initialParameters(model.layout, 3, 0);
  supervisedWarmStart(twin, theta0, set, { J0: 0.3, sftLearningRate: 0.01, sftMaxSteps: 400 });
  const loop: TransformerLoopParams = { ...DEFAULT_RUN, G: 4, B: 2, iterations: 1, recordEvery: 1, stepSize: 0.05, seed: 4, run: 1 };
  const first = (q: Partial<TransformerLoopParams>) => trainTransformerGrpo(twin, theta0.slice(), set, { ...loop, ...q }).deltaNorm[1];

  it('scales the first SGD step as the aggregation says (B·G = 8, m = 2; θ + ηw rounds, so to 1e-4)', () => {
    for (const advantage of ADVANTAGES) {
      const seqSum = first({ advantage, aggregation: 'seq-sum' }); // 1/8
      expect(seqSum).toBeGreaterThan(0);
      expect(first({ advantage, aggregation: 'constant-no-batch' }) / seqSum).toBeCloseTo(4, 4); // 1/2
      for (const aggregation of ['seq-mean-token-mean', 'token-mean', 'constant'] as const)
        expect(first({ advantage, aggregation }) / seqSum).toBeCloseTo(0.5, 4); // 1/16
    }
  });

  it('takes batch-std as group-std when the batch is one group, bit for bit', () => {
    const one = { B: 1, iterations: 3 };
    expect(trainTransformerGrpo(twin, theta0.slice(), set, { ...loop, ...one, advantage: 'batch-std' })).toEqual(
      trainTransformerGrpo(twin, theta0.slice(), set, { ...loop, ...one, advantage: 'group-std' }),
    );
  });

  it('clips ‖w‖ at maxGradNorm before an SGD step', () => {
    const free = first({ advantage: 'none', stepSize: 1 });
    const clipped = first({ advantage: 'none', stepSize: 1, maxGradNorm: free / 10 });
    expect(clipped / (free / 10)).toBeCloseTo(1, 5);
  });
});
