/** Length over training (SPEC 1.7): the summary's length bands, their baked round trip and Reproduce's check, the length view and the length fill. */
import { describe, expect, it } from 'vitest';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { checkPlotConfig } from '../notebook/cell-config.ts';
import { compareWithBaked, decodeBaked, expectedLengthAtStart, finalMeanLength, lengthBandAt, LENGTH_SERIES, sweepCsv } from '../results/index.ts';
import { criticalPoints, empiricalThresholds, theoryCurves } from '../theory/index.ts';
import { fieldLabel } from './axis-labels.ts';
import { BAND_CLASS, MEDIAN_CLASS } from './band-panels.ts';
import { lengthRows } from './length-trajectories.ts';
import { phaseRows } from './phase-rows.ts';
import { plotCellFigures } from './plot-cell-figures.ts';
import { cpuSweep, EOS_LENGTH_SPEC, expectBakedBands, expectSeedBands } from './test-fixtures.ts';

const { effectiveStepSize } = await import('../engine/index.ts');

const spec = { ...EOS_LENGTH_SPEC, base: { ...EOS_LENGTH_SPEC.base, targetLength: 3 } };
const ETAS = spec.grid.stepSize;
const { result, summary } = await cpuSweep(spec as never);

describe('length bands', () => {
  it('are the bands over seeds of each length series, per cell and recorded step', () => {
    const R = summary.recordSteps.length;
    expectSeedBands(result, LENGTH_SERIES, ['q10', 'q50', 'q90', 'finite'], (series, cell, r) => lengthBandAt(summary, series, cell, r));
    // Lengths move under EOS: between 1 and L.
    const b = lengthBandAt(summary, 'meanLength', 0, 0)!;
    expect(b.q50).toBeGreaterThanOrEqual(1);
    expect(b.q50).toBeLessThanOrEqual(8);
    expect(finalMeanLength(summary, 1)).toBe(lengthBandAt(summary, 'meanLength', 1, R - 1)!.q50);
  });

  it('are baked and read back bit for bit, and Reproduce names a changed value', () => {
    const text = expectBakedBands(summary, 'lengthBands', LENGTH_SERIES, { change: 'meanLengthFailing', index: 1, by: 0.5 });
    // A file baked before lengths were recorded still reads, but Reproduce names what it lacks (the page would lose those plots).
    const old = JSON.parse(text);
    delete old.sweeps.s.lengthBands;
    const report = compareWithBaked(decodeBaked(JSON.stringify(old)).sweeps.s, summary);
    expect(report.ok).toBe(false);
    expect(report.differences[0]).toMatch(/^lengthBands\.meanLength: missing from the baked file/);
  });
});

describe('the length view and fill', () => {
  const draw = (config: Partial<PlotCellConfig>) =>
    plotCellFigures(
      { sweep: 's', view: 'length', ...config } as PlotCellConfig,
      [{ label: 's', summary, thresholds: empiricalThresholds(summary) }],
      [],
      680,
    )[0];

  it('draws one band and one median per η, for each length asked for', () => {
    for (const length of ['all', 'passing', 'failing', 'expected'] as const) {
      const figure = draw({ length, layout: 'small-multiples' });
      expect(figure.querySelectorAll(`.${BAND_CLASS} path`).length).toBe(ETAS.length);
      expect(figure.querySelectorAll(`.${MEDIAN_CLASS} path`).length).toBe(ETAS.length);
      const rows = lengthRows(summary, undefined, 'stepSize', length);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.q10 <= r.q50 && r.q50 <= r.q90).toBe(true);
    }
    expect(checkPlotConfig({ view: 'length', sweep: 's', length: 'lengths' })[0].message).toMatch(/all, passing, failing, expected/);
    expect(checkPlotConfig({ view: 'phase', sweep: 's', length: 'all' })[0].message).toBe('only the length view reads "length"');
  });

  it('fills the phase diagram with the final mean length and puts E_θ0|o| in the effective step size', () => {
    const layout = phaseRows(summary, { x: 'effectiveStepSize' });
    expect(layout.eosLengths).toBe(true);
    for (const r of layout.rows) {
      expect(r.finalMeanLength).toBe(finalMeanLength(summary, r.cell));
      const start = expectedLengthAtStart(summary, r.cell)!;
      expect(start).toBeGreaterThan(1);
      expect(r.x).toBe(
        effectiveStepSize(
          {
            ...(summary.spec.base as unknown as Record<string, unknown>),
            stepSize: r.stepSize,
            family: 'token',
            L: 8,
            eos: true,
            aggregation: 'seq-mean-token-mean',
            G: 8,
          },
          start,
        ),
      );
    }
    const figure = plotCellFigures(
      { sweep: 's', view: 'phase', fill: 'finalMeanLength', x: 'effectiveStepSize' } as PlotCellConfig,
      [{ label: 's', summary, thresholds: empiricalThresholds(summary) }],
      [],
      680,
    )[0];
    const text = figure.textContent ?? '';
    expect(text).toContain('final mean response length');
    expect(text).toContain('E_π|o| at θ0');
  });

  it('places thresholds, theory curves and the CSV export by the same E_θ0|o| as the phase diagram', () => {
    const layout = phaseRows(summary, { x: 'effectiveStepSize' });
    const scale = layout.rows[0].x / layout.rows[0].stepSize;
    expect(layout.eos).toBe(true); // L is a maximum length: the axes say so
    expect(fieldLabel('L', layout.eos)).toBe('maximum response length L (EOS)');
    expect(fieldLabel('L')).toBe('response length L');
    expect(scale).toBeCloseTo(1 / expectedLengthAtStart(summary, 0)!, 12);
    const thresholds = empiricalThresholds(summary);
    expect(thresholds.rows[0].effectiveScale).toBe(scale);
    const [point] = criticalPoints(thresholds.rows, { effective: true, yKey: null });
    const [raw] = criticalPoints(thresholds.rows, { effective: false, yKey: null });
    if (raw.x !== null) expect(point.x).toBe(raw.x * scale);
    // The CSV's effective step size is the phase diagram's x.
    const csv = sweepCsv(summary).trim().split('\n');
    const col = csv[0].split(',').indexOf('effectiveStepSize');
    expect(csv.slice(1).map((line) => Number(line.split(',')[col]))).toEqual(layout.rows.map((r) => r.x));
    // The theory curves have no per-length aggregation with EOS to place: they refuse it by name.
    expect(() => theoryCurves(spec as never, { y: 'L', instances: 3 })).toThrow(/seq-mean-token-mean with EOS has no exact expected update/);
    // The threshold plot's axis says so.
    const figure = plotCellFigures(
      { sweep: 's', view: 'critical', x: 'effectiveStepSize' } as PlotCellConfig,
      [{ label: 's', summary, thresholds }],
      [],
      680,
    )[0];
    expect(figure.textContent ?? '').toContain('effective critical step size (with EOS, per-length aggregations use the expected length E_π|o| at θ0)');
  });
});
