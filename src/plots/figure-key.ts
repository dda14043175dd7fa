/**
 * The key of a plot cell's figure: one entry per kind of mark the view draws (empirical critical
 * line, theory curves, band, median, mean, J₀ and collapse lines, run dots), with how it is drawn
 * and what it means. One source for both places a reader sees it: the page draws the entries as
 * HTML under the figure (GgPlotCell), and the exported SVG/PNG draws them as an SVG group
 * (figureSvg), so a downloaded figure says what its page says. Colour keys (η, fill) are Plot's own
 * legends and travel inside the figure. A threshold mark (critical line, interval, open interval end,
 * "no crossing" note) is named only when the figure draws one (issue 21: a key named a critical line
 * where nothing crossed).
 *
 * @example
 *   const key = figureKey({ view: 'phase', theory: curves, etas: spec.grid.stepSize });
 *   figureSvg(root, { title: 'Phase diagram', key }).text;
 */
import type { CriticalRule, PlotCellConfig, PlotView, TrajectoryLayout } from '../notebook/index.ts';
import type { SweepSummary } from '../results/index.ts';
import type { CriticalPoint, TheoryCurve } from '../theory/index.ts';
import { formatNumber } from './axis-labels.ts';
import { dotsText } from './distribution.ts';
import { PROMPT_MEAN_SERIES, PROMPT_MEAN_STYLES } from './prompt-mean.ts';
import { drawnCriticalPoints, type PlotSweep } from './plot-cell-figures.ts';
import { theoryStyle } from './theory-styles.ts';

/** How a key entry's swatch is drawn: a line (the mark's stroke and dash), a filled area, a dot, or a glyph. */
export type KeySwatch =
  | { kind: 'line'; stroke: string; width: number; dash?: string; css: 'solid' | 'dashed' | 'dotted' } // css: the page's border style
  | { kind: 'area'; fill: string; opacity: number }
  | { kind: 'dot'; fill: string; stroke: string }
  | { kind: 'glyph'; text: string };

/** The kinds of marks a key names (tests look entries up by kind). */
export type KeyMark =
  | 'critical'
  | 'interval'
  | 'open-interval'
  | 'no-crossing'
  | 'theory'
  | 'theory-band'
  | 'no-theory'
  | 'band'
  | 'median'
  | 'mean'
  | 'runs'
  | 'j0'
  | 'collapse'
  | 'share' // prompts-mean: a mean share of prompts
  | 'prompt' // prompts-run: one prompt's J_q(t)
  | 'solved-line'
  | 'lost-line'
  | 'lost';

export interface KeyEntry {
  mark: KeyMark;
  label: string;
  swatch?: KeySwatch; // absent for a note ("no theory curve: …")
  reconstructed?: boolean; // a theory curve from our reconstruction of the paper: flagged wherever drawn
}

export interface FigureKeyOptions {
  view: PlotView;
  critical?: CriticalRule; // rule of the empirical critical step size (default mean-below-J0)
  theory?: readonly TheoryCurve[];
  theoryReason?: string; // why there is no theory curve, when there is none
  etas?: readonly number[]; // swept η: a curve outside them is said to be left or right of the plot
  effective?: boolean; // x is the effective step size (no left/right note: curves are placed in η)
  layout?: TrajectoryLayout; // prompts-mean: overlaid, η sets the colour and each series keeps its width and dash
  seeds?: number; // seeds per cell of the sweep drawn: the distribution's dots are every k-th seed above MAX_DOTS_PER_CELL
  drawn?: readonly CriticalPoint[]; // the critical points the figure draws: the key names only the marks they make (absent: every threshold mark)
}

const RULE_TEXT: Record<CriticalRule, string> = {
  'mean-below-J0': 'mean final J first below J₀',
  'collapse-half': 'collapse probability first ≥ ½',
};
const BAND_GREY = '#555';
/** An interval end beyond the η swept: drawn dashed to the frame with an arrow, never as if it were a value. */
export const OPEN_INTERVAL_TEXT = 'interval end beyond the η swept (dashed, with an arrow): not a value, only "beyond the largest (or smallest) η tried"';

/**
 * Title and key of a plot cell's figure as a file carries them: the page's SVG/PNG buttons and
 * `gradgap run`'s plots/*.svg both export through here, so a figure says the same wherever it was
 * drawn. `ready` are the sweeps drawn, with their thresholds; `theory` the curves of the theory cells it names.
 */
export function plotCellExtras(
  c: PlotCellConfig,
  ready: readonly PlotSweep[],
  theory: { curves?: readonly TheoryCurve[]; reason?: string } = {},
): { title: string; key: KeyEntry[] } {
  const summary: SweepSummary | undefined = ready[0]?.summary;
  const key = figureKey({
    drawn: ready.length ? drawnCriticalPoints(c, ready) : [],
    view: c.view,
    critical: c.critical,
    theory: theory.curves,
    theoryReason: theory.reason,
    etas: summary?.spec.grid.stepSize,
    effective: c.x === 'effectiveStepSize',
    seeds: summary?.spec.seeds,
    layout: c.layout,
  });
  return { title: c.title ?? `${c.view} plot`, key };
}

/** Every entry the view's figure needs, in reading order; empty for views whose marks explain themselves. */
export function figureKey(o: FigureKeyOptions): KeyEntry[] {
  switch (o.view) {
    case 'phase':
    case 'compare':
    case 'critical':
      return thresholdKey(o);
    case 'trajectories':
      return [
        ...bandKey('J(t)'),
        { mark: 'mean', label: 'mean J(t) over seeds (dashed): below the median when some runs collapse', swatch: line(BAND_GREY, 1, '3,3') },
      ];
    case 'gap':
      return bandKey('‖g‖(t), over the runs where it is finite');
    case 'update-norm':
      return bandKey('‖Δθ‖(t)');
    case 'held-out':
      return [
        ...bandKey('held-out J(t), exact on prompts never trained on'),
        { mark: 'mean', label: 'mean held-out J(t) over seeds (dashed)', swatch: line(BAND_GREY, 1, '3,3') },
      ];
    case 'length':
      return bandKey('response length, over the runs that have one');
    case 'prompts-solved':
    case 'prompts-lost': {
      const what = o.view === 'prompts-lost' ? 'share of a run’s prompts lost' : 'share of a run’s prompts solved';
      return [
        ...bandKey(what),
        { mark: 'mean', label: `mean over seeds (dashed): the cell’s ${what.replace('a run’s ', '')}`, swatch: line(BAND_GREY, 1, '3,3') },
      ];
    }
    case 'prompts-mean': {
      const overlay = o.layout === 'overlay';
      return PROMPT_MEAN_SERIES.map((series): KeyEntry => {
        const s = PROMPT_MEAN_STYLES[series];
        const css = s.dash?.startsWith('1') ? 'dotted' : undefined; // line() makes a dash 'dashed' and none 'solid'
        return {
          mark: series === 'J' ? 'mean' : 'share',
          label: overlay ? `${s.label} (coloured by η)` : s.label,
          swatch: line(overlay ? BAND_GREY : s.stroke, s.width, s.dash, css),
        };
      });
    }
    case 'prompts-run':
      return [
        { mark: 'prompt', label: 'J_q(t) of one prompt, one colour per prompt', swatch: line('#4269d0', 1.3) },
        { mark: 'mean', label: 'J(t) of the run: the mean of its prompts’ J_q', swatch: line('#111', 3) },
        { mark: 'solved-line', label: '½: a prompt above it is solved', swatch: line('#888', 1, '4,3') },
        { mark: 'lost-line', label: 'J_q(0)/2, dotted in the prompt’s colour: a prompt below it is lost', swatch: line('#4269d0', 1.2, '1,3', 'dotted') },
        { mark: 'lost', label: 'a recorded step where the prompt is lost (a ring in its colour)', swatch: { kind: 'glyph', text: '○' } },
      ];
    case 'distribution':
      return [
        {
          mark: 'runs',
          label: `${o.seeds === undefined ? 'one dot per run' : dotsText(o.seeds)}: its final J, coloured by η`,
          swatch: { kind: 'dot', fill: '#3b528b', stroke: 'none' },
        },
        { mark: 'j0', label: 'J₀, the initial success rate', swatch: line('black', 1.5) },
        { mark: 'collapse', label: 'collapse line: a run ending below it counts as collapsed', swatch: line('#d62728', 1, '3,2') },
      ];
    default:
      return [];
  }
}

function line(stroke: string, width: number, dash?: string, css?: 'dashed' | 'dotted'): KeySwatch {
  return { kind: 'line', stroke, width, dash, css: css ?? (dash ? 'dashed' : 'solid') };
}

function bandKey(what: string): KeyEntry[] {
  return [
    { mark: 'band', label: `10–90% of runs: ${what}`, swatch: { kind: 'area', fill: BAND_GREY, opacity: 0.25 } },
    { mark: 'median', label: `median over seeds: ${what}`, swatch: line(BAND_GREY, 2) },
  ];
}

function thresholdKey(o: FigureKeyOptions): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const drawn = o.drawn;
  const found = drawn ? drawn.filter((p) => p.x !== null) : undefined;
  const has = (some: boolean | undefined) => some ?? true;
  const missing = drawn?.filter((p) => p.status !== 'found');
  if (o.view !== 'phase' && has(missing && missing.length > 0)) {
    const glyphs = missing ? [...new Set(missing.map((p) => (p.status === 'above-grid' ? '↑' : '↓')))].join(' / ') : '↑ / ↓';
    entries.push({ mark: 'no-crossing', label: 'no crossing inside the swept η range', swatch: { kind: 'glyph', text: glyphs } });
  }
  const critical = o.view === 'critical' ? '#777' : 'black';
  if (has(found && found.length > 0))
    entries.push({
      mark: 'critical',
      label: `empirical critical step size: ${RULE_TEXT[o.critical ?? 'mean-below-J0']}, interpolated on log η`,
      swatch: line(critical, 2),
    });
  const intervals = drawn?.filter((p) => p.low !== null || p.high !== null);
  if (has(intervals && intervals.length > 0))
    entries.push({ mark: 'interval', label: '95% bootstrap interval over seeds', swatch: { kind: 'area', fill: 'black', opacity: 0.35 } });
  if (has(intervals?.some((p) => p.low === null || p.high === null)))
    entries.push({ mark: 'open-interval', label: OPEN_INTERVAL_TEXT, swatch: line('black', 1.5, '4,3') });
  if (drawn && !drawn.length)
    entries.push({ mark: 'no-crossing', label: 'no empirical critical step size: the sweep has no series with η swept over 2 or more values' });
  const curves = (o.theory ?? []).filter((t, i, all) => all.findIndex((u) => u.label === t.label) === i);
  for (const t of curves) {
    const s = theoryStyle(t.name);
    const where = o.view === 'compare' ? ` (in the threshold plot: ${s.css}, in its series’ colour)` : '';
    entries.push({
      mark: 'theory',
      label: `${t.label}${where}${outsideNote(t, o)}`,
      swatch: line(o.view === 'critical' ? '#777' : s.stroke, 2, s.dash, s.css),
      reconstructed: t.reconstructed || undefined,
    });
    // A curve with a band over seeds (the transformer's one-step threshold): the band the phase diagram draws.
    if (o.view !== 'critical' && t.points.some((p) => (p.low ?? null) !== null || (p.high ?? null) !== null))
      entries.push({
        mark: 'theory-band',
        label: `band of the ${t.name} prediction over seeds (quartiles)`,
        swatch: { kind: 'area', fill: s.stroke, opacity: 0.3 },
      });
  }
  if (!curves.length && o.theoryReason) entries.push({ mark: 'no-theory', label: `no theory curve: ${o.theoryReason}` });
  return entries;
}

/** Where a theory curve is when it lies outside the η range drawn (the Theorem-1 step is often far left). */
function outsideNote(curve: TheoryCurve, o: FigureKeyOptions): string {
  if (!o.etas?.length || !curve.points.length || o.effective) return '';
  const values = curve.points.map((p) => p.stepSize);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const range = lo === hi ? `η ≈ ${formatNumber(lo)}` : `η ≈ ${formatNumber(lo)}–${formatNumber(hi)}`;
  if (hi < Math.min(...o.etas)) return ` (${range}: left of the plotted range)`;
  if (lo > Math.max(...o.etas)) return ` (${range}: right of the plotted range)`;
  return '';
}

/** The page's CSS for a swatch (a short top border, or a filled block), from the same entry the SVG draws. */
export function swatchCss(s: KeySwatch): string {
  if (s.kind === 'line') return `border-top: ${s.width}px ${s.css} ${s.stroke}`;
  if (s.kind === 'area') return `height: 8px; background: ${s.fill}; opacity: ${s.opacity}`;
  if (s.kind === 'dot') return `width: 6px; height: 6px; border-radius: 50%; background: ${s.fill}`;
  return '';
}
