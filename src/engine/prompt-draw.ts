/**
 * The prompts of one step (SPEC 1.8), as a data loader draws them: B distinct prompts of `count`,
 * by a partial Fisher–Yates shuffle whose g-th swap reads the Philox word at counter
 * (run, step, g, PROMPT_DRAW) of the training stream. The kernel (sequence.wgsl, `drawPrompts`)
 * does the same swaps; the index is floor(f32(u·(count − g))), a correctly rounded f32 product in
 * WGSL, so the two agree bit for bit.
 */
import { PROMPT_DRAW, STREAM_TRAINING, philoxWord0, uniformFromBits } from '../rng/index.ts';

/**
 * Fills `prompts[0..B)` with B distinct prompts of `count` (all of them in order when B = count);
 * `order` is scratch of at least `count` entries.
 */
export function drawPrompts(prompts: Int32Array, B: number, count: number, order: Int32Array, seed: number, run: number, step: number): void {
  if (B === count) {
    for (let g = 0; g < B; g++) prompts[g] = g;
    return;
  }
  for (let q = 0; q < count; q++) order[q] = q;
  for (let g = 0; g < B; g++) {
    const rest = count - g;
    const u = uniformFromBits(philoxWord0(run, step, g, PROMPT_DRAW, seed, STREAM_TRAINING));
    const pick = g + Math.min(Math.floor(Math.fround(u * rest)), rest - 1);
    const chosen = order[pick];
    order[pick] = order[g];
    order[g] = chosen;
    prompts[g] = chosen;
  }
}
