/** The J(t) and ‖g‖(t) views draw what they say: one band and one median per η, in the layout asked for. */
import { beforeAll, describe, expect, it } from 'vitest';
import { installSvgDom } from '../cli/svg-dom.ts';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { summarizeSweep, type SweepSummary } from '../results/summary.ts';
import { BAND_CLASS, chooseLayout, columnsFor, MEDIAN_CLASS } from './band-panels.ts';
import { gapRows } from './gap-trajectories.ts';
import { empiricalThresholds } from '../theory/index.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { trajectoryRows } from './trajectories.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

const ETAS = [1, 3, 10, 30, 100];
let summary: SweepSummary;

beforeAll(async () => {
  installSvgDom();
  summary = await summarizeSweep(await runSweep({ base: { iterations: 30, recordEvery: 10 }, grid: { stepSize: ETAS }, seeds: 12 }, { backend: 'cpu' }));
});

const draw = (config: Partial<PlotCellConfig>, s = summary) =>
  plotCellFigures({ sweep: 's', view: 'gap', ...config } as PlotCellConfig, [{ label: 's', summary: s, thresholds: empiricalThresholds(s) }], [], 680)[0];
const count = (figure: Element, selector: string) => figure.querySelectorAll(selector).length;
const texts = (figure: Element) => Array.from(figure.querySelectorAll('text'), (t) => t.textContent ?? '');

describe('layout', () => {
  it('overlays up to 3 η per panel and draws small multiples beyond, unless told', () => {
    const rows = trajectoryRows(summary, undefined);
    expect(chooseLayout(rows, undefined)).toBe('small-multiples');
    expect(
      chooseLayout(
        rows.filter((r) => r.stepSize <= 30),
        undefined,
      ),
    ).toBe('small-multiples');
    expect(
      chooseLayout(
        rows.filter((r) => r.stepSize <= 10),
        undefined,
      ),
    ).toBe('overlay');
    expect(chooseLayout(rows, 'overlay')).toBe('overlay');
  });

  it('wraps panels into at most 5 columns with rows as even as they can be', () => {
    expect([1, 4, 5, 6, 7, 10, 12].map(columnsFor)).toEqual([1, 4, 5, 3, 4, 5, 4]);
  });
});

describe('gap view', () => {
  it('draws one band and one median per η, one panel each, on a log axis', () => {
    const figure = draw({});
    expect(count(figure, 'svg')).toBeGreaterThanOrEqual(2); // colour legend + chart
    expect(count(figure, `g.${BAND_CLASS} path`)).toBe(ETAS.length);
    expect(count(figure, `g.${MEDIAN_CLASS} path`)).toBe(ETAS.length);
    expect(texts(figure)).toEqual(expect.arrayContaining(ETAS.map((eta) => expect.stringContaining(`η = ${eta}`))));
    expect(texts(figure).join(' ')).toMatch(/gradient-gap norm ‖g‖ \(log scale\)/);
  });

  it('overlays every η in one panel when asked', () => {
    const figure = draw({ layout: 'overlay' });
    expect(count(figure, `g.${BAND_CLASS} path`)).toBe(ETAS.length);
    expect(texts(figure).some((t) => t.startsWith('η = '))).toBe(false); // no panel labels
  });

  it('counts the runs where ‖g‖ is finite, and says so where some are not', () => {
    const rows = gapRows(summary, undefined);
    expect(rows.every((r) => r.finite <= r.runs && r.q10 <= r.q50 && r.q50 <= r.q90)).toBe(true);
    const short = rows.filter((r) => r.finite < r.runs);
    expect(short.length, 'η = 100 should round some runs’ J to 0 or 1').toBeGreaterThan(0);
    const least = Math.min(...short.map((r) => r.finite));
    expect(texts(draw({})).join(' ')).toContain(`finite in ≥ ${least}/12`);
  });

  it('says what is missing when the results predate ‖g‖', () => {
    expect(() => draw({}, { ...summary, gapBands: undefined })).toThrow(/no gradient-gap bands.*re-run the sweep/);
  });
});

describe('J(t) view', () => {
  it('draws band, median and mean per η, in small multiples by default for 5 η', () => {
    const figure = draw({ view: 'trajectories' });
    expect(count(figure, `g.${BAND_CLASS} path`)).toBe(ETAS.length);
    expect(count(figure, `g.${MEDIAN_CLASS} path`)).toBe(ETAS.length);
    expect(count(figure, 'path[stroke-dasharray="3,3"]') + count(figure, 'g[stroke-dasharray="3,3"] path')).toBe(ETAS.length);
    expect(texts(figure)).toEqual(expect.arrayContaining(['η = 1', 'η = 100']));
  });
});

describe('update-norm view (‖Δθ‖(t), SPEC 1.6)', () => {
  it('draws one band and one median per η, from step 1 on, on a log axis', () => {
    const figure = draw({ view: 'update-norm' });
    expect(count(figure, `.${BAND_CLASS}`)).toBeGreaterThanOrEqual(ETAS.length);
    expect(count(figure, `.${MEDIAN_CLASS}`)).toBeGreaterThanOrEqual(ETAS.length);
    expect(texts(figure).join(' ')).toContain('update norm ‖Δθ‖');
  });

  it('says what to do with results summarized before ‖Δθ‖ was recorded', () => {
    expect(() => draw({ view: 'update-norm' }, { ...summary, updateBands: undefined })).toThrow(/no update-norm bands.*re-run the sweep/);
  });
});
