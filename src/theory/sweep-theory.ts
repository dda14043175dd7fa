/**
 * The theory curves a theory cell gives its sweep, whatever the sweep's policy: the one place that
 * chooses. A log-linear sweep's curves come from its spec alone (theoryCurvesFor, at θ0 from the
 * seed instances); a transformer sweep's one-step threshold is taken per run at θ after its SFT
 * warm start, which only the engine holds, so it comes from the sweep's results (each run's
 * `oneStepThreshold`, summarized by transformerThresholdCurves) and waits for them.
 *
 * @example
 *   const { curves, reason } = sweepTheoryCurves(spec, { y: 'J0', sweep: 'GRPO' }, state.summary);
 */
import { isTransformer, withDefaults, type GridKey, type SweepSpecInput } from '../engine/index.ts';
import type { SweepSummary } from '../results/index.ts';
import { theoryCurvesFor, type TheoryCurves, type TheoryCurvesOptions } from './plot-theory.ts';
import { transformerThresholdCurves } from './transformer-threshold.ts';

/** What a transformer sweep's theory cell says before its sweep has results (not an error: the prediction is made per run). */
export const TRANSFORMER_THEORY_WAITS =
  'a transformer sweep’s one-step threshold comes from its results (each run’s, at θ after its warm start): it is drawn once the sweep has run';

/**
 * The curves of a theory cell over `spec`; `results`: the sweep's summary, if any (only a transformer
 * sweep reads it). Never throws on a transformer sweep's input: a reason instead, as theoryCurvesFor.
 */
export function sweepTheoryCurves(spec: SweepSpecInput, options: TheoryCurvesOptions, results?: Pick<SweepSummary, 'spec' | 'oneStepThreshold'>): TheoryCurves {
  if (!isTransformer(withDefaults(spec).base)) return theoryCurvesFor(spec, options);
  const wanted = options.curves ?? ['one-step'];
  if (!wanted.includes('one-step'))
    return { curves: [], reason: `a transformer sweep has the one-step threshold only; this theory cell asks for ${wanted.join(', ')}`, fromResults: true };
  if (!results?.oneStepThreshold || !isTransformer(withDefaults(results.spec).base)) return { curves: [], reason: TRANSFORMER_THEORY_WAITS, fromResults: true };
  try {
    // The results' own spec: run indices are theirs (results shown may be of an earlier spec than the cell's).
    const y = (options.y ?? undefined) as GridKey | undefined;
    return { ...transformerThresholdCurves(results.spec, results.oneStepThreshold, { y, sweep: options.sweep }), fromResults: true };
  } catch (error) {
    return { curves: [], reason: (error as Error).message, fromResults: true };
  }
}
