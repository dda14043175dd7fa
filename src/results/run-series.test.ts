/**
 * Per-run series export: a summary keeps every run's recorded series up to RUN_SERIES_LIMIT, the
 * long CSV takes its columns from RUN_OUTPUTS (one row per run and recorded step), the JSON holds
 * one list per run and series, and baked files never carry the series.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeBaked,
  encodeBaked,
  RUN_SERIES_LIMIT,
  runSeriesCsv,
  runSeriesJson,
  runSeriesMissing,
  SERIES_OUTPUTS,
  seriesColumn,
  summarizeSweep,
  sweepJson,
} from './index.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep, RUN_OUTPUTS, RUN_OUTPUT_NAMES, PER_RUN_OUTPUTS, outputApplies } = await import('../engine/index.ts');

const spec = { base: { iterations: 20, recordEvery: 5 }, grid: { stepSize: [1, 30], L: [2, 4] }, seeds: 3 };
const provenance = { packages: { gradgap: '0.1.0' }, wgslHash: 'x', runtime: 'node', command: 'test' };
const summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
const R = summary.recordSteps.length; // 5: steps 0, 5, 10, 15, 20
const runs = 4 * 3;
/** The series a log-linear sweep keeps: every per-record output but the transformer's own (held-out J). */
const KEPT = SERIES_OUTPUTS.filter((n) => outputApplies(n, summary.spec));

describe('per-run series', () => {
  it('are every per-record output RUN_OUTPUTS declares, kept whole for a small sweep', () => {
    const perRecord = RUN_OUTPUT_NAMES.filter((n) => RUN_OUTPUTS[n].per === 'record');
    expect(SERIES_OUTPUTS).toEqual(perRecord);
    expect(SERIES_OUTPUTS).toEqual(expect.arrayContaining(['trajectory', 'thetaNorm', 'gradientNorm', 'gapNorm', 'heldOutJ']));
    expect(KEPT).toEqual(SERIES_OUTPUTS.filter((n) => n !== 'heldOutJ'));
    expect(Object.keys(summary.runSeries!)).toEqual(KEPT);
    for (const name of KEPT) expect(summary.runSeries?.[name]).toHaveLength(runs * R);
    expect(runSeriesMissing(summary)).toBeUndefined();
  });

  it('CSV: long format, columns named from RUN_OUTPUTS, one row per run and recorded step', () => {
    const lines = runSeriesCsv(summary).trimEnd().split('\n');
    const header = lines[0].split(',');
    const series = KEPT.map(seriesColumn);
    expect(series[0]).toBe('J'); // as the CLI's per-step columns J_<step>
    expect(header).toEqual(['run', 'cell', 'seed', 'stepSize', 'L', 'step', ...series, 'initialJ', 'finalJ', 'minJ', 'diverged']);
    expect(PER_RUN_OUTPUTS).toEqual(['initialJ', 'finalJ', 'minJ', 'diverged']);
    expect(lines).toHaveLength(1 + runs * R);
    // Run 7, recorded step 2: every series' value at [run · R + record], and the run's finals.
    const row = Object.fromEntries(lines[1 + 7 * R + 2].split(',').map((v, i) => [header[i], v]));
    expect(row).toMatchObject({ run: '7', cell: '2', seed: '1', step: String(summary.recordSteps[2]) });
    for (const name of KEPT) {
      const x = summary.runSeries![name]![7 * R + 2];
      expect(Math.fround(Number(row[seriesColumn(name)]))).toBe(x); // f32 written exactly (or NaN)
    }
    expect(Math.fround(Number(row.finalJ))).toBe(summary.finalJ[7]);
    // The first J of a run is its initial J.
    expect(Number(Object.fromEntries(lines[1 + 7 * R].split(',').map((v, i) => [header[i], v])).J)).toBe(Number(row.initialJ));
  });

  it('JSON: per run its cell, seed, finals and one list per series under its RUN_OUTPUTS name', () => {
    const back = JSON.parse(runSeriesJson(summary));
    expect(back.recordSteps).toEqual(summary.recordSteps);
    expect(back.runs).toHaveLength(runs);
    const run = back.runs[5];
    expect(run).toMatchObject({ run: 5, cell: 1, seed: 2 });
    for (const name of KEPT) expect(run[name]).toHaveLength(R);
    expect(Math.fround(run.trajectory[R - 1])).toBe(summary.runSeries!.trajectory![5 * R + R - 1]);
    // The sweep's own JSON export stays as it was: no per-run series in it.
    expect(JSON.parse(sweepJson(summary))).not.toHaveProperty('runSeries');
  });

  it('a summary without series says why; one over the limit says the limit', () => {
    const baked = decodeBaked(encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: summary } })).sweeps.s;
    expect(baked.runSeries).toBeUndefined(); // never written into a baked file
    expect(encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: summary } })).not.toContain('runSeries');
    expect(runSeriesMissing(baked)).toMatch(/bands only/);
    expect(() => runSeriesCsv(baked)).toThrow(/not kept/);
    const big = { ...summary, runSeries: undefined, finalJ: new Float32Array(Math.ceil(RUN_SERIES_LIMIT / R) + 1) };
    expect(runSeriesMissing(big)).toMatch(/over the 1,000,000 the page keeps/);
  });

  it('a cancelled sweep exports the runs of its finished cells only', () => {
    const partial = { ...summary, cellStats: summary.cellStats.filter((s) => s.cell !== 1) };
    const lines = runSeriesCsv(partial).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 3 * 3 * R);
    expect(lines.slice(1).some((l) => l.split(',')[1] === '1')).toBe(false);
  });
});
