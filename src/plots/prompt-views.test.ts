/** The prompts-mean and prompts-run views (SPEC 1.8): their rows and marks from a CPU-twin sweep of N = 4 prompts, the run they replay, and the errors that name `where`, `seed` and `base.N`. */
import { describe, expect, it } from 'vitest';
import { replayRun } from '../engine/index.ts';
import { checkPlotConfig, type PlotCellConfig } from '../notebook/cell-config.ts';
import { bandAt, promptBandAt, type SweepSummary } from '../results/index.ts';
import { empiricalThresholds } from '../theory/index.ts';
import { figureKey } from './figure-key.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { PROMPT_MEAN_SERIES, PROMPT_MEAN_STYLES, promptMeanClass, promptMeanRows } from './prompt-mean.ts';
import { chosenRun, LOST_MARK_CLASS, PROMPT_LINE_CLASS, promptRunPoints, replayCaption, RUN_J_CLASS } from './prompt-run.ts';
import { cpuSweep } from './test-fixtures.ts';

const ETAS = [3, 100];
const N = 4;
const spec = {
  base: { V: 6, d: 4, L: 4, N, B: N, J0: 0.3, G: 4, iterations: 40, recordEvery: 10 },
  grid: { stepSize: ETAS },
  seeds: 5,
  seed: 7,
} as const;
const { summary } = await cpuSweep(spec as never);

const figures = (config: Partial<PlotCellConfig>, s: SweepSummary = summary) =>
  plotCellFigures({ sweep: 's', ...config } as PlotCellConfig, [{ label: 's', summary: s, thresholds: empiricalThresholds(s) }], [], 680);

describe('the prompts-mean view', () => {
  it('draws, per η and recorded step, the means over seeds the summary holds: J, share solved, share lost and 1 − lost', () => {
    const rows = promptMeanRows(summary, undefined);
    expect(rows.length).toBe(ETAS.length * summary.recordSteps.length * PROMPT_MEAN_SERIES.length);
    for (const r of rows) {
      const record = summary.recordSteps.indexOf(r.step);
      const lost = promptBandAt(summary, 'lostShare', r.cell, record)!.mean;
      const expected = {
        J: bandAt(summary, r.cell, record).mean,
        solved: promptBandAt(summary, 'solvedShare', r.cell, record)!.mean,
        lost,
        notLost: 1 - lost,
      }[r.series];
      expect(r.value).toBe(expected);
    }
    // At η = 100 some prompt is lost by the end, so the figure is not one of zeros.
    expect(rows.some((r) => r.series === 'lost' && r.stepSize === 100 && r.value > 0)).toBe(true);
  });

  it('draws one line per series and η, in small multiples (the default) and overlaid', () => {
    for (const layout of [undefined, 'overlay'] as const) {
      const figure = figures({ view: 'prompts-mean', layout })[0];
      for (const series of PROMPT_MEAN_SERIES) expect(figure.querySelectorAll(`.${promptMeanClass(series)} path`).length).toBe(ETAS.length);
      expect(figure.textContent).toContain('mean over seeds: J, share solved, share lost');
    }
    expect(figures({ view: 'prompts-mean' })[0].textContent).toContain('η = 100'); // small multiples: each panel names its η
  });

  it('keeps to the cells "where" selects, and refuses results without prompt shares, naming the view and base.N', async () => {
    expect(new Set(promptMeanRows(summary, { stepSize: 100 }).map((r) => r.stepSize))).toEqual(new Set([100]));
    const { promptBands: _dropped, ...without } = summary;
    expect(() => figures({ view: 'prompts-mean' }, without as SweepSummary)).toThrow(/prompts-mean view .*base\.N > 1/);
  });
});

describe('the prompts-run view', () => {
  it('replays the run that "where" and "seed" name and draws one line per prompt, the run’s J and the lost rings', () => {
    const { run, cell, seed } = chosenRun(summary, { stepSize: 100 }, 3);
    expect({ run, cell, seed }).toEqual({ run: 1 * spec.seeds + 3, cell: 1, seed: 3 });
    const replayed = replayRun(summary.spec, run);
    expect(replayed.prompts).toBe(N);
    expect(replayed.finalJ).toBe(summary.finalJ[run]); // a CPU sweep: the replay is the run, bit for bit
    const figure = figures({ view: 'prompts-run', where: { stepSize: 100 }, seed: 3 })[0];
    expect(figure.querySelectorAll(`.${PROMPT_LINE_CLASS} path`).length).toBe(N);
    expect(figure.querySelectorAll(`.${RUN_J_CLASS} path`).length).toBe(1);
    const lost = promptRunPoints(replayed).filter((p) => p.lost);
    expect(figure.querySelectorAll(`.${LOST_MARK_CLASS} circle`).length).toBe(lost.length);
    const text = figure.textContent ?? '';
    expect(text).toContain(`run ${run} (η = 100, seed 3) replayed on the CPU twin from its seed; final J`);
    expect(text).toContain('bit for bit');
  });

  it('marks a prompt lost exactly where J_q < J_q(0)/2, and none at step 0', () => {
    for (let run = 0; run < ETAS.length * spec.seeds; run++) {
      const replayed = replayRun(summary.spec, run);
      const points = promptRunPoints(replayed);
      expect(points.filter((p) => p.step === 0).every((p) => !p.lost)).toBe(true);
      // Per record, the share of prompts marked lost is the run's own lost share.
      replayed.recordSteps.forEach((step, r) => {
        const marked = points.filter((p) => p.step === step && p.lost).length;
        expect(Math.fround(marked / N)).toBe(replayed.lostShare[r]);
      });
    }
  });

  it('says by how much the replay differs when the sweep’s final J is not the replay’s (a WebGPU sweep)', () => {
    const { run } = chosenRun(summary, { stepSize: 3 }, 0);
    const replayed = replayRun(summary.spec, run);
    const finalJ = summary.finalJ.slice();
    finalJ[run] += 0.002;
    const gpu = { ...summary, finalJ, backend: { ...summary.backend, kind: 'webgpu' as const, adapter: 'SwiftShader' } };
    const caption = replayCaption(gpu, replayed);
    expect(caption).toMatch(/the sweep's: [\d.]+, run on WebGPU \(SwiftShader\); they differ by 0\.002/);
    expect(caption).not.toContain('bit for bit');
  });

  it('names "where" and how many cells it selects unless exactly one', () => {
    expect(() => figures({ view: 'prompts-run', seed: 0 })).toThrow(
      'where = {} selects 2 grid cells; the prompts-run view replays one run, so "where" must select exactly one (fix stepSize)',
    );
    expect(() => chosenRun(summary, { stepSize: 7 }, 0)).toThrow(/where = \{"stepSize":7\} selects 0 grid cells/);
  });

  it('names "seed" and its range when the seed is not one of the cell’s', () => {
    for (const seed of [5, -1, 1.5])
      expect(() => figures({ view: 'prompts-run', where: { stepSize: 3 }, seed })).toThrow(
        `seed = ${seed}: must be an integer in [0, 5) (the sweep's seeds per grid cell)`,
      );
  });

  it('refuses a sweep of one prompt, naming the view and base.N', async () => {
    const { summary: one } = await cpuSweep({ ...spec, base: { ...spec.base, N: 1, B: 1 }, grid: { stepSize: [3] } } as never);
    expect(() => figures({ view: 'prompts-run', seed: 0 }, one)).toThrow(
      'the prompts-run view draws J_q of each prompt, and this cell has one prompt (base.N = 1): set base.N > 1',
    );
  });
});

describe('the keys of the prompt views', () => {
  it('name each series of prompts-mean with its own stroke, or say η colours them when overlaid', () => {
    const key = figureKey({ view: 'prompts-mean' });
    expect(key.map((e) => e.label)).toEqual(PROMPT_MEAN_SERIES.map((s) => PROMPT_MEAN_STYLES[s].label));
    expect(key.map((e) => (e.swatch?.kind === 'line' ? e.swatch.css : ''))).toEqual(['solid', 'dotted', 'solid', 'dashed']);
    expect(figureKey({ view: 'prompts-mean', layout: 'overlay' }).every((e) => e.label.endsWith('(coloured by η)'))).toBe(true);
  });

  it('name every mark of prompts-run: prompt lines, the run’s J, the ½ and J_q(0)/2 lines, the lost rings', () => {
    expect(figureKey({ view: 'prompts-run' }).map((e) => e.mark)).toEqual(['prompt', 'mean', 'solved-line', 'lost-line', 'lost']);
  });
});

describe('plot cell config of the prompt views', () => {
  const issues = (value: object) => checkPlotConfig(value).map((i) => `${i.field}: ${i.message}`);

  it('accepts both views, prompts-run with a seed', () => {
    expect(issues({ view: 'prompts-mean', sweep: 's', layout: 'overlay' })).toEqual([]);
    expect(issues({ view: 'prompts-run', sweep: 's', where: { stepSize: 3 }, seed: 2 })).toEqual([]);
  });

  it('refuses an unknown view, naming the nearest', () => {
    const [issue] = issues({ view: 'prompts-means', sweep: 's' });
    expect(issue).toMatch(
      /^view: view = "prompts-means": must be one of .*prompts-mean, clipped-share, kl-reference, held-out, prompts-run.* \(did you mean prompts-mean\?\)$/,
    );
  });

  it('names "seed" when prompts-run lacks one or has a bad one, and when another view sets one', () => {
    expect(issues({ view: 'prompts-run', sweep: 's' })).toEqual([
      'seed: the prompts-run view reads "seed": the replayed run\'s seed within the grid cell "where" selects, an integer in [0, seeds)',
    ]);
    for (const seed of [-1, 2.5, '3'])
      expect(issues({ view: 'prompts-run', sweep: 's', seed })).toEqual([
        `seed: seed = ${JSON.stringify(seed)}: must be an integer in [0, seeds), the run's seed within its grid cell`,
      ]);
    expect(issues({ view: 'prompts-mean', sweep: 's', seed: 1 })).toEqual([
      'seed: only the prompts-run view reads "seed" (the seed of the one run it replays)',
    ]);
  });
});
