/** Axis and legend wording in the paper's terms, shared by every plot. */
import type { GridKey } from '../engine/spec.ts';
import type { PlotFill, PlotX } from '../notebook/cell-config.ts';

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

export function fieldLabel(key: GridKey | null): string {
  return key ? (FIELD_LABELS[key] ?? key) : '';
}

export function xLabel(x: PlotX | undefined): string {
  return x === 'effectiveStepSize' ? 'effective step size (η × aggregation scale) →' : 'step size η →';
}

export function fillLabel(fill: PlotFill | undefined): string {
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
