/** The colour scale of a swept field, shared by the trajectory, gap and distribution plots. */
import type { GridKey } from '../engine/index.ts';
import { compareLabels, fieldLabel } from './axis-labels.ts';

/** Log for η and sizes spanning ×4 or more, linear otherwise (viridis), categorical for names. */
export function colourScale(values: (number | string)[], key: GridKey) {
  const label = fieldLabel(key);
  // Names in reading order, the order the panels use (Plot would sort them as plain strings).
  if (values.some((v) => typeof v === 'string'))
    return { type: 'categorical' as const, domain: [...new Set(values.map(String))].sort(compareLabels), legend: true, label };
  const nums = values as number[];
  const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
  const log = lo > 0 && hi / lo >= 4;
  return { type: log ? ('log' as const) : ('linear' as const), scheme: 'viridis' as const, domain: [lo, hi], legend: true, label, marginLeft: 12, width: 260 };
}
