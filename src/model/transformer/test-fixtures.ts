/**
 * Shared inputs of the transformer twin's tests: a small shape, parameters scaled up from GPT-2's
 * initialization (0.02 leaves attention nearly uniform and the MLP nearly linear, so scaled
 * parameters exercise every nonlinearity), and a batch of responses with weights of both signs.
 */
import { normalFromBits, philox4x32 } from '../../rng/index.ts';
import { initialParameters } from './init.ts';
import { transformerLayout, type TransformerShape } from './layout.ts';

export const SHAPE: TransformerShape = { V: 5, d: 8, T: 6, layers: 2, heads: 2 };

/** GPT-2 θ0 of the shape times `gain`. */
export function scaledParameters(shape: TransformerShape, gain: number, seedIndex = 0): Float32Array {
  const theta = initialParameters(transformerLayout(shape), 1234, seedIndex);
  for (let i = 0; i < theta.length; i++) theta[i] *= gain;
  return theta;
}

export interface ScoredResponse {
  prompt: number[];
  response: number[];
  weights: number[];
}

/** `count` seeded prompts of k tokens with responses of m tokens and weights in (−1, 1). */
export function responseBatch(V: number, k: number, m: number, count: number, seed = 5): ScoredResponse[] {
  const out: ScoredResponse[] = [];
  for (let j = 0; j < count; j++) {
    const words = Array.from({ length: k + 2 * m }, (_, i) => philox4x32([j, i, 0, 0], [seed, 99])[0]);
    out.push({
      prompt: words.slice(0, k).map((w) => w % V),
      response: words.slice(k, k + m).map((w) => w % V),
      weights: words.slice(k + m).map((w, i) => normalFromBits(w, words[i]) / 2),
    });
  }
  return out;
}
