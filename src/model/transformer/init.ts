/**
 * A run's initial parameters (SPEC 1.10, GPT-2): every matrix N(0, 0.02²), W_o and the MLP's
 * second matrix N(0, (0.02/√(2·layers))²). Drawn from Philox in the transformer stream with
 * counter (seedIndex, TAG_INIT, pair, 0), two normals per block (Box–Muller on its words), so
 * that a run's θ0 is a pure function of (seed, seed index, shape) and paired across cells.
 *
 * @example
 *   const theta0 = initialParameters(transformerLayout(shape), spec.seed, seedIndex);
 */
import { normalFromBits, philox4x32, STREAM_TRANSFORMER } from '../../rng/index.ts';
import type { TransformerLayout } from './layout.ts';

/** Counter word 1 of the transformer stream: the initial parameters. */
export const TAG_INIT = 1;

/** θ0 of seed index `seedIndex`, one f32 per parameter in the layout's order. */
export function initialParameters(layout: TransformerLayout, seed: number, seedIndex: number): Float32Array {
  const theta = new Float32Array(layout.size);
  for (const block of layout.blocks) {
    const end = block.offset + block.rows * block.cols;
    for (let i = block.offset; i < end; i++) {
      // Pair i>>1 of the whole array gives elements 2k and 2k+1, whichever blocks they sit in.
      const [x0, x1, x2, x3] = philox4x32([seedIndex, TAG_INIT, i >>> 1, 0], [seed, STREAM_TRANSFORMER]);
      const z = (i & 1) === 0 ? normalFromBits(x0, x1) : normalFromBits(x2, x3);
      theta[i] = z * block.initStd;
    }
  }
  return theta;
}
