/**
 * The streamed results files (SweepFilesWriter, fed chunk by chunk in run order) are byte for byte
 * what the whole-sweep writer wrote before streaming (commit 072a5f7). The reference below is an
 * independent plain writer of that format (a table of columns, JSON.stringify per value), which
 * wrote the same bytes as 072a5f7's writer for these sweeps.
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
  runOutputNamesOf,
  RUN_OUTPUTS,
  type CellStats,
  type RunOutputName,
  type SweepSpecInput,
} from '../engine/index.ts';
import { cellEffectiveStepSize, summarizeSweep } from '../results/index.ts';
import { f32Json, f32Text } from './float-format.ts';
import { OutputStage } from './output-files.ts';
import { SWEEP_FORMAT, SWEEP_VERSION, SweepFilesWriter, writeSweepFiles, type SweepData } from './results-files.ts';

// ---- the reference: a plain whole-table writer, written from the files' format (results-files.ts's header, RUN_OUTPUTS' csv), not from the streaming writer ----
const isFlag = (name: RunOutputName) => RUN_OUTPUTS[name].array === Uint8Array;
/** Cell statistics held as f32 (written exactly); the others are counts and a probability. */
const F32_STATS = new Set(['meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90']);
const STAT_COLUMNS = ['runs', 'finite', 'diverged', 'meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90', 'collapsed', 'collapseProbability'] as const;

type Column = { name: string; value: (i: number) => unknown };
/** A table as CSV: a header row, then one row per record, fields quoted where they hold a comma, quote or newline. */
function csvTable(columns: Column[], rows: number): string {
  const field = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  const table = [columns.map((c) => c.name), ...Array.from({ length: rows }, (_, i) => columns.map((c) => c.value(i)))];
  return `${table.map((row) => row.map(field).join(',')).join('\n')}\n`;
}

/** The sweep JSON: one JSON value per key, keys sharing a line where the format puts them together, lists of cells, statistics and per-run records one item a line. */
function sweepJson(d: SweepData): string {
  const R = d.runs.recordSteps.length;
  const n = d.runRange[1] - d.runRange[0];
  const value = (name: RunOutputName, x: number) => (isFlag(name) ? x : f32Json(x));
  const pair = ([key, v]: [string, unknown]) => `${JSON.stringify(key)}: ${JSON.stringify(v)}`;
  const itemLines = (key: string, items: unknown[]) => `${JSON.stringify(key)}: [\n${items.map((item) => `  ${JSON.stringify(item)}`).join(',\n')}\n]`;
  const sameLine: [string, unknown][][] = [
    [
      ['format', SWEEP_FORMAT],
      ['version', SWEEP_VERSION],
    ],
    [['sweep', d.sweep]],
    [['specHash', d.specHash]],
    [['spec', d.spec]],
    [
      ['runCount', d.runCount],
      ['runRange', d.runRange],
    ],
    [['recordSteps', d.runs.recordSteps]],
  ];
  const cells = expandGrid(d.spec).map((c) => ({ cell: c.index, values: c.values, effectiveStepSize: effectiveStepSize(c.params) }));
  const stats = d.cellStats.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, F32_STATS.has(k) ? f32Json(v) : v])));
  const outputs = runOutputNamesOf(d.spec).map((name) => {
    const values = Array.from(d.runs[name], (x) => value(name, x));
    if (RUN_OUTPUTS[name].per === 'run') return pair([name, values]);
    return itemLines(
      name,
      Array.from({ length: n }, (_, i) => values.slice(i * R, (i + 1) * R)),
    );
  });
  const body = [
    ...sameLine.map((line) => `${line.map(pair).join(', ')},`),
    `${itemLines('cells', cells)},`,
    `${itemLines('cellStats', stats)},`,
    outputs.join(',\n'),
  ];
  return `{\n${body.join('\n')}\n}\n`;
}

/** The runs CSV: run, cell, seed, the grid's values; each output's one column (a per-record one's last record); then each per-step output's column per recorded step. */
function runsCsv(d: SweepData): string {
  const steps = d.runs.recordSteps;
  const R = steps.length;
  const grid = expandGrid(d.spec);
  const run = (i: number) => d.runRange[0] + i;
  const cell = (i: number) => grid[Math.floor(run(i) / d.spec.seeds)];
  const text = (name: RunOutputName, x: number) => (isFlag(name) ? x : f32Text(x));
  const columns: Column[] = [
    { name: 'run', value: run },
    { name: 'cell', value: (i: number) => cell(i).index },
    { name: 'seed', value: (i: number) => run(i) % d.spec.seeds },
    ...GRID_KEYS.filter((k) => k in d.spec.grid).map((k) => ({ name: k, value: (i: number) => cell(i).params[k] })),
  ];
  const csvOf = (name: RunOutputName) => RUN_OUTPUTS[name].csv as string | { final?: string; eachStep?: string } | undefined;
  for (const name of runOutputNamesOf(d.spec)) {
    const csv = csvOf(name);
    if (typeof csv === 'string') columns.push({ name: csv, value: (i) => text(name, d.runs[name][i]) });
    else if (csv?.final) columns.push({ name: csv.final, value: (i) => text(name, d.runs[name][i * R + R - 1]) });
  }
  for (const name of runOutputNamesOf(d.spec)) {
    const csv = csvOf(name);
    const prefix = typeof csv === 'object' ? csv.eachStep : undefined;
    if (prefix) steps.forEach((t, r) => columns.push({ name: `${prefix}_${t}`, value: (i) => text(name, d.runs[name][i * R + r]) }));
  }
  return csvTable(columns, d.runRange[1] - d.runRange[0]);
}

/** The cells CSV (the page's CSV export's columns): cell, the grid's values but η, η, its effective step size, J0, the statistics. */
function cellsCsv(d: SweepData): string {
  const grid = expandGrid(d.spec);
  const params = (i: number) => grid[d.cellStats[i].cell].params;
  const columns = [
    { name: 'cell', value: (i: number) => d.cellStats[i].cell },
    ...GRID_KEYS.filter((k) => k in d.spec.grid && k !== 'stepSize').map((k) => ({ name: k, value: (i: number) => params(i)[k] })),
    { name: 'stepSize', value: (i: number) => params(i).stepSize },
    { name: 'effectiveStepSize', value: (i: number) => effectiveStepSize(params(i)) },
    { name: 'J0', value: (i: number) => params(i).J0 },
    ...STAT_COLUMNS.map((k) => ({ name: k, value: (i: number) => (F32_STATS.has(k) ? f32Text(d.cellStats[i][k]) : d.cellStats[i][k]) })),
  ];
  return csvTable(columns, d.cellStats.length);
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
