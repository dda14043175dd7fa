/**
 * The PPO loop's fields (SPEC 1.9): their ranges, the problems that show once a cell's fields are
 * combined (mini-batches of whole prompt groups; exact mode has no expected update for the loop),
 * and the grid axes that cannot act. validate.ts reads these beside its own tables.
 */
import { intIn, oneOf, realIn, type Check } from './field-checks.ts';
import { KL_ESTIMATORS, type GridKey, type RunParams } from './spec.ts';

/** The PPO loop's limits (SPEC 1.9): passes over one batch (verl `ppo_epochs`), the clip ranges, c and β. */
export const PPO_LIMITS = Object.freeze({ ppoEpochs: [1, 64], clipLow: 1, clipHigh: 10, dualClip: 100, klCoef: 1000 });

/** The loop's field checks, for validate.ts's table; `limitB` is B's range (M ≤ B). */
export function ppoFieldChecks(
  limitB: readonly number[],
): Pick<Record<keyof RunParams, Check>, 'ppoEpochs' | 'miniBatches' | 'clipLow' | 'clipHigh' | 'dualClip' | 'klCoef' | 'klEstimator'> {
  return {
    ppoEpochs: intIn(PPO_LIMITS.ppoEpochs[0], PPO_LIMITS.ppoEpochs[1]),
    miniBatches: intIn(limitB[0], limitB[1]),
    clipLow: realIn(0, PPO_LIMITS.clipLow, 'left-open'),
    clipHigh: realIn(0, PPO_LIMITS.clipHigh, 'left-open'),
    dualClip: (v) =>
      v === null
        ? null
        : realIn(1, PPO_LIMITS.dualClip, 'left-open')(v) &&
          `must be null (no dual clip) or a number in (1, ${PPO_LIMITS.dualClip}] (verl clip_ratio_c, 3 in its examples)`,
    klCoef: realIn(0, PPO_LIMITS.klCoef, 'closed'),
    klEstimator: oneOf(KL_ESTIMATORS),
  };
}

/** One cell's PPO-loop problems: mini-batches split whole prompt groups; exact mode has no expected update for the loop. */
export function ppoIssues(p: RunParams, out: { key: keyof RunParams; message: string }[]): void {
  if (p.miniBatches > p.B)
    out.push({ key: 'miniBatches', message: `miniBatches = ${p.miniBatches}, but a step draws B = ${p.B} prompt groups: must be in [1, B = ${p.B}]` });
  else if (p.B % p.miniBatches !== 0)
    out.push({
      key: 'miniBatches',
      message: `miniBatches = ${p.miniBatches} does not divide B = ${p.B}: each mini-batch is B/M whole prompt groups, so M must divide B`,
    });
  if (p.mode === 'exact') {
    const named: [keyof RunParams, boolean, string][] = [
      ['ppoEpochs', p.ppoEpochs > 1, `ppoEpochs = ${p.ppoEpochs}`],
      ['miniBatches', p.miniBatches > 1, `miniBatches = ${p.miniBatches}`],
      ['klCoef', p.klCoef > 0, `klCoef = ${p.klCoef}`],
    ];
    for (const [key, bad, text] of named)
      if (bad)
        out.push({
          key,
          message: `${text} in mode "exact": the expected update exists here only for one on-policy step without KL (ppoEpochs = miniBatches = 1, klCoef = 0); use mode "sampled"`,
        });
  }
}

/** A PPO field swept where it cannot act: the clip needs a second update on a batch (μ·M > 1), the estimator a β > 0. */
export function ppoInertAxis(base: Record<string, unknown>, grid: Record<string, unknown>, key: GridKey): string | null {
  const swept = (k: string) => Object.hasOwn(grid, k);
  const onPolicy = base.ppoEpochs === 1 && base.miniBatches === 1 && !swept('ppoEpochs') && !swept('miniBatches');
  if ((key === 'clipLow' || key === 'clipHigh' || key === 'dualClip') && onPolicy)
    return `${key} acts only from a batch's second update, and ppoEpochs = miniBatches = 1 takes one (the ratio is always 1)`;
  if (key === 'klEstimator' && base.klCoef === 0 && !swept('klCoef')) return 'klEstimator is read only with klCoef > 0';
  return null;
}
