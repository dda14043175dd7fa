/**
 * A transformer run's predicted one-step threshold (SPEC 1.4, 1.10), the per-run output
 * `oneStepThreshold`: the model's line search along the exact expected update, at θ after the
 * run's SFT warm start, with the engine's c(J). It lives in the engine because the engine holds
 * that θ (runTransformer computes it there); the theory layer only summarizes the values
 * (src/theory/transformer-threshold.ts).
 *
 * Encoding: the threshold η* (raw η); +∞ when one expected step raises J at every η up to 1e6; 0
 * when it does not raise J at all; NaN when there is no prediction (the warm start did not reach
 * J0, or the loop is not one on-policy plain SGD step: PPO, β > 0, batch-std over B > 1, Adam,
 * clipping, a schedule, weight decay).
 *
 * @example
 *   const eta = runOneStepThreshold(twin, theta, set, cell.params, { relativeTolerance: 1e-3 });
 */
import {
  expectedUpdateRefusal,
  transformerOneStepThreshold,
  type Numbers,
  type TaskSet,
  type ThresholdSearchOptions,
  type TransformerTwin,
  type TransformerUpdateParams,
} from '../model/index.ts';
import { isPlainSgd, type RunParams } from '../spec/index.ts';
import { expectedAdvantageFactor } from './expected-advantage.ts';

/** The run parameters the expected update reads. */
export type TransformerRunUpdate = Pick<RunParams, 'advantage' | 'aggregation' | 'G' | 'B' | 'epsilon' | 'std'> &
  Partial<Pick<RunParams, 'ppoEpochs' | 'miniBatches' | 'klCoef' | 'eos'>>;

/** The fields that make a step other than plain SGD (SPEC 1.6). */
export type OptimizerFields = Partial<Pick<RunParams, 'optimizer' | 'maxGradNorm' | 'warmupSteps' | 'schedule' | 'weightDecay'>>;

/**
 * The search's bracket width a sweep's per-run value is taken to: 1e-3 (the model's default 1e-6
 * costs ~10 more J evaluations per run for digits an f32 output and a median over seeds do not keep).
 */
export const RUN_THRESHOLD_TOLERANCE = 1e-3;

/** A run's update parameters with the engine's c(J) (expected-advantage.ts), for the model's functions. */
export function transformerUpdateParams(p: TransformerRunUpdate): TransformerUpdateParams {
  return {
    advantage: p.advantage,
    aggregation: p.aggregation,
    G: p.G,
    B: p.B,
    epsilon: p.epsilon,
    std: p.std,
    ppoEpochs: p.ppoEpochs,
    miniBatches: p.miniBatches,
    klCoef: p.klCoef,
    advantageFactor: expectedAdvantageFactor,
  };
}

/** Whether a run's step is plain SGD θ ← θ + η·D (fields absent take their defaults). */
export function plainSgdStep(p: OptimizerFields): boolean {
  return isPlainSgd({ optimizer: 'sgd', maxGradNorm: null, warmupSteps: 0, schedule: 'constant', weightDecay: 0, ...p } as RunParams);
}

/** Whether a run has a one-step prediction at all (cheap: no J is evaluated). */
export function hasOneStepPrediction(p: TransformerRunUpdate & OptimizerFields): boolean {
  // The expected update is written for the task's fixed-length responses: with EOS the response's
  // length is random and the aggregations weigh it (SPEC 1.7), which expected-update.ts does not.
  return plainSgdStep(p) && !p.eos && expectedUpdateRefusal(transformerUpdateParams(p)) === null;
}

/**
 * One run's `oneStepThreshold` value (the encoding above) from its θ after the warm start; NaN,
 * at once, where there is no prediction. The search is the model's (scanToMax off: a per-run value
 * needs no recovery scan).
 */
export function runOneStepThreshold(
  twin: TransformerTwin,
  theta: Numbers,
  set: TaskSet,
  p: TransformerRunUpdate & OptimizerFields,
  options: ThresholdSearchOptions = {},
): number {
  if (!hasOneStepPrediction(p)) return NaN;
  return transformerOneStepThreshold(twin, theta, set, transformerUpdateParams(p), { scanToMax: false, ...options }).stepSize;
}
