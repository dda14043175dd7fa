/**
 * Plots read in numeric order and never run labels together: facets, series and legends of a 2-D
 * grid in the order L = 4, 8, 16 (not the text order 16, 4, 8), the threshold plot's colour key in
 * the order of the panels, tick labels and notes that fit narrow panels, and theory curves that
 * look different from each other.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { installSvgDom } from '../cli/svg-dom.ts';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { summarizeSweep, type SweepSummary } from '../results/summary.ts';
import { compareLabels, sortedLabels } from './axis-labels.ts';
import { distributionPlot } from './distribution.ts';
import { empiricalThresholds, theoryCurvesFor, type CriticalPoint, type TheoryCurve } from '../theory/index.ts';
import { THEORY_STYLES } from './theory-styles.ts';
import { phaseDiagram } from './phase-diagram.ts';
import { phaseRows } from './phase-rows.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { thresholdPlot } from './threshold-curves.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

type Figure = Element & { scale?: (name: string) => { domain: unknown[] } | undefined };

let grid2d: SweepSummary; // L × η, L listed out of order on purpose
let etas: SweepSummary; // η alone, 10 values: narrow small multiples with "finite in" notes

beforeAll(async () => {
  installSvgDom();
  grid2d = await summarizeSweep(
    await runSweep({ base: { iterations: 20, recordEvery: 10 }, grid: { L: [16, 4, 8], stepSize: [1, 10, 100, 1000] }, seeds: 6 }, { backend: 'cpu' }),
  );
  etas = await summarizeSweep(
    await runSweep({ base: { iterations: 30, recordEvery: 10 }, grid: { stepSize: [1, 2, 3, 5, 10, 20, 30, 50, 100, 300] }, seeds: 8 }, { backend: 'cpu' }),
  );
});

const draw = (config: Partial<PlotCellConfig>, summary: SweepSummary, width = 680) =>
  plotCellFigures(
    { sweep: 's', view: 'trajectories', ...config } as PlotCellConfig,
    [{ label: 's', summary, thresholds: empiricalThresholds(summary) }],
    [],
    width,
  )[0] as Figure;
const domain = (figure: Figure, name: string) => figure.scale?.(name)?.domain;

/** x of each label of an axis, from its transform; `aria` names the axis group. */
function labelXs(figure: Element, aria: string): { x: number; y: number; text: string }[] {
  return Array.from(figure.querySelectorAll(`g[aria-label="${aria}"] text`), (t) => {
    const own = /translate\(([-\d.]+),([-\d.]+)\)/.exec(t.getAttribute('transform') ?? '');
    const group = /translate\(([-\d.]+),([-\d.]+)\)/.exec(t.parentElement?.getAttribute('transform') ?? '');
    return { x: Number(own?.[1] ?? 0) + Number(group?.[1] ?? 0), y: Number(own?.[2] ?? 0) + Number(group?.[2] ?? 0), text: t.textContent ?? '' };
  });
}

describe('numeric order', () => {
  it('compares numbers inside labels as numbers', () => {
    expect(['L=16', 'L=4', 'L=8'].sort(compareLabels)).toEqual(['L=4', 'L=8', 'L=16']);
    expect(sortedLabels(['J0=0.1', 'J0=0.05', 'J0=0.9', 'J0=0.05'])).toEqual(['J0=0.05', 'J0=0.1', 'J0=0.9']);
    expect(['G=8, L=16', 'G=8, L=2', 'G=2, L=16'].sort(compareLabels)).toEqual(['G=2, L=16', 'G=8, L=2', 'G=8, L=16']);
    expect(['x=1e-3', 'x=-2', 'x=0.5'].sort(compareLabels)).toEqual(['x=-2', 'x=1e-3', 'x=0.5']);
    expect(['seq-sum', 'token-mean'].sort(compareLabels)).toEqual(['seq-sum', 'token-mean']);
  });

  it('a 2-D grid draws its J(t) panels in the order L = 4, 8, 16, overlaid or as small multiples', () => {
    expect(domain(draw({ layout: 'overlay' }, grid2d), 'fy')).toEqual(['L=4', 'L=8', 'L=16']);
    const multiples = draw({ layout: 'small-multiples' }, grid2d);
    expect(domain(multiples, 'fy')).toEqual(['L=4', 'L=8', 'L=16']);
    // The row labels on the page, top to bottom.
    const rows = labelXs(multiples, 'fy-axis tick label').sort((a, b) => a.y - b.y);
    expect(rows.map((r) => r.text)).toEqual(['L=4', 'L=8', 'L=16']);
  });

  it('the distribution view and the phase diagram facet in numeric order too', () => {
    expect(domain(distributionPlot(grid2d, { width: 680 }) as Figure, 'fy')).toEqual(['L=4', 'L=8', 'L=16']);
    // A phase diagram facets by the fields other than η and y: here L, relabelled as a facet.
    const layout = phaseRows(grid2d, { y: 'L' });
    const phase = phaseDiagram({ ...layout, rows: layout.rows.map((r) => ({ ...r, facet: `L=${r.y}` })) }) as Figure;
    expect(domain(phase, 'fx')).toEqual(['L=4', 'L=8', 'L=16']);
  });

  it('the threshold plot lists series in the order of the panels: sweeps as named, facets numerically', () => {
    const point = (sweep: string, facet: string, y: number): CriticalPoint => ({ sweep, facet, y, x: 10, low: 5, high: 20, status: 'found', seeds: 8 });
    const points = [point('GRPO', 'L=16', 0.2), point('GRPO', 'L=4', 0.2), point('Dr. GRPO', 'L=16', 0.2), point('Dr. GRPO', 'L=4', 0.2)];
    const figure = thresholdPlot(points, [], { yKey: 'J0' }) as Figure;
    expect(domain(figure, 'color')).toEqual(['GRPO · L=4', 'GRPO · L=16', 'Dr. GRPO · L=4', 'Dr. GRPO · L=16']);
    const strip = thresholdPlot(points, [], { yKey: null }) as Figure;
    expect(domain(strip, 'y')).toEqual(domain(strip, 'color'));
    // The compare view's two figures agree: panels left to right = key left to right.
    const merged = phaseDiagram({
      rows: [...phaseRows(grid2d, { y: 'L' }, 'GRPO').rows, ...phaseRows(grid2d, { y: 'L' }, 'Dr. GRPO').rows],
      yKey: 'L',
      yLog: true,
      facets: [],
    }) as Figure;
    expect(domain(merged, 'fx')).toEqual(['GRPO', 'Dr. GRPO']);
    expect(domain(thresholdPlot([point('GRPO', '', 4), point('Dr. GRPO', '', 4)], [], { yKey: 'L' }) as Figure, 'color')).toEqual(['GRPO', 'Dr. GRPO']);
  });
});

/** Width in px of 10 px sans-serif text, roughly (DejaVu Sans: narrow letters, wide ≥). */
const textWidth = (s: string) => [...s].reduce((w, c) => w + ('fijlrt '.includes(c) ? 3.4 : c === '≥' ? 8.4 : 6.3), 0);

describe('labels that fit', () => {
  it('x tick labels of small multiples never run together, even in narrow panels', () => {
    for (const width of [680, 420, 320]) {
      const figure = draw({ layout: 'small-multiples' }, etas, width);
      const labels = labelXs(figure, 'x-axis tick label');
      expect(labels.length).toBeGreaterThan(0);
      // Per row of panels, left to right: each label's right edge clears the next one's left edge.
      const byRow = new Map<number, typeof labels>();
      for (const l of labels) byRow.set(l.y, [...(byRow.get(l.y) ?? []), l]);
      for (const row of byRow.values()) {
        row.sort((a, b) => a.x - b.x);
        for (let i = 1; i < row.length; i++) {
          const halfWidths = (row[i - 1].text.length + row[i].text.length) * 3.5; // ~7 px a digit at 10 px, centred
          expect(row[i].x - row[i - 1].x, `width ${width}: "${row[i - 1].text}" then "${row[i].text}"`).toBeGreaterThan(halfWidths + 4);
        }
      }
    }
  });

  it('"finite in ≥ N" notes wrap inside their panel instead of running into the next', () => {
    const figure = plotCellFigures(
      { sweep: 's', view: 'gap', layout: 'small-multiples' } as PlotCellConfig,
      [{ label: 's', summary: etas, thresholds: empiricalThresholds(etas) }],
      [],
      520,
    )[0];
    const notes = Array.from(figure.querySelectorAll('text')).filter((t) => (t.textContent ?? '').includes('finite in'));
    expect(notes.length).toBeGreaterThan(0);
    const panel = ((520 - 48 - 20) / (5 + 0.14)) * 0.86; // 10 η wrap into 5 columns: 76 px
    for (const note of notes) {
      const lines = Array.from(note.querySelectorAll('tspan'), (t) => t.textContent ?? '');
      expect(lines.length, note.textContent ?? '').toBeGreaterThan(1);
      for (const line of lines) expect(textWidth(line), line).toBeLessThanOrEqual(panel - 3);
    }
  });
});

describe('theory curves', () => {
  const curve = (name: string, label: string, eta: number): TheoryCurve => ({
    name,
    label,
    reconstructed: name === 'theorem-1',
    axis: 'L',
    points: [4, 8, 16].map((y) => ({ sweep: '', facet: '', y, stepSize: eta / y, effectiveStepSize: eta / y })),
    gaps: [],
  });
  const curves = [curve('one-step', 'exact one-step threshold at θ0', 200), curve('theorem-1', 'Theorem-1 step size (reconstructed)', 100)];
  const dashes = (figure: Element) =>
    new Set(Array.from(figure.querySelectorAll('[stroke-dasharray]'), (e) => `${e.getAttribute('stroke-dasharray')} ${e.getAttribute('stroke') ?? ''}`));

  it('name the field they run over, for the theory table\'s first column (was "y")', () => {
    const spec = { base: { iterations: 10 }, grid: { J0: [0.2, 0.6], stepSize: [1, 10] }, seeds: 4 };
    const { curves } = theoryCurvesFor(spec, { y: null, curves: ['one-step'], instances: 1 });
    expect(curves.map((c) => c.axis)).toEqual(['J0']);
    expect(theoryCurvesFor({ ...spec, grid: { L: [2, 8], stepSize: [1, 10] } }, { y: 'L', instances: 1 }).curves.map((c) => c.axis)).toEqual(['L', 'L']);
  });

  it('the one-step threshold and the Theorem-1 step are drawn differently, as their key swatches say', () => {
    expect(THEORY_STYLES['one-step'].dash).not.toBe(THEORY_STYLES['theorem-1'].dash);
    expect(THEORY_STYLES['one-step'].css).not.toBe(THEORY_STYLES['theorem-1'].css);
    expect(THEORY_STYLES['one-step'].stroke).not.toBe(THEORY_STYLES['theorem-1'].stroke);
    const phase = phaseDiagram(phaseRows(grid2d, { y: 'L' }), { theory: curves });
    expect(dashes(phase)).toEqual(
      new Set([
        `${THEORY_STYLES['one-step'].dash} ${THEORY_STYLES['one-step'].stroke}`,
        `${THEORY_STYLES['theorem-1'].dash} ${THEORY_STYLES['theorem-1'].stroke}`,
      ]),
    );
    const point: CriticalPoint = { sweep: '', facet: '', y: 4, x: 10, low: 5, high: 20, status: 'found', seeds: 8 };
    const threshold = thresholdPlot([point, { ...point, y: 16 }], curves, { yKey: 'L', yLog: true });
    const patterns = new Set([...dashes(threshold)].map((d) => d.split(' ')[0]));
    expect(patterns).toEqual(new Set([THEORY_STYLES['one-step'].dash, THEORY_STYLES['theorem-1'].dash]));
  });
});
