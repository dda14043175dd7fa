/**
 * The transformer's predicted one-step threshold over a sweep (SPEC 1.4, 1.10), as a theory curve
 * on the η × J0 phase diagram. Unlike the log-linear curve (theory-curves.ts, computed at θ0 from
 * the seed instances), the prediction is per run: it is taken at the run's θ after its SFT warm
 * start, which the engine holds, so the engine records it per run (`oneStepThreshold`, computed
 * with the engine's `runOneStepThreshold`, src/engine/transformer-threshold.ts) and this file only
 * summarizes it: per cell the median over seeds with a band (quartiles by default), drawn like
 * the log-linear one-step curve (same name, so the same style).
 *
 * Encoding of a run's value: the threshold η* (raw η); +∞ when one expected step raises J at every
 * η up to 1e6; 0 when it does not raise J at all; NaN when there is no prediction (the warm start
 * did not reach J0, θ diverged, the loop is not one on-policy SGD step).
 *
 * Where it does not apply, it says so rather than draw: optimizers other than plain SGD (and
 * clipping, schedules, weight decay) get "SGD only" (SPEC 1.6, as today's overlays); the PPO loop
 * (ppoEpochs·miniBatches > 1) and a KL penalty (klCoef > 0) have no one-step prediction (SPEC 1.9).
 *
 * @example
 *   const { curves, reason } = transformerThresholdCurves(spec, results.runs.oneStepThreshold, { sweep: 'GRPO' });
 *   phaseDiagram(rows, { theory: curves }); // points carry stepSize/effectiveStepSize and the band low/high
 */
import {
  effectiveStepSize,
  expandGrid,
  plainSgdStep,
  transformerUpdateParams,
  taskResponseLength,
  withDefaults,
  TRANSFORMER_DEFAULTS,
  type Cell,
  type GridKey,
  type RunParams,
  type SweepSpecInput,
} from '../engine/index.ts';
import { expectedUpdateRefusal } from '../model/index.ts';
import type { TheoryCurve, TheoryCurves } from './plot-theory.ts';
import { median } from './theory-curves.ts';
import { TheoryInputError } from './theory-input.ts';

// A run's value is the engine's (it holds θ after the warm start); re-exported for the theory's callers.
export { runOneStepThreshold, transformerUpdateParams, type TransformerRunUpdate } from '../engine/index.ts';

/** The per-run output this overlay reads (RUN_OUTPUTS, written by runTransformer). */
export const ONE_STEP_OUTPUT = 'oneStepThreshold';

export const TRANSFORMER_THRESHOLD_LABEL = 'exact one-step threshold after the SFT warm start (median over seeds, band: quartiles)';

/** A point of the curve: the median and its band over seeds, raw and effective. */
export interface TransformerThresholdPoint {
  sweep: string;
  facet: string;
  y: number;
  stepSize: number; // median η*
  effectiveStepSize: number;
  low: number | null; // band's lower quantile (raw η); null when 0 (no rise)
  high: number | null; // band's upper quantile; null when +∞ (no threshold below 1e6)
  lowEffective: number | null;
  highEffective: number | null;
  seeds: number; // seeds with a prediction
  found: number; // of them, with a finite positive η*
}

export interface TransformerThresholdCurve extends TheoryCurve {
  points: TransformerThresholdPoint[];
}

export interface TransformerThresholdOptions {
  y?: GridKey; // the phase diagram's y (default J0)
  sweep?: string; // sweep label the points carry
  band?: [number, number]; // quantiles of the band over seeds (default [0.25, 0.75])
}

/** Why a cell has no one-step prediction, or null. */
function cellReason(p: RunParams): string | null {
  if (!plainSgdStep(p)) {
    const what = p.optimizer !== 'sgd' ? `optimizer ${p.optimizer}` : p.maxGradNorm !== null ? 'gradient clipping' : 'a schedule or weight decay';
    return `SGD only: the one-step threshold is derived for plain SGD steps θ ← θ + η·D; this cell uses ${what}`;
  }
  const refusal = expectedUpdateRefusal(transformerUpdateParams(p));
  if (refusal) {
    const ppo = refusal.field === 'ppoEpochs' || refusal.field === 'miniBatches' || refusal.field === 'klCoef';
    return ppo ? `no one-step prediction for the PPO loop (μ·M > 1 or β > 0): ${refusal.message}` : `no one-step prediction: ${refusal.message}`;
  }
  return null;
}

/** Quantile q of sorted values (linear between order statistics; ∞ stays ∞). */
function quantile(sorted: number[], q: number): number {
  const at = q * (sorted.length - 1);
  const i = Math.floor(at);
  const f = at - i;
  if (f === 0) return sorted[i];
  const [a, b] = [sorted[i], sorted[i + 1]];
  return Number.isFinite(b) ? a + f * (b - a) : Infinity; // a + f·∞
}

/** Response length m of the sweep's task (the aggregation's length). */
function responseLength(p: RunParams): number {
  const q = p as RunParams & { task?: string; promptLength?: number };
  return taskResponseLength((q.task ?? TRANSFORMER_DEFAULTS.task) as 'copy', q.promptLength ?? TRANSFORMER_DEFAULTS.promptLength);
}

const fmt = (v: number) => v.toExponential(0).replace('e+', 'e');

/**
 * The transformer's one-step threshold curve over a sweep's per-run `oneStepThreshold` values
 * (run index = cell·seeds + seed). Per y value (J0 by default) and facet (the other grid axes, η
 * excepted: a run's prediction does not depend on its own η), the median over seeds — each seed's
 * value once, the median of its values over the η cells, which agree since the warm start does not
 * depend on η. Cells without a prediction become gaps with the reason, or the whole overlay's reason.
 */
export function transformerThresholdCurves(input: SweepSpecInput, thresholds: ArrayLike<number>, options: TransformerThresholdOptions = {}): TheoryCurves {
  const spec = withDefaults(input);
  const policy = (spec.base as RunParams & { policy?: string }).policy;
  if (policy !== 'transformer')
    throw new TheoryInputError('policy', `policy = ${JSON.stringify(policy ?? 'log-linear')}: this overlay is the transformer's; use theoryCurvesFor`);
  const y = options.y ?? 'J0';
  const [qLow, qHigh] = options.band ?? [0.25, 0.75];
  if (!(qLow >= 0 && qLow <= qHigh && qHigh <= 1)) throw new TheoryInputError('band', `band = [${qLow}, ${qHigh}]: must be quantiles 0 ≤ low ≤ high ≤ 1`);
  const cells = expandGrid(spec);
  if (thresholds.length !== cells.length * spec.seeds)
    throw new TheoryInputError(
      ONE_STEP_OUTPUT,
      `${thresholds.length} values; the sweep has ${cells.length} cells × ${spec.seeds} seeds = ${cells.length * spec.seeds} runs`,
    );
  const sweep = options.sweep ?? '';
  const facetOf = (c: Cell) =>
    Object.entries(c.values)
      .filter(([k]) => k !== y && k !== 'stepSize')
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  const groups = new Map<string, { cell: Cell; facet: string; y: number; perSeed: number[][]; reason: string | null }>();
  for (const cell of cells) {
    const facet = facetOf(cell);
    const yValue = Number(cell.params[y as keyof RunParams]);
    const key = `${facet}|${yValue}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { cell, facet, y: yValue, perSeed: Array.from({ length: spec.seeds }, () => []), reason: cellReason(cell.params) }));
    for (let s = 0; s < spec.seeds; s++) {
      const v = thresholds[cell.index * spec.seeds + s];
      if (!Number.isNaN(v)) g.perSeed[s].push(v);
    }
  }
  const curve: TransformerThresholdCurve = {
    name: 'one-step',
    label: TRANSFORMER_THRESHOLD_LABEL,
    reconstructed: false,
    axis: undefined,
    points: [],
    gaps: [],
  };
  const reasons = new Set<string>();
  for (const g of groups.values()) {
    if (g.reason) {
      reasons.add(g.reason);
      curve.gaps.push({ sweep, facet: g.facet, y: g.y, reason: g.reason });
      continue;
    }
    const values = g.perSeed.filter((v) => v.length > 0).map((v) => median(v));
    values.sort((a, b) => a - b);
    const found = values.filter((v) => v > 0 && Number.isFinite(v)).length;
    const over = `${values.length} of ${spec.seeds} seeds with a prediction, ${found} with a finite threshold`;
    if (values.length === 0) {
      curve.gaps.push({ sweep, facet: g.facet, y: g.y, reason: `no run has a prediction (warm start short of J0, or diverged; ${over})` });
      continue;
    }
    const mid = median(values);
    if (mid === Infinity) {
      curve.gaps.push({
        sweep,
        facet: g.facet,
        y: g.y,
        reason: `unbounded: one expected step still raises J at every η tried, up to ${fmt(1e6)} (median; ${over})`,
      });
      continue;
    }
    if (mid === 0) {
      curve.gaps.push({ sweep, facet: g.facet, y: g.y, reason: `0: the expected update does not raise J after the warm start (median; ${over})` });
      continue;
    }
    const m = responseLength(g.cell.params);
    const effective = (eta: number) => effectiveStepSize({ ...g.cell.params, L: m, stepSize: eta });
    const lo = quantile(values, qLow);
    const hi = quantile(values, qHigh);
    const low = lo > 0 ? lo : null;
    const high = Number.isFinite(hi) ? hi : null;
    curve.points.push({
      sweep,
      facet: g.facet,
      y: g.y,
      stepSize: mid,
      effectiveStepSize: effective(mid),
      low,
      high,
      lowEffective: low === null ? null : effective(low),
      highEffective: high === null ? null : effective(high),
      seeds: values.length,
      found,
    });
  }
  curve.points.sort((a, b) => a.facet.localeCompare(b.facet) || a.y - b.y);
  if (curve.points.length === 0 && reasons.size > 0 && curve.gaps.every((p) => reasons.has(p.reason))) return { curves: [], reason: [...reasons].join('; ') };
  return { curves: [{ ...curve, axis: (['L', 'J0', 'G'] as const).find((a) => a === y) }] };
}
