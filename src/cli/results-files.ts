/**
 * The results files of one sweep, as `gradgap run` and `gradgap merge` write them:
 *   sweeps/<id>.json       spec, hash, cells, per-cell statistics, every run's J(t) and ‖θ‖(t)
 *   sweeps/<id>.runs.csv   one row per run
 *   sweeps/<id>.cells.csv  one row per grid cell
 * f32 values are written as the shortest decimal that reads back to the same bits, so a file is
 * exact and a merge of shards is byte-identical to one unsharded run. Nothing here depends on
 * timing, host or adapter: that goes to provenance.json.
 *
 * @example
 *   const files = sweepFiles('sweep', result);   // { 'sweeps/sweep.json': '…', … }
 *   const back = readSweepJson(files['sweeps/sweep.json']);
 */
import {
  allocateRunArrays,
  effectiveStepSize,
  expandGrid,
  GRID_KEYS,
  recordSteps,
  RUN_OUTPUT_NAMES,
  RUN_OUTPUTS,
  type CellStats,
  type GridKey,
  type RunOutputName,
  type RunOutputs,
  type RunOutputSpec,
  type SweepSpec,
} from '../engine/index.ts';
import { f32FromJson, f32Json, f32Text } from './float-format.ts';
import type { RangeResult } from './run-range.ts';

export const SWEEP_FORMAT = 'gradgap-sweep-results';
export const SWEEP_VERSION = 1;

/** What a sweep JSON file holds (the part of a RangeResult that is reproducible). */
export interface SweepData {
  sweep: string;
  specHash: string;
  spec: SweepSpec;
  runCount: number; // runs in the whole sweep
  runRange: [number, number]; // runs held in this file
  runs: RunOutputs; // runs[runRange[0] … runRange[1]), index run − runRange[0]
  cellStats: CellStats[]; // cells wholly inside runRange
}

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

/** Paths (relative to --out) and texts of one sweep's results files. */
export function sweepFiles(d: SweepData): Record<string, string> {
  return {
    [`sweeps/${d.sweep}.json`]: sweepJson(d),
    [`sweeps/${d.sweep}.runs.csv`]: runsCsv(d),
    [`sweeps/${d.sweep}.cells.csv`]: cellsCsv(d),
  };
}

/** The reproducible part of a range result, under a sweep id. */
export function sweepData(sweep: string, r: RangeResult): SweepData {
  return { sweep, specHash: r.specHash, spec: r.spec, runCount: r.runCount, runRange: r.runRange, runs: r.runs, cellStats: r.cellStats };
}

/** Reads a sweep JSON file back; throws an Error naming what is wrong. */
export function readSweepJson(text: string): SweepData {
  const raw = JSON.parse(text);
  if (raw?.format !== SWEEP_FORMAT || raw.version !== SWEEP_VERSION) throw new Error(`not a ${SWEEP_FORMAT} version ${SWEEP_VERSION} file`);
  const spec = raw.spec as SweepSpec;
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  const [begin, end] = raw.runRange as [number, number];
  const n = end - begin;
  const runs: RunOutputs = { ...allocateRunArrays(0, 0), runCount: n, recordSteps: steps };
  for (const name of RUN_OUTPUT_NAMES) {
    const values = (RUN_OUTPUTS[name].per === 'record' ? (raw[name] as (number | string)[][]).flat() : raw[name]) as (number | string)[];
    (runs as Record<RunOutputName, Float32Array | Uint8Array>)[name] = isFlag(name)
      ? Uint8Array.from(values as number[])
      : Float32Array.from(values, f32FromJson);
  }
  if (runs.finalJ.length !== n || runs.trajectory.length !== n * steps.length)
    throw new Error(`holds ${runs.finalJ.length} runs for the range [${begin}, ${end})`);
  const cellStats = (raw.cellStats as Record<string, number | string>[]).map((s) => {
    const out = { ...s } as Record<string, number>;
    for (const k of F32_STATS) out[k] = f32FromJson(s[k]);
    return out as unknown as CellStats;
  });
  return { sweep: raw.sweep, specHash: raw.specHash, spec, runCount: raw.runCount, runRange: [begin, end], runs, cellStats };
}
