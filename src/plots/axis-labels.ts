/** Axis and legend wording in the paper's terms, shared by every plot. */
import { EFFECTIVE_STEP_EOS_NOTE, type GridKey } from '../engine/index.ts';
import type { PlotFill, PlotX } from '../notebook/index.ts';

const FIELD_LABELS: Partial<Record<GridKey, string>> = {
  stepSize: 'step size η',
  L: 'response length L',
  J0: 'initial success rate J₀',
  G: 'group size G',
  V: 'vocabulary size V',
  d: 'feature dimension d',
  N: 'prompts N',
  K: 'responses per prompt K',
  B: 'prompts per batch B',
};

/** A field's axis words; with EOS (SPEC 1.7) L is the maximum length, where responses are cut. */
export function fieldLabel(key: GridKey | null, eos = false): string {
  if (key === 'L' && eos) return 'maximum response length L (EOS)';
  return key ? (FIELD_LABELS[key] ?? key) : '';
}

/** The threshold plot's step-size words: η*, or the effective critical step (with the EOS note where lengths set it). */
export function criticalStepLabel(x: PlotX | undefined, eosLengths = false): string {
  if (x !== 'effectiveStepSize') return 'critical step size η*';
  return `effective critical step size${eosLengths ? ` (${EFFECTIVE_STEP_EOS_NOTE})` : ''}`;
}

export function xLabel(x: PlotX | undefined, eosLengths = false): string {
  if (x !== 'effectiveStepSize') return 'step size η →';
  return `effective step size (η × aggregation scale; for Adam and AdamW, η itself${eosLengths ? `; ${EFFECTIVE_STEP_EOS_NOTE}` : ''}) →`;
}

export function fillLabel(fill: PlotFill | undefined): string {
  if (fill === 'finalMeanLength') return 'final mean response length (median over seeds of each run’s mean sampled length at the last step)';
  if (fill === 'finalLostShare') return 'share of prompts lost at the last step (J_q below half its start; mean over seeds)';
  return fill === 'collapseProbability' ? 'collapse probability (share of runs ending below the collapse line)' : 'mean final success rate J';
}

/** Compact number for tips and tables. */
export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export const percent = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 1000) / 10}%` : '—');

/**
 * Facet, series and legend labels in reading order: numbers inside a label compare as numbers, so
 * "L=4" < "L=8" < "L=16" and "J0=0.05" < "J0=0.1" (plain string order puts 16 first).
 */
export function compareLabels(a: string, b: string): number {
  const split = (s: string) => s.split(/((?:(?<=^|=)-)?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i);
  const ta = split(a);
  const tb = split(b);
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    if (ta[i] === tb[i]) continue;
    // split puts the captured numbers at odd indices.
    if (i % 2 === 1) return Number(ta[i]) - Number(tb[i]) || (ta[i] < tb[i] ? -1 : 1);
    return ta[i] < tb[i] ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** Distinct labels in reading order (compareLabels). */
export function sortedLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort(compareLabels);
}

/** How many ticks an axis `px` wide can label without the labels running together (one per ~50 px, at least 2). */
export function ticksFor(px: number, perTick = 50): number {
  return Math.max(2, Math.floor(px / perTick));
}

/** Ticks 1, 2, 5 × 10^k inside [lo, hi], for log axes whose default labels are too sparse or too dense. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return ticks;
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const t = Number((m * 10 ** k).toPrecision(1));
      if (t >= lo && t <= hi) ticks.push(t);
    }
  }
  return ticks;
}
