/**
 * What the page computes once and shares between cells: the theory curves of a theory cell, per
 * (spec, config), which the cell lists and the plots naming it draw (from the spec alone, no
 * results needed; a transformer sweep's from its results' per-run thresholds, per summary); and the empirical thresholds of each results summary, which every plot of
 * that sweep draws. Both are computed by src/theory.
 *
 * @example
 *   const { curves, reason } = theoryForCell(sweepConfig, theoryConfig, 'GRPO');
 *   const { rows } = thresholdsOf(summary);
 */
import { canonicalJson } from '../engine/index.ts';
import { sweepSpecOf, type SweepCellConfig, type TheoryCellConfig } from '../notebook/index.ts';
import type { SweepSummary } from '../results/index.ts';
import { empiricalThresholds, sweepTheoryCurves, type EmpiricalThresholds, type TheoryCurve } from '../theory/index.ts';

export interface TheoryResult {
  curves: TheoryCurve[];
  reason?: string; // why there are no curves
  note?: string; // what the curves are of, where that is not the paper's one prompt (many prompts: the mixture's)
  fromResults?: boolean; // from the sweep's results (a transformer sweep's per-run thresholds), not its spec alone
  ms: number; // time to compute, shown in the cell
}

const memo = new Map<string, TheoryResult>();
/** A transformer sweep's curves depend on its results too: memoized per summary (never changed once made). */
const fromResults = new WeakMap<SweepSummary, Map<string, TheoryResult>>();

/** `results`: the summary the sweep shows, if any (a transformer sweep's curves come from it). */
export function theoryForCell(sweep: SweepCellConfig, theory: TheoryCellConfig, sweepLabel = '', results?: SweepSummary): TheoryResult {
  const spec = sweepSpecOf(sweep);
  const key = canonicalJson({ spec, theory, sweepLabel });
  const transformer = spec.base?.policy === 'transformer';
  let table = memo;
  if (transformer && results) {
    if (!fromResults.has(results)) fromResults.set(results, new Map());
    table = fromResults.get(results)!;
  }
  const memoKey = transformer && !results ? `${key}|no results` : key;
  let hit = table.get(memoKey);
  if (!hit) {
    const t = performance.now();
    const options = { y: theory.y ?? null, curves: theory.curves, instances: theory.instances, sweep: sweepLabel };
    const { curves, reason, note, fromResults } = sweepTheoryCurves(spec, options, results);
    hit = { curves, reason, note, ...(fromResults ? { fromResults } : {}), ms: performance.now() - t };
    if (table.size > 64) table.clear();
    table.set(memoKey, hit);
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
