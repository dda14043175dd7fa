/**
 * An exported figure says what its page says around it: the cell's title, and one key entry per
 * kind of mark the view draws (critical line, interval, theory curves in their styles, band,
 * median, mean, J₀ and collapse lines), drawn from the same entries the page shows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { installSvgDom } from '../cli/svg-dom.ts';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { summarizeSweep, type SweepSummary } from '../results/summary.ts';
import { empiricalThresholds, theoryCurvesFor, type TheoryCurve } from '../theory/index.ts';
import { figureSvg, FIGURE_TITLE_CLASS, KEY_ENTRY_CLASS } from './export-figure.ts';
import { plotCellExtras, type KeyMark } from './figure-key.ts';
import { OPEN_END_CLASS } from './open-ends.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { THEORY_STYLES } from './theory-styles.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

let summary: SweepSummary;
let calm: SweepSummary; // small steps only: nothing crosses
let curves: TheoryCurve[];

beforeAll(async () => {
  installSvgDom();
  const spec = { base: { iterations: 20, recordEvery: 10 }, grid: { L: [4, 8], stepSize: [1, 10, 100] }, seeds: 6 };
  summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
  curves = theoryCurvesFor(summary.spec, { y: 'L', instances: 2 }).curves;
  calm = await summarizeSweep(
    await runSweep({ base: { iterations: 20, recordEvery: 10 }, grid: { L: [4, 8], stepSize: [0.1, 0.3] }, seeds: 6 }, { backend: 'cpu' }),
  );
});

/** The exported SVG of a plot cell, parsed back, with its title and key as the page would pass them. */
function exported(config: Partial<PlotCellConfig>, theory: TheoryCurve[] = [], of = summary) {
  const c = { sweep: 'sweep', ...config } as PlotCellConfig;
  const root = document.createElement('div');
  const sweeps = [{ label: 'sweep', summary: of, thresholds: empiricalThresholds(of) }];
  for (const figure of plotCellFigures(c, sweeps, theory, 680)) root.append(figure);
  const { key } = plotCellExtras(c, sweeps, { curves: theory });
  const { text } = figureSvg(root, { title: c.title ?? `${c.view} plot`, key });
  const holder = document.createElement('div');
  holder.innerHTML = text.replace(/^<\?xml[^>]*>\n/, '');
  const svg = holder.querySelector('svg')!;
  const entries = [...svg.querySelectorAll(`.${KEY_ENTRY_CLASS}`)];
  return { text, svg, key, marks: entries.map((e) => e.getAttribute('data-mark') as KeyMark), entries };
}

describe('exported figures carry their title and key', () => {
  it('phase diagram: title, critical line, interval and each theory curve in its own dash', () => {
    expect(curves.map((c) => c.name).sort()).toEqual(['one-step', 'theorem-1']);
    const { svg, marks, entries, text } = exported({ view: 'phase', title: 'Where training collapses' }, curves);
    expect(svg.querySelector(`.${FIGURE_TITLE_CLASS}`)!.textContent).toBe('Where training collapses');
    expect(marks).toEqual(['critical', 'interval', 'open-interval', 'theory', 'theory']); // this sweep's intervals run past η = 100
    const theory = entries.filter((e) => e.getAttribute('data-mark') === 'theory');
    // Each theory entry's swatch is drawn with its curve's dash, as the figure draws the curve.
    expect(theory.map((e) => e.querySelector('line')!.getAttribute('stroke-dasharray')).sort()).toEqual(
      [THEORY_STYLES['one-step'].dash, THEORY_STYLES['theorem-1'].dash].sort(),
    );
    expect(text).toContain('exact one-step threshold at θ0');
    expect(text).toContain('reconstructed formula'); // the Theorem-1 step is flagged in the file too
    expect(text).toContain('empirical critical step size: mean final J first below J₀');
    // The chart itself and Plot's colour ramp are still there.
    expect(svg.querySelectorAll('svg').length).toBeGreaterThanOrEqual(2);
  });

  // Issue 22: a curve with a band over seeds (the transformer's one-step threshold) draws it, in its colour, and keys it.
  it('phase diagram: a theory curve’s band over seeds, raw or effective, drawn and named in the key; not in the critical view', () => {
    const oneStep = curves.find((c) => c.name === 'one-step')!;
    const banded: TheoryCurve = {
      ...oneStep,
      points: oneStep.points.map((p) => ({ ...p, low: p.stepSize / 2, high: null, lowEffective: p.effectiveStepSize / 2, highEffective: null })),
    };
    expect(banded.points.length).toBeGreaterThan(0);
    for (const x of ['stepSize', 'effectiveStepSize'] as const) {
      const { marks, svg } = exported({ view: 'phase', x }, [banded]);
      expect(marks).toEqual(['critical', 'interval', 'open-interval', 'theory', 'theory-band']);
      const bands = [...svg.querySelectorAll('g.theory-band')];
      expect(bands.length).toBe(2); // the area between rows and a bar at each row
      expect([bands[0].getAttribute('fill'), bands[1].getAttribute('stroke')]).toEqual([THEORY_STYLES['one-step'].stroke, THEORY_STYLES['one-step'].stroke]);
      expect(bands[1].querySelectorAll('path, line').length).toBe(banded.points.length);
    }
    expect(exported({ view: 'critical' }, [banded]).marks).not.toContain('theory-band');
    // A curve without a band (the log-linear one) draws none and keys none.
    expect(exported({ view: 'phase' }, [oneStep]).svg.querySelector('g.theory-band')).toBeNull();
  });

  it('trajectories: band, median and mean, one entry each', () => {
    const { svg, marks } = exported({ view: 'trajectories' });
    expect(svg.querySelector(`.${FIGURE_TITLE_CLASS}`)!.textContent).toBe('trajectories plot');
    expect(marks).toEqual(['band', 'median', 'mean']);
    const mean = svg.querySelector(`[data-mark="mean"] line`)!;
    expect(mean.getAttribute('stroke-dasharray')).toBe('3,3'); // dashed, as band-panels draws the mean
  });

  it('gap: band and median (no mean: ‖g‖ is heavy-tailed)', () => {
    expect(exported({ view: 'gap' }).marks).toEqual(['band', 'median']);
  });

  it('distribution: run dots, J₀ and the collapse line (red, dashed)', () => {
    const { marks, svg } = exported({ view: 'distribution' });
    expect(marks).toEqual(['runs', 'j0', 'collapse']);
    const collapse = svg.querySelector(`[data-mark="collapse"] line`)!;
    expect([collapse.getAttribute('stroke'), collapse.getAttribute('stroke-dasharray')]).toEqual(['#d62728', '3,2']);
  });

  it('critical view: the no-crossing arrows, and Plot’s swatch legend redrawn as SVG text', () => {
    const { marks, svg, text } = exported({ view: 'critical', critical: 'collapse-half' }, curves);
    expect(marks).toEqual(['no-crossing', 'critical', 'interval', 'open-interval', 'theory', 'theory']);
    expect(text).toContain('collapse probability first ≥ ½');
    // The threshold plot's series key is HTML on the page; in the file its labels are SVG text.
    const swatches = svg.querySelector('.figure-swatches');
    expect(swatches).not.toBeNull();
    expect(swatches!.querySelectorAll('text').length).toBeGreaterThan(0);
  });

  it('no key and no title: the charts alone, as before', () => {
    const root = document.createElement('div');
    const c = { view: 'phase', sweep: 'sweep' } as PlotCellConfig;
    for (const f of plotCellFigures(c, [{ label: 'sweep', summary, thresholds: empiricalThresholds(summary) }], [], 680)) root.append(f);
    const { text } = figureSvg(root);
    expect(text).not.toContain(FIGURE_TITLE_CLASS);
    expect(text).not.toContain(KEY_ENTRY_CLASS);
  });

  // Issue 21: the key named a critical line and its interval where nothing crossed.
  it('names only the threshold marks the figure draws: none where nothing crossed, "no crossing" (↑) in the critical view', () => {
    const rows = empiricalThresholds(calm).rows;
    expect(rows.every((r) => r.meanCrossing.status === 'above-grid')).toBe(true);
    const phase = exported({ view: 'phase' }, curves, calm);
    expect(phase.marks).not.toContain('critical');
    expect(phase.marks).not.toContain('interval');
    expect(phase.marks).not.toContain('open-interval');
    const critical = exported({ view: 'critical' }, curves, calm);
    expect(critical.marks.filter((m) => m !== 'theory')).toEqual(['no-crossing']);
    expect(critical.entries[0].textContent).toContain('↑');
    expect(critical.entries[0].textContent).not.toContain('↓');
  });

  it('an interval end beyond the η swept is drawn open (dashed, arrow, "> largest η tried") and keyed as such', () => {
    const points = empiricalThresholds(summary).rows.map((r) => r.meanCrossing);
    const open = points.some((p) => p.stepSize !== null && (p.low === null || p.high === null));
    expect(open).toBe(true); // the fixture has one, so this test draws one
    const { marks, svg, text } = exported({ view: 'phase' }, [], summary);
    expect(marks.includes('open-interval')).toBe(open);
    expect(svg.querySelectorAll(`.${OPEN_END_CLASS}`).length > 0).toBe(open);
    if (open) expect(text).toMatch(/(&gt;|>) largest η tried|(&lt;|<) smallest η tried/);
  });
});
