/**
 * One symbol per run outcome, and one key for every logs figure: the scale always lists every
 * outcome, so a symbol keeps its meaning whichever outcomes a figure happens to show (collapsed
 * is always ×, whatever else is present).
 */
import type * as Plot from '@observablehq/plot';
import { RUN_OUTCOMES, type RunOutcome } from '../logs/index.ts';

export const OUTCOME_SYMBOLS: Record<RunOutcome, string> = {
  converged: 'circle',
  degraded: 'triangle',
  collapsed: 'times',
  'stopped-early': 'diamond',
  'too-short': 'plus',
  'no-data': 'square',
};

/** The symbol scale both logs figures use. */
export const OUTCOME_SYMBOL_SCALE: Plot.ScaleOptions = { legend: true, domain: [...RUN_OUTCOMES], range: RUN_OUTCOMES.map((o) => OUTCOME_SYMBOLS[o]) };
