/** Prompts over training (SPEC 1.8): the summary's prompt bands, their baked round trip and Reproduce's check, the prompt views and the lost-share fill. */
import { describe, expect, it } from 'vitest';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { finalLostShare, promptBandAt, PROMPT_SERIES, summarizeSweep } from '../results/index.ts';
import { empiricalThresholds } from '../theory/index.ts';
import { BAND_CLASS, MEDIAN_CLASS } from './band-panels.ts';
import { phaseRows } from './phase-rows.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { promptShareRows } from './prompt-shares.ts';
import { bakeOne, cpuSweep, expectBakedBands, expectSeedBands } from './test-fixtures.ts';

const { runSweep } = await import('../engine/index.ts');

const ETAS = [3, 100];
const spec = {
  base: { V: 6, d: 4, L: 4, N: 5, B: 5, J0: 0.3, G: 4, iterations: 40, recordEvery: 10 },
  grid: { stepSize: ETAS },
  seeds: 6,
  seed: 3,
} as const;
const { result, summary } = await cpuSweep(spec as never);

describe('prompt bands', () => {
  it('are the bands over seeds of each share, per cell and recorded step; the fill is the last step’s mean', () => {
    const R = summary.recordSteps.length;
    expectSeedBands(result, PROMPT_SERIES, ['q10', 'q50', 'q90', 'mean'], (series, cell, r) => promptBandAt(summary, series, cell, r));
    expect(promptBandAt(summary, 'lostShare', 0, 0)!.mean).toBe(0); // nothing is lost at θ0
    expect(finalLostShare(summary, 1)).toBe(promptBandAt(summary, 'lostShare', 1, R - 1)!.mean);
    expect(finalLostShare(summary, 1)).toBeGreaterThan(0); // η = 100 loses prompts here
  });

  it('are baked and read back bit for bit, Reproduce names a changed value, and one-prompt sweeps have none', async () => {
    expectBakedBands(summary, 'promptBands', PROMPT_SERIES, { change: 'lostShare', index: 3, by: 0.25 });
    const one = await summarizeSweep(await runSweep({ ...spec, base: { ...spec.base, N: 1, B: 1 } } as never, { backend: 'cpu' }));
    expect(one.promptBands).toBeUndefined();
    expect(JSON.parse(bakeOne(one)).sweeps.s).not.toHaveProperty('promptBands');
  });
});

describe('the prompt views and the lost-share fill', () => {
  const figures = (config: Partial<PlotCellConfig>) =>
    plotCellFigures({ sweep: 's', ...config } as PlotCellConfig, [{ label: 's', summary, thresholds: empiricalThresholds(summary) }], [], 680);

  it('draw one band and one median per η for each share', () => {
    for (const view of ['prompts-solved', 'prompts-lost'] as const) {
      const figure = figures({ view, layout: 'small-multiples' })[0];
      expect(figure.querySelectorAll(`.${BAND_CLASS} path`).length).toBe(ETAS.length);
      expect(figure.querySelectorAll(`.${MEDIAN_CLASS} path`).length).toBe(ETAS.length);
      expect(figure.textContent).toContain(view === 'prompts-lost' ? 'share of prompts lost' : 'share of prompts solved');
    }
    for (const r of promptShareRows(summary, undefined, 'stepSize', 'lostShare')) expect(r.q10 <= r.q50 && r.q50 <= r.q90).toBe(true);
  });

  it('fill the phase diagram with the final lost share', () => {
    for (const r of phaseRows(summary, {}).rows) expect(r.finalLostShare).toBe(finalLostShare(summary, r.cell));
    const text = figures({ view: 'phase', fill: 'finalLostShare' })[0].textContent ?? '';
    expect(text).toContain('share of prompts lost at the last step');
  });
});
