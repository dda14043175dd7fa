/** The PPO loop over training (SPEC 1.9): its bands over seeds, their baked round trip and verify's check, and the two views. */
import { describe, expect, it } from 'vitest';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { PPO_SERIES, seriesBandAt } from '../results/index.ts';
import { empiricalThresholds } from '../theory/index.ts';
import { BAND_CLASS, MEDIAN_CLASS } from './band-panels.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { cpuSweep, expectBakedBands, expectSeedBands } from './test-fixtures.ts';

const ETAS = [3, 30];
const spec = {
  base: { V: 6, d: 4, L: 4, J0: 0.3, G: 6, iterations: 30, recordEvery: 10, ppoEpochs: 4, klCoef: 0.01 },
  grid: { stepSize: ETAS },
  seeds: 6,
  seed: 3,
} as const;
const { result, summary } = await cpuSweep(spec as never);

describe('PPO bands', () => {
  it('are the bands over seeds of the clipped share and the KL, per cell and recorded step', () => {
    expectSeedBands(result, PPO_SERIES, ['q10', 'q50', 'q90', 'mean'], (series, cell, r) => seriesBandAt(summary, series, cell, r));
    expect(seriesBandAt(summary, 'klReference', 0, 0)!.mean).toBe(0); // π_θ0 itself
  });

  it('are baked and read back bit for bit, and verify names a changed value', () => {
    expectBakedBands(summary, 'ppoBands', PPO_SERIES, { change: 'klReference', index: 5, by: 0.25 });
  });

  it('the clipped-share and kl-reference views draw one band and one median per η', () => {
    for (const view of ['clipped-share', 'kl-reference'] as const) {
      const figure = plotCellFigures(
        { sweep: 's', view, layout: 'small-multiples' } as PlotCellConfig,
        [{ label: 's', summary, thresholds: empiricalThresholds(summary) }],
        [],
        680,
      )[0];
      expect(figure.querySelectorAll(`.${BAND_CLASS} path`).length).toBe(ETAS.length);
      expect(figure.querySelectorAll(`.${MEDIAN_CLASS} path`).length).toBe(ETAS.length);
      expect(figure.textContent).toContain(view === 'kl-reference' ? 'KL(π_θ ‖ π_θ0)' : 'clipped share');
    }
  });
});
