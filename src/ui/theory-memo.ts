/**
 * What the page computes once and shares between cells: the theory curves of a theory cell, per
 * (spec, config), which the cell lists and the plots naming it draw (from the spec alone, no
 * results needed); and the empirical thresholds of each results summary, which every plot of
 * that sweep draws. Both are computed by src/theory.
 *
 * @example
 *   const { curves, reason } = theoryForCell(sweepConfig, theoryConfig, 'GRPO');
 *   const { rows } = thresholdsOf(summary);
 */
import { canonicalJson } from '../engine/index.ts';
import { sweepSpecOf, type SweepCellConfig, type TheoryCellConfig } from '../notebook/index.ts';
import type { SweepSummary } from '../results/index.ts';
import { empiricalThresholds, theoryCurvesFor, type EmpiricalThresholds, type TheoryCurve } from '../theory/index.ts';

export interface TheoryResult {
  curves: TheoryCurve[];
  reason?: string; // why there are no curves
  note?: string; // what the curves are of, where that is not the paper's one prompt (many prompts: the mixture's)
  ms: number; // time to compute, shown in the cell
}

const memo = new Map<string, TheoryResult>();

export function theoryForCell(sweep: SweepCellConfig, theory: TheoryCellConfig, sweepLabel = ''): TheoryResult {
  const spec = sweepSpecOf(sweep);
  const key = canonicalJson({ spec, theory, sweepLabel });
  let hit = memo.get(key);
  if (!hit) {
    const t = performance.now();
    const { curves, reason, note } = theoryCurvesFor(spec, { y: theory.y ?? null, curves: theory.curves, instances: theory.instances, sweep: sweepLabel });
    hit = { curves, reason, note, ms: performance.now() - t };
    if (memo.size > 64) memo.clear();
    memo.set(key, hit);
  }
  return hit;
}

/** A summary is never changed once made, so its thresholds (a bootstrap over seeds) are computed once. */
const thresholds = new WeakMap<SweepSummary, EmpiricalThresholds>();

export function thresholdsOf(summary: SweepSummary): EmpiricalThresholds {
  let hit = thresholds.get(summary);
  if (!hit) thresholds.set(summary, (hit = empiricalThresholds(summary)));
  return hit;
}
