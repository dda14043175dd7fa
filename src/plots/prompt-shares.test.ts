/** Prompts over training (SPEC 1.8): the summary's prompt bands, their baked round trip and Reproduce's check, the prompt views and the lost-share fill. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { bandOf } from '../results/bands.ts';
import {
  compareWithBaked,
  decodeBaked,
  encodeBaked,
  finalLostShare,
  promptBandAt,
  PROMPT_SERIES,
  summarizeSweep,
  type SweepSummary,
} from '../results/index.ts';
import { empiricalThresholds } from '../theory/index.ts';
import { BAND_CLASS, MEDIAN_CLASS } from './band-panels.ts';
import { phaseRows } from './phase-rows.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { promptShareRows } from './prompt-shares.ts';
import { cpuSweep, finiteSeedValues } from './test-fixtures.ts';
import type { SweepResult } from '../engine/index.ts';

const { runSweep } = await import('../engine/index.ts');

const ETAS = [3, 100];
const spec = {
  base: { V: 6, d: 4, L: 4, N: 5, B: 5, J0: 0.3, G: 4, iterations: 40, recordEvery: 10 },
  grid: { stepSize: ETAS },
  seeds: 6,
  seed: 3,
} as const;
let result: SweepResult;
let summary: SweepSummary;

beforeAll(async () => ({ result, summary } = await cpuSweep(spec as never)));

describe('prompt bands', () => {
  it('are the bands over seeds of each share, per cell and recorded step; the fill is the last step’s mean', () => {
    const R = summary.recordSteps.length;
    for (const series of PROMPT_SERIES)
      for (let cell = 0; cell < ETAS.length; cell++)
        for (let r = 0; r < R; r++) {
          const b = bandOf(finiteSeedValues(result, series, cell, r));
          expect(promptBandAt(summary, series, cell, r)).toEqual({
            q10: Math.fround(b.q10),
            q50: Math.fround(b.q50),
            q90: Math.fround(b.q90),
            mean: Math.fround(b.mean),
          });
        }
    expect(promptBandAt(summary, 'lostShare', 0, 0)!.mean).toBe(0); // nothing is lost at θ0
    expect(finalLostShare(summary, 1)).toBe(promptBandAt(summary, 'lostShare', 1, R - 1)!.mean);
    expect(finalLostShare(summary, 1)).toBeGreaterThan(0); // η = 100 loses prompts here
  });

  it('are baked and read back bit for bit, Reproduce names a changed value, and one-prompt sweeps have none', async () => {
    const text = encodeBaked({ notebook: 'x.html', provenance: { packages: {}, wgslHash: '', runtime: '', command: '' }, sweeps: { s: summary } });
    const back = decodeBaked(text).sweeps.s;
    for (const n of PROMPT_SERIES) expect(Array.from(back.promptBands![n])).toEqual(Array.from(summary.promptBands![n]));
    expect(compareWithBaked(back, summary).ok).toBe(true);
    const changed = structuredClone(back);
    changed.promptBands!.lostShare[3] += 0.25;
    const report = compareWithBaked(changed, summary);
    expect(report.ok).toBe(false);
    expect(report.differences.join('\n')).toMatch(/lostShare bands: 1 of \d+ values differ/);
    const one = await summarizeSweep(await runSweep({ ...spec, base: { ...spec.base, N: 1, B: 1 } } as never, { backend: 'cpu' }));
    expect(one.promptBands).toBeUndefined();
    expect(
      JSON.parse(encodeBaked({ notebook: 'x.html', provenance: { packages: {}, wgslHash: '', runtime: '', command: '' }, sweeps: { s: one } })).sweeps.s,
    ).not.toHaveProperty('promptBands');
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
