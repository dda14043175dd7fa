/** The logs figures draw what the runs say: one line per run, one column per learning rate, and two axes aligned only when asked. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installSvgDom } from '../cli/svg-dom.ts';
import { analyzeLogs, RUN_OUTCOMES, type LogsAnalysis } from '../logs/index.ts';
import { OUTCOME_SYMBOLS } from './outcome-symbols.ts';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { summarizeSweep, type SweepSummary } from '../results/summary.ts';
import { empiricalThresholds } from '../theory/index.ts';
import { alignAxes } from './logs-beside-sweep.ts';
import { LOGS_OUTCOME_CELL_CLASS, logsOutcomeRows } from './logs-outcome.ts';
import { LOGS_LINE_CLASS, logsTrajectoryRows } from './logs-trajectories.ts';
import { plotCellFigures } from './plot-cell-figures.ts';

(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

const CSV = readFileSync(join(import.meta.dirname, '../../notebooks/data/grpo-lr-sweep.csv'), 'utf8');
const ETAS = [1, 3, 10, 30, 100];
let logs: LogsAnalysis;
let summary: SweepSummary;

beforeAll(async () => {
  installSvgDom();
  logs = analyzeLogs([{ name: 'data/grpo-lr-sweep.csv', text: CSV }], {
    metric: 'answer_accuracy',
    csv: { run: 'label', learningRate: 'learning_rate', step: 'grpo_step' },
  });
  summary = await summarizeSweep(await runSweep({ base: { iterations: 30, recordEvery: 10 }, grid: { stepSize: ETAS }, seeds: 16 }, { backend: 'cpu' }));
});

const draw = (config: Partial<PlotCellConfig>, withSweep = false) =>
  plotCellFigures(
    { view: 'logs-outcome', logs: 'runs', ...config } as PlotCellConfig,
    withSweep ? [{ label: 'sim', summary, thresholds: empiricalThresholds(summary) }] : [],
    [],
    680,
    logs,
  );
const texts = (figure: Element) => Array.from(figure.querySelectorAll('text'), (t) => t.textContent ?? '').join(' ');

describe('metric against step', () => {
  it('has every logged point of each run, NaN kept as a gap, runs by learning rate', () => {
    const rows = logsTrajectoryRows(logs);
    const labels = [...new Set(rows.map((r) => r.label))];
    expect(labels).toHaveLength(9);
    expect(rows.map((r) => r.learningRate)).toEqual([...rows.map((r) => r.learningRate)].sort((a, b) => a - b));
    expect(rows.filter((r) => r.learningRate === 2e-4).map((r) => r.step)).toEqual([0, 5, 10, 15, 20]); // ended early
    expect(rows.filter((r) => r.learningRate === 1e-5).some((r) => r.step === 45)).toBe(false); // a missing step
    expect(rows.find((r) => r.learningRate === 2e-5 && r.step === 60)?.value).toBeNaN();
  });

  it('draws one line per run with a log colour legend of learning rates', () => {
    const [figure] = draw({ view: 'logs-trajectories' });
    expect(figure.querySelectorAll(`g.${LOGS_LINE_CLASS} path`).length).toBe(9);
    expect(texts(figure)).toMatch(/learning rate \(peak\)/);
    expect(texts(figure)).toMatch(/answer_accuracy/);
  });
});

describe('outcome against learning rate', () => {
  it('gives each learning rate a column whose edges meet its neighbours at geometric midpoints', () => {
    const rows = logsOutcomeRows(logs.summaries);
    expect(rows).toHaveLength(9);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].x1).toBeCloseTo(rows[i - 1].x2, 12);
      expect(rows[i].x1).toBeCloseTo(Math.sqrt(rows[i - 1].summary.learningRate * rows[i].summary.learningRate), 12);
    }
    expect(rows.map((r) => r.summary.outcome).slice(-2)).toEqual(['degraded', 'collapsed']);
  });

  it('draws one rectangle per run and the critical learning rate alone', () => {
    const [figure] = draw({});
    expect(figure.querySelectorAll(`g.${LOGS_OUTCOME_CELL_CLASS} rect`).length).toBe(9);
    expect(texts(figure)).toMatch(/final answer_accuracy/);
  });
});

describe('one key of outcome symbols for every logs figure', () => {
  it('both figures list every outcome, in one order, whichever outcomes are present', () => {
    expect(logs.summaries.some((x) => x.outcome === 'stopped-early')).toBe(false); // absent here, listed all the same
    for (const view of ['logs-trajectories', 'logs-outcome'] as const) {
      const text = draw({ view })[0].textContent ?? ''; // the swatch legend is HTML beside the SVG
      const at = RUN_OUTCOMES.map((o) => text.indexOf(o));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
    expect(OUTCOME_SYMBOLS.collapsed).toBe('times');
  });
});

describe('beside a simulated sweep', () => {
  it('keeps each axis its own unless asked, and says so', () => {
    const figures = draw({ sweep: 's', critical: 'collapse-half' }, true);
    expect(figures).toHaveLength(3);
    expect(texts(figures[0])).toMatch(/real learning rate/);
    expect(texts(figures[1])).toMatch(/simulated step size η/);
    const note = texts(figures[2]);
    expect(note).toMatch(/Real critical learning rate lr\*: 2e-4 \(between 7e-5 and 2e-4\)/);
    expect(note).toMatch(/Own axes/);
    expect(note).not.toMatch(/lr\*\/η\* =/);
  });

  it('aligned, the two critical points sit at the same place on their axes, and the note says what the ratio is not', () => {
    const figures = draw({ sweep: 's', critical: 'collapse-half', align: true }, true);
    const note = texts(figures[2]);
    if (/not possible/.test(note)) expect(note).toMatch(/no critical step size/);
    else {
      expect(note).toMatch(/lr\*\/η\* = /);
      expect(note).toMatch(/not a conversion of learning rates into step sizes/);
    }
    const axes = alignAxes([1e-6, 1e-3], [0.5, 200], 2e-4, 30, true);
    expect(axes.aligned).toBe(true);
    if (!axes.aligned) return;
    const at = (d: [number, number], v: number) => Math.log(v / d[0]) / Math.log(d[1] / d[0]);
    expect(at(axes.real, 2e-4)).toBeCloseTo(at(axes.simulated, 30), 12);
    expect(axes.real[0] <= 1e-6 && axes.real[1] >= 1e-3 && axes.simulated[0] <= 0.5 && axes.simulated[1] >= 200).toBe(true);
    expect(alignAxes([1e-6, 1e-3], [0.5, 200], 2e-4, undefined, true)).toMatchObject({ aligned: false, why: expect.stringMatching(/no critical step size/) });
    expect(alignAxes([1e-6, 1e-3], [0.5, 200], 2e-4, 30, false)).toEqual({ aligned: false, real: [1e-6, 1e-3], simulated: [0.5, 200] });
  });
});
