/**
 * Pins the twin's results bit for bit, so that speed work on ops/forward/kv-cache/backward can be
 * shown to change no result: SHA-256 digests of the bytes of (1) log π and gradients of a batch of
 * responses in f32 and in float64, (2) the KV cache's log π and sampled tokens, and (3) θ after a
 * few SFT and GRPO steps of W3's shape (scripts/w3-workload.json). The expected digests were
 * computed with the twin as it was BEFORE any speed edit (commit 4cdb78d), so a faster twin must
 * reproduce exactly these bytes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { trainTransformerGrpo } from '../../engine/transformer-grpo.ts';
import { supervisedWarmStart } from '../../engine/transformer-sft.ts';
import { DEFAULT_RUN } from '../../spec/index.ts';
import { transformerModel } from './forward.ts';
import { KvCache, sampleFromLogProbs } from './kv-cache.ts';
import { initialParameters } from './init.ts';
import { F32, F64, type Precision } from './precision.ts';
import { makeTaskSet } from './tasks.ts';
import { responseBatch, scaledParameters, SHAPE } from './test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

const sha256 = (...arrays: ArrayBufferView[]) => {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
};

/** log π per token and the accumulated gradient of 12 weighted responses on the scaled test model. */
function gradientBytes(precision: Precision, shape = SHAPE, gain = 20): [Float64Array, ArrayBufferView] {
  const model = transformerModel(shape, precision);
  const twin = new TransformerTwin(model);
  const theta32 = scaledParameters(shape, gain);
  const theta = precision.array(theta32.length);
  theta.set(theta32);
  const grad = precision.array(theta.length);
  const k = 3;
  const m = shape.T - k;
  const perToken = precision.array(m);
  const values: number[] = [];
  for (const { prompt, response, weights } of responseBatch(shape.V, k, m, 12)) {
    values.push(twin.addGradient(theta, prompt, response, weights, grad, perToken));
    values.push(...perToken);
    values.push(twin.responseLogProb(theta, prompt, response));
  }
  return [Float64Array.from(values), grad];
}

describe('the twin pinned bit for bit (digests of the code before the speed work)', () => {
  it('log π and gradients of a batch, f32 and float64, two shapes', () => {
    expect(sha256(...gradientBytes(F32))).toBe('1d8dfd566b54e6c6f29a87795f7f30ab3b52b493813686d0e2baa138bb084a2f');
    expect(sha256(...gradientBytes(F64))).toBe('8e746aeb007ebf9857043f7ddf311a6b5b9abf84271c73b5128942422e997e32');
    const w3 = { V: 16, d: 16, T: 8, layers: 1, heads: 2 };
    expect(sha256(...gradientBytes(F32, w3, 30))).toBe('4598d0822098d1241a598a8bfe05febe640ed7cf4fdad7846597ff6856ed967f');
  });

  it('the KV cache: log π at every position and the tokens it samples', () => {
    const model = transformerModel(SHAPE, F32);
    const theta = scaledParameters(SHAPE, 20, 1);
    const cache = new KvCache(model);
    const logps: number[] = [];
    const tokens: number[] = [];
    for (let j = 0; j < 16; j++) {
      cache.reset();
      let token = j % SHAPE.V;
      for (let p = 0; p < SHAPE.T; p++) {
        cache.push(theta, token);
        logps.push(...cache.logp);
        token = sampleFromLogProbs(cache.logp, SHAPE.V, ((j * 7 + p * 3) % 16) / 16, Math.fround);
        tokens.push(token);
      }
    }
    expect(sha256(Float32Array.from(logps), Int32Array.from(tokens))).toBe('81ee69b963d37288478f0b20b3485bc3cc061af314e8b6f99b16591bc5c2e4ab');
  });

  it('θ after SFT and GRPO steps on W3 shape', () => {
    const w = { V: 16, d: 16, layers: 1, heads: 2, promptLength: 4, N: 16, B: 4, G: 8 };
    const model = transformerModel({ V: w.V, d: w.d, T: 8, layers: w.layers, heads: w.heads }, F32);
    const twin = new TransformerTwin(model);
    const thetas: Float32Array[] = [];
    const Js: number[] = [];
    for (let run = 0; run < 2; run++) {
      const set = makeTaskSet({ task: 'copy', V: w.V, promptLength: w.promptLength, N: w.N, heldOutPrompts: 4 }, 1, run);
      const theta = initialParameters(model.layout, 1, run);
      // J0 1 is never reached in 40 steps: exactly 40 Adam steps.
      const sft = supervisedWarmStart(twin, theta, set, { J0: 1, sftLearningRate: 0.03, sftMaxSteps: 40 });
      Js.push(sft.J, sft.steps);
      thetas.push(theta.slice());
      const out = trainTransformerGrpo(twin, theta, set, {
        ...DEFAULT_RUN,
        G: w.G,
        B: w.B,
        iterations: 6,
        recordEvery: 2,
        stepSize: 0.05,
        advantage: 'group-std',
        aggregation: 'seq-sum',
        epsilon: 1e-4,
        seed: 1,
        run,
      });
      Js.push(...out.J, ...out.heldOutJ, ...out.deltaNorm, ...out.meanReward);
      // Not a vacuous pin: some sampled response was rewarded, so GRPO moved θ.
      expect(Math.max(...out.meanReward.slice(1))).toBeGreaterThan(0);
      expect(Math.max(...out.deltaNorm)).toBeGreaterThan(0);
      thetas.push(theta);
    }
    expect(sha256(...thetas, Float64Array.from(Js))).toBe('67d9004b2fc20b0a806dc349bded89ccf4736f304cc6fd2a548627f2f2df49eb');
  });
});
