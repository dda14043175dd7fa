import { describe, expect, it } from 'vitest';
import { F32, initialParameters, makeTaskSet, TransformerTwin, transformerModel } from '../model/index.ts';
import { DEFAULT_RUN } from '../spec/index.ts';
import { TODAY_RUNS, TODAY_THETA0_HASH } from './transformer-loop-fixture.ts';
import { trainTransformerGrpo, type TransformerLoopParams } from './transformer-grpo.ts';
import { supervisedWarmStart } from './transformer-sft.ts';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (x) => x.toString(16).padStart(8, '0'));

/** FNV-1a of an array's bytes. */
function hash(a: Float32Array): string {
  let h = 0x811c9dc5;
  for (const byte of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16);
}

describe('the one-step transformer loop keeps the draws and rounding it had before every option', () => {
  const shape = { V: 4, d: 16, T: 4, layers: 1, heads: 2 };
  const set = makeTaskSet({ task: 'copy', V: 4, promptLength: 2, N: 8, heldOutPrompts: 4 }, 3, 0);
  const model = transformerModel(shape, F32);
  const twin = new TransformerTwin(model);
  const theta0 = initialParameters(model.layout, 3, 0);
  supervisedWarmStart(twin, theta0, set, { J0: 0.3, sftLearningRate: 0.01, sftMaxSteps: 400 });

  it('reproduces the saved J, held-out J, ‖Δθ‖, mean reward and final θ of four configurations bit for bit', () => {
    expect(hash(theta0)).toBe(TODAY_THETA0_HASH);
    for (const run of TODAY_RUNS) {
      const theta = theta0.slice();
      const p = { ...DEFAULT_RUN, ...run.config, G: 4, B: 3, iterations: 5, recordEvery: 1, seed: 11, run: 2 } as TransformerLoopParams;
      const out = trainTransformerGrpo(twin, theta, set, p);
      expect(bits(out.J)).toEqual(run.J);
      expect(bits(out.heldOutJ)).toEqual(run.heldOutJ);
      expect(bits(out.deltaNorm)).toEqual(run.deltaNorm);
      expect(bits(out.meanReward)).toEqual(run.meanReward);
      expect(hash(theta)).toBe(run.theta);
    }
  });
});
