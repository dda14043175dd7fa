/**
 * The streamed results files (SweepFilesWriter, fed chunk by chunk in run order) are byte for byte
 * what the whole-sweep writer wrote before streaming (commit 072a5f7), kept below as the reference.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  effectiveStepSize,
  expandGrid,
  GRID_KEYS,
  parseSpec,
  runSweep,
  RUN_OUTPUT_NAMES,
  RUN_OUTPUTS,
  type CellStats,
  type GridKey,
  type RunOutputName,
  type RunOutputSpec,
  type SweepSpec,
  type SweepSpecInput,
} from '../engine/index.ts';
import { cellEffectiveStepSize, summarizeSweep } from '../results/index.ts';
import { f32Json, f32Text } from './float-format.ts';
import { OutputStage } from './output-files.ts';
import { SWEEP_FORMAT, SWEEP_VERSION, SweepFilesWriter, writeSweepFiles, type SweepData } from './results-files.ts';

// ---- the reference: results-files.ts as of 072a5f7, unchanged ----
const F32_STATS = ['meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90'] as const;
const STAT_COLUMNS = ['runs', 'finite', 'diverged', 'meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90', 'collapsed', 'collapseProbability'] as const;

const csvField = (v: unknown) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvRow = (fields: unknown[]) => fields.map(csvField).join(',');
const f32List = (a: ArrayLike<number>) => `[${Array.from(a, (x) => JSON.stringify(f32Json(x))).join(',')}]`;
const isFlag = (name: RunOutputName) => RUN_OUTPUTS[name].array === Uint8Array;
/** One value of an output as CSV text: f32 exactly, a flag as 0/1. */
const csvValue = (name: RunOutputName, x: number) => (isFlag(name) ? x : f32Text(x));

/** Cell statistics with f32 fields written exactly and NaN as "NaN". */
function statsJson(s: CellStats): Record<string, number | string> {
  const out: Record<string, number | string> = { ...s };
  for (const k of F32_STATS) out[k] = f32Json(s[k]);
  return out;
}

function sweepJson(d: SweepData): string {
  const cells = expandGrid(d.spec);
  const R = d.runs.recordSteps.length;
  const n = d.runRange[1] - d.runRange[0];
  const perRun = (a: Float32Array | Uint8Array) => Array.from({ length: n }, (_, i) => `  ${f32List(a.subarray(i * R, (i + 1) * R))}`).join(',\n');
  // Every output in declaration order: a per-run one as one list, a per-record one as a list per run.
  const outputs = RUN_OUTPUT_NAMES.map((name) => {
    const a = d.runs[name];
    if (RUN_OUTPUTS[name].per === 'record') return `${JSON.stringify(name)}: [\n${perRun(a)}\n]`;
    return `${JSON.stringify(name)}: ${isFlag(name) ? JSON.stringify(Array.from(a)) : f32List(a)}`;
  });
  const lines = [
    '{',
    `"format": ${JSON.stringify(SWEEP_FORMAT)}, "version": ${SWEEP_VERSION},`,
    `"sweep": ${JSON.stringify(d.sweep)},`,
    `"specHash": ${JSON.stringify(d.specHash)},`,
    `"spec": ${JSON.stringify(d.spec)},`,
    `"runCount": ${d.runCount}, "runRange": ${JSON.stringify(d.runRange)},`,
    `"recordSteps": ${JSON.stringify(d.runs.recordSteps)},`,
    `"cells": [\n${cells.map((c) => `  ${JSON.stringify({ cell: c.index, values: c.values, effectiveStepSize: effectiveStepSize(c.params) })}`).join(',\n')}\n],`,
    `"cellStats": [\n${d.cellStats.map((s) => `  ${JSON.stringify(statsJson(s))}`).join(',\n')}\n],`,
    outputs.join(',\n'),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

function gridKeysOf(spec: SweepSpec): GridKey[] {
  return GRID_KEYS.filter((k) => k in spec.grid);
}

function runsCsv(d: SweepData): string {
  const cells = expandGrid(d.spec);
  const keys = gridKeysOf(d.spec);
  const steps = d.runs.recordSteps;
  const R = steps.length;
  // Columns from RUN_OUTPUTS' csv: one value per run first (a per-record output's at the last record), then the per-step columns.
  const single = RUN_OUTPUT_NAMES.flatMap((name) => {
    const { csv }: RunOutputSpec = RUN_OUTPUTS[name];
    if (typeof csv === 'string') return [{ name, column: csv, at: (i: number) => i }];
    if (csv && 'final' in csv) return [{ name, column: csv.final, at: (i: number) => i * R + R - 1 }];
    return [];
  });
  const eachStep = RUN_OUTPUT_NAMES.flatMap((name) => {
    const { csv }: RunOutputSpec = RUN_OUTPUTS[name];
    return csv && typeof csv === 'object' && 'eachStep' in csv ? [{ name, prefix: csv.eachStep }] : [];
  });
  const header = ['run', 'cell', 'seed', ...keys, ...single.map((c) => c.column), ...eachStep.flatMap((c) => steps.map((t) => `${c.prefix}_${t}`))];
  const rows = [csvRow(header)];
  for (let i = 0; i < d.runRange[1] - d.runRange[0]; i++) {
    const run = d.runRange[0] + i;
    const cell = cells[Math.floor(run / d.spec.seeds)];
    rows.push(
      csvRow([
        run,
        cell.index,
        run % d.spec.seeds,
        ...keys.map((k) => cell.params[k]),
        ...single.map((c) => csvValue(c.name, d.runs[c.name][c.at(i)])),
        ...eachStep.flatMap((c) => Array.from(d.runs[c.name].subarray(i * R, (i + 1) * R), (x) => csvValue(c.name, x))),
      ]),
    );
  }
  return `${rows.join('\n')}\n`;
}

/** Same columns as the page's CSV export (src/results/export.ts), with f32 values written exactly. */
function cellsCsv(d: SweepData): string {
  const cells = expandGrid(d.spec);
  const keys = gridKeysOf(d.spec).filter((k) => k !== 'stepSize');
  const rows = [csvRow(['cell', ...keys, 'stepSize', 'effectiveStepSize', 'J0', ...STAT_COLUMNS])];
  for (const s of d.cellStats) {
    const p = cells[s.cell].params;
    const stat = (c: (typeof STAT_COLUMNS)[number]) => ((F32_STATS as readonly string[]).includes(c) ? f32Text(s[c]) : s[c]);
    rows.push(csvRow([s.cell, ...keys.map((k) => p[k]), p.stepSize, effectiveStepSize(p), p.J0, ...STAT_COLUMNS.map(stat)]));
  }
  return `${rows.join('\n')}\n`;
}

// ---- end of the reference ----

const reference = (d: SweepData) => ({
  [`sweeps/${d.sweep}.json`]: sweepJson(d),
  [`sweeps/${d.sweep}.runs.csv`]: runsCsv(d),
  [`sweeps/${d.sweep}.cells.csv`]: cellsCsv(d),
});

function read(dir: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(files).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('streamed results files', () => {
  // 3 × 2 cells × 7 seeds, chunks of 5 runs: cells split between chunks; one step size diverges.
  const input = { base: { iterations: 12, recordEvery: 4 }, grid: { stepSize: [1, 30, 1e5], L: [2, 4] }, seeds: 7 };
  const spec = parseSpec(input);
  const runCount = 42;

  for (const range of [
    [0, 42],
    [5, 31],
  ] as [number, number][]) {
    it(`runs [${range[0]}, ${range[1]}): streamed chunk by chunk equals the reference byte for byte`, async () => {
      const whole = await runSweep(input, { backend: 'cpu', runRange: range, chunkRuns: 5 });
      const data: SweepData = { sweep: 'sweep', specHash: whole.specHash, spec, runCount, runRange: range, runs: whole.runs, cellStats: whole.cellStats };
      const expected = reference(data);

      const dir = mkdtempSync(join(tmpdir(), 'gradgap-stream-'));
      const stage = OutputStage.open(dir);
      const writer = new SweepFilesWriter(stage, 'sweep', spec, range, runCount);
      const lean = await runSweep(input, { backend: 'cpu', runRange: range, chunkRuns: 5, keepSeries: false, onRuns: (c) => writer.write(c) });
      expect(lean.runs.trajectory.length).toBe(0);
      writer.finish(lean.specHash, lean.cellStats);
      stage.commit();
      expect(read(dir, expected)).toEqual(expected);

      // The whole-table path (merge, the chrome host) writes the same bytes.
      const dir2 = mkdtempSync(join(tmpdir(), 'gradgap-stream-'));
      const stage2 = OutputStage.open(dir2);
      writeSweepFiles(stage2, data);
      stage2.commit();
      expect(read(dir2, expected)).toEqual(expected);
    });
  }

  it('an empty range writes what the reference wrote for no runs', () => {
    const runs = { ...Object.fromEntries(RUN_OUTPUT_NAMES.map((n) => [n, new RUN_OUTPUTS[n].array(0)])), runCount: 0, recordSteps: [0, 4, 8, 12] };
    const data = { sweep: 'sweep', specHash: 'h', spec, runCount, runRange: [7, 7], runs, cellStats: [] as CellStats[] } as SweepData;
    const dir = mkdtempSync(join(tmpdir(), 'gradgap-stream-'));
    const stage = OutputStage.open(dir);
    writeSweepFiles(stage, data);
    stage.commit();
    const expected = reference(data);
    expect(read(dir, expected)).toEqual(expected);
  });

  it('runs written out of order are refused', () => {
    const stage = OutputStage.open(mkdtempSync(join(tmpdir(), 'gradgap-stream-')));
    const writer = new SweepFilesWriter(stage, 'sweep', spec, [0, 42], runCount);
    expect(() => writer.write({ begin: 5, end: 10 } as never)).toThrow(/out of order \(next is 0\)/);
    stage.discard();
  });

  it("with EOS, the effective step size of a per-length aggregation is the summary's (E_θ0|o|), streamed or whole", async () => {
    const eos: SweepSpecInput = {
      base: { family: 'token', V: 6, d: 4, L: 8, eos: true, targetLength: 3, reward: 'final-answer', J0: 0.3, G: 4, iterations: 8, recordEvery: 4 },
      grid: { stepSize: [1, 1e4], aggregation: ['seq-mean-token-mean', 'constant'] },
      seeds: 5,
    };
    const eosSpec = parseSpec(eos);
    const whole = await runSweep(eos, { backend: 'cpu' });
    const summary = await summarizeSweep(whole);
    const expected = expandGrid(eosSpec).map((c) => cellEffectiveStepSize(summary, c));
    expect(expected[0]).not.toBe(effectiveStepSize(expandGrid(eosSpec)[0].params)); // E_θ0|o| < L
    const dir = mkdtempSync(join(tmpdir(), 'gradgap-stream-'));
    const stage = OutputStage.open(dir);
    const writer = new SweepFilesWriter(stage, 'sweep', eosSpec, [0, 20], 20);
    const lean = await runSweep(eos, { backend: 'cpu', chunkRuns: 3, keepSeries: false, onRuns: (c) => writer.write(c) });
    writer.finish(lean.specHash, lean.cellStats);
    stage.commit();
    const lines = readFileSync(join(dir, 'sweeps/sweep.cells.csv'), 'utf8').trim().split('\n');
    const col = lines[0].split(',').indexOf('effectiveStepSize');
    expect(lines.slice(1).map((l) => Number(l.split(',')[col]))).toEqual(expected);
    const json = JSON.parse(readFileSync(join(dir, 'sweeps/sweep.json'), 'utf8'));
    expect(json.cells.map((c: { effectiveStepSize: number }) => c.effectiveStepSize)).toEqual(expected);
  });
});
