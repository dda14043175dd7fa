/** The aggregation's scale on one response's summed token score (SPEC 1.3, 1.7), as the twin and the kernel's host round it. */
import type { RunParams } from '../spec/index.ts';
import { aggregationLengthScale, perLengthAggregation } from '../spec/index.ts';

const f32 = Math.fround;

/**
 * The factor on a response's summed token score that does not depend on its length: f32(1/(B·G))
 * times the aggregation's length scale at L, as the twin and the kernel's host round it
 * (constant-no-batch: f32(1/L), no division by the batch).
 */
export function sampleScale(p: Pick<RunParams, 'aggregation' | 'B' | 'G' | 'eos'>, L: number): number {
  if (p.aggregation === 'constant-no-batch') return f32(1 / L);
  if (p.eos && perLengthAggregation(p.aggregation)) return f32(1 / (p.B * p.G)); // the length part is per response (responseScale)
  return f32(f32(1 / (p.B * p.G)) * f32(aggregationLengthScale(p.aggregation, L)));
}

/**
 * With EOS, the aggregation's factor for one response of length `length` (SPEC 1.7): seq-sum,
 * constant and constant-no-batch keep `scale`; seq-mean-token-mean (TRL grpo) divides the batch mean
 * by |o_j|; token-mean (DAPO) divides by the batch's tokens Σ|o| instead of B·G. `scale` is then
 * f32(1/(B·G)) (their length scale at L is replaced).
 */
export function responseScale(aggregation: RunParams['aggregation'], scale: number, length: number, tokens: number): number {
  if (aggregation === 'seq-mean-token-mean') return f32(scale / length);
  if (aggregation === 'token-mean') return f32(1 / tokens);
  return scale;
}
