/**
 * Theory curves of a theory cell, computed once per (spec, config): a theory cell and the plots
 * that draw its curves share the result. Computed from the spec alone (no results needed).
 *
 * @example
 *   const { curves, reason } = theoryForCell(sweepConfig, theoryConfig, 'GRPO');
 */
import { canonicalJson } from '../engine/spec-hash.ts';
import { sweepSpecOf, type SweepCellConfig, type TheoryCellConfig } from '../notebook/cell-config.ts';
import { theoryCurvesFor, type TheoryCurve } from '../plots/overlays.ts';

export interface TheoryResult {
  curves: TheoryCurve[];
  reason?: string; // why there are no curves
  ms: number; // time to compute, shown in the cell
}

const memo = new Map<string, TheoryResult>();

export function theoryForCell(sweep: SweepCellConfig, theory: TheoryCellConfig, sweepLabel = ''): TheoryResult {
  const spec = sweepSpecOf(sweep);
  const key = canonicalJson({ spec, theory, sweepLabel });
  let hit = memo.get(key);
  if (!hit) {
    const t = performance.now();
    const { curves, reason } = theoryCurvesFor(spec, { y: theory.y ?? null, curves: theory.curves, instances: theory.instances, sweep: sweepLabel });
    hit = { curves, reason, ms: performance.now() - t };
    if (memo.size > 64) memo.clear();
    memo.set(key, hit);
  }
  return hit;
}
