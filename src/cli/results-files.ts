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
 *   writeSweepFiles(stage, sweepData('sweep', result));   // or a SweepFilesWriter fed chunk by chunk
 *   const back = readSweepJson(readFileSync('out/sweeps/sweep.json', 'utf8'));
 */
import {
  allocateRunArrays,
  bandOf,
  effectiveStepSize,
  expandGrid,
  GRID_KEYS,
  isTransformer,
  outputLength,
  perLengthAggregation,
  runOutputNamesOf,
  recordSteps,
  RUN_OUTPUT_NAMES,
  RUN_OUTPUTS,
  type Cell,
  type CellStats,
  type GridKey,
  type RunArrays,
  type RunChunk,
  type RunOutputName,
  type RunOutputs,
  type RunOutputSpec,
  type SweepSpec,
} from '../engine/index.ts';
import { csvText } from '../results/index.ts';
import { f32FromJson, f32Json, f32Text } from './float-format.ts';
import type { OutputStage, StagedFile } from './output-files.ts';
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

const csvField = (v: unknown) => (typeof v === 'number' ? String(v) : csvText(String(v)));
const csvRow = (fields: unknown[]) => fields.map(csvField).join(',');
const f32Items = (a: ArrayLike<number>) => Array.from(a, (x) => JSON.stringify(f32Json(x))).join(',');
const f32List = (a: ArrayLike<number>) => `[${f32Items(a)}]`;
const isFlag = (name: RunOutputName) => RUN_OUTPUTS[name].array === Uint8Array;
/** One value of an output as CSV text: f32 exactly, a flag as 0/1. */
const csvValue = (name: RunOutputName, x: number) => (isFlag(name) ? x : f32Text(x));

/** Cell statistics with f32 fields written exactly and NaN as "NaN". */
function statsJson(s: CellStats): Record<string, number | string> {
  const out: Record<string, number | string> = { ...s };
  for (const k of F32_STATS) out[k] = f32Json(s[k]);
  return out;
}

/** A cell's effective step size as the files write it (SweepFilesWriter.effective). */
type EffectiveStep = (cell: Cell) => number;

/** The sweep JSON's lines before the runs' outputs (everything but the runs is known by then). */
function jsonHead(d: Omit<SweepData, 'runs'>, recordSteps: number[], effective: EffectiveStep): string {
  const cells = expandGrid(d.spec);
  const lines = [
    '{',
    `"format": ${JSON.stringify(SWEEP_FORMAT)}, "version": ${SWEEP_VERSION},`,
    `"sweep": ${JSON.stringify(d.sweep)},`,
    `"specHash": ${JSON.stringify(d.specHash)},`,
    `"spec": ${JSON.stringify(d.spec)},`,
    `"runCount": ${d.runCount}, "runRange": ${JSON.stringify(d.runRange)},`,
    `"recordSteps": ${JSON.stringify(recordSteps)},`,
    `"cells": [\n${cells.map((c) => `  ${JSON.stringify({ cell: c.index, values: c.values, effectiveStepSize: effective(c) })}`).join(',\n')}\n],`,
    `"cellStats": [\n${d.cellStats.map((s) => `  ${JSON.stringify(statsJson(s))}`).join(',\n')}\n],`,
  ];
  return `${lines.join('\n')}\n`;
}

function gridKeysOf(spec: SweepSpec): GridKey[] {
  return GRID_KEYS.filter((k) => k in spec.grid);
}

/** The runs CSV's columns, from RUN_OUTPUTS' csv: one value per run first (a per-record output's at the last record), then the per-step columns. */
function runsCsvColumns(spec: SweepSpec, steps: number[]) {
  const R = steps.length;
  const names = runOutputNamesOf(spec);
  const single = names.flatMap((name) => {
    const { csv }: RunOutputSpec = RUN_OUTPUTS[name];
    if (typeof csv === 'string') return [{ name, column: csv, at: (i: number) => i }];
    if (csv && 'final' in csv) return [{ name, column: csv.final, at: (i: number) => i * R + R - 1 }];
    return [];
  });
  const eachStep = names.flatMap((name) => {
    const { csv }: RunOutputSpec = RUN_OUTPUTS[name];
    return csv && typeof csv === 'object' && 'eachStep' in csv ? [{ name, prefix: csv.eachStep }] : [];
  });
  const keys = gridKeysOf(spec);
  const header = ['run', 'cell', 'seed', ...keys, ...single.map((c) => c.column), ...eachStep.flatMap((c) => steps.map((t) => `${c.prefix}_${t}`))];
  return { keys, single, eachStep, header };
}

/** Same columns as the page's CSV export (src/results/export.ts), with f32 values written exactly. */
function cellsCsv(spec: SweepSpec, cellStats: readonly CellStats[], effective: EffectiveStep): string {
  const cells = expandGrid(spec);
  const keys = gridKeysOf(spec).filter((k) => k !== 'stepSize');
  // A transformer sweep also counts each cell's seeds whose warm start never reached J0 (left out of the statistics).
  const columns = isTransformer(spec.base) ? [...STAT_COLUMNS, 'unreached' as const] : STAT_COLUMNS;
  const rows = [csvRow(['cell', ...keys, 'stepSize', 'effectiveStepSize', 'J0', ...columns])];
  for (const s of cellStats) {
    const p = cells[s.cell].params;
    const stat = (c: (typeof columns)[number]) => ((F32_STATS as readonly string[]).includes(c) ? f32Text(s[c] as number) : s[c]);
    rows.push(csvRow([s.cell, ...keys.map((k) => p[k]), p.stepSize, effective(cells[s.cell]), p.J0, ...columns.map(stat)]));
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Writes one sweep's results files into a stage as its runs arrive, in run order, so that no more
 * than a chunk of runs is ever held as text: the runs CSV row by row; the JSON's outputs, which it
 * lists output by output over every run, each into a part file of its own, joined behind the head
 * (spec, cells, statistics) when the sweep ends. The bytes are those of the whole-sweep writer this
 * replaced (results-files.test.ts keeps it as the reference).
 *
 * @example
 *   const w = new SweepFilesWriter(stage, 'sweep', spec, [0, runs], runs);
 *   onRuns: (chunk) => w.write(chunk)
 *   w.finish(result.specHash, result.cellStats);
 */
export class SweepFilesWriter {
  private readonly steps: number[];
  private readonly cells: ReturnType<typeof expandGrid>;
  private readonly columns: ReturnType<typeof runsCsvColumns>;
  private readonly csv: StagedFile;
  private readonly parts: StagedFile[];
  private readonly names: RunOutputName[]; // the outputs this sweep has (runOutputNamesOf), in the JSON's order
  private next: number; // first run not yet written
  // With EOS and a per-length aggregation: each cell's E_θ0|o| of its runs that did not diverge, as the
  // summary's length band keeps it (results cellEffectiveStepSize: the nearest-rank median over seeds).
  private readonly lengthsAtStart?: Map<number, number[]>;

  constructor(
    private readonly stage: OutputStage,
    readonly sweep: string,
    readonly spec: SweepSpec,
    readonly runRange: [number, number],
    readonly runCount: number,
  ) {
    this.steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
    this.cells = expandGrid(spec);
    this.columns = runsCsvColumns(spec, this.steps);
    this.next = runRange[0];
    if (this.steps[0] === 0 && this.cells.some((c) => c.params.eos && perLengthAggregation(c.params.aggregation))) this.lengthsAtStart = new Map();
    this.csv = stage.create(`sweeps/${sweep}.runs.csv`);
    this.csv.append(csvRow(this.columns.header));
    this.names = runOutputNamesOf(spec);
    this.parts = this.names.map((name) => {
      const part = stage.scratch(`sweeps/${sweep}.${name}.part`);
      part.append(RUN_OUTPUTS[name].per === 'record' ? `${JSON.stringify(name)}: [\n` : `${JSON.stringify(name)}: [`);
      return part;
    });
  }

  /** Runs written so far. */
  get runsWritten(): number {
    return this.next - this.runRange[0];
  }

  /** Writes runs [chunk.begin, chunk.end), which must be the next ones. */
  write(chunk: RunChunk | (RunArrays & { begin: number; end: number })): void {
    if (chunk.begin !== this.next) throw new Error(`sweep "${this.sweep}": runs [${chunk.begin}, ${chunk.end}) written out of order (next is ${this.next})`);
    const n = chunk.end - chunk.begin;
    if (n === 0) return;
    const R = this.steps.length;
    const first = chunk.begin === this.runRange[0];
    const { keys, single, eachStep } = this.columns;
    const rows: string[] = [];
    for (let i = 0; i < n; i++) {
      const run = chunk.begin + i;
      const cell = this.cells[Math.floor(run / this.spec.seeds)];
      if (this.lengthsAtStart && !chunk.diverged[i]) {
        const list = this.lengthsAtStart.get(cell.index) ?? [];
        list.push(chunk.expectedLength[i * R]);
        this.lengthsAtStart.set(cell.index, list);
      }
      rows.push(
        csvRow([
          run,
          cell.index,
          run % this.spec.seeds,
          ...keys.map((k) => cell.params[k]),
          ...single.map((c) => csvValue(c.name, chunk[c.name][c.at(i)])),
          ...eachStep.flatMap((c) => Array.from(chunk[c.name].subarray(i * R, (i + 1) * R), (x) => csvValue(c.name, x))),
        ]),
      );
    }
    this.csv.append(`\n${rows.join('\n')}`);
    this.names.forEach((name, k) => {
      const a = chunk[name];
      let text: string;
      if (RUN_OUTPUTS[name].per === 'record') text = Array.from({ length: n }, (_, i) => `  ${f32List(a.subarray(i * R, (i + 1) * R))}`).join(',\n');
      else text = isFlag(name) ? Array.from(a).join(',') : f32Items(a);
      this.parts[k].append(first ? text : `,${RUN_OUTPUTS[name].per === 'record' ? '\n' : ''}${text}`);
    });
    this.next = chunk.end;
  }

  /** Effective step size of a cell: with EOS, per-length aggregations by E_θ0|o| of the runs written (else L). */
  private readonly effective: EffectiveStep = (cell) => {
    const lengths = this.lengthsAtStart?.get(cell.index);
    const q50 = lengths && cell.params.eos && perLengthAggregation(cell.params.aggregation) ? bandOf(lengths).q50 : NaN;
    return effectiveStepSize(cell.params, Number.isFinite(q50) ? q50 : undefined);
  };

  /** Closes the files: the JSON's head, then its outputs in declaration order; the cells CSV. */
  finish(specHash: string, cellStats: readonly CellStats[]): void {
    if (this.next !== this.runRange[1]) throw new Error(`sweep "${this.sweep}": ${this.runsWritten} of ${this.runRange[1] - this.runRange[0]} runs written`);
    this.csv.append('\n');
    this.csv.close();
    const json = this.stage.create(`sweeps/${this.sweep}.json`);
    json.append(
      jsonHead(
        { sweep: this.sweep, specHash, spec: this.spec, runCount: this.runCount, runRange: this.runRange, cellStats: [...cellStats] },
        this.steps,
        this.effective,
      ),
    );
    this.names.forEach((name, k) => {
      const part = this.parts[k];
      part.append(RUN_OUTPUTS[name].per === 'record' ? '\n]' : ']');
      part.close();
      if (k > 0) json.append(',\n');
      json.appendFile(part);
      part.remove();
    });
    json.append('\n}\n');
    json.close();
    const cells = this.stage.create(`sweeps/${this.sweep}.cells.csv`);
    cells.append(cellsCsv(this.spec, cellStats, this.effective));
    cells.close();
  }
}

/** Writes one sweep's results files from a table that holds all its runs (a merge, the chrome host). */
export function writeSweepFiles(stage: OutputStage, d: SweepData): void {
  const w = new SweepFilesWriter(stage, d.sweep, d.spec, d.runRange, d.runCount);
  w.write({ ...d.runs, begin: d.runRange[0], end: d.runRange[1] });
  w.finish(d.specHash, d.cellStats);
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
  const names = runOutputNamesOf(spec);
  for (const name of RUN_OUTPUT_NAMES) {
    if (!names.includes(name)) {
      // An output this sweep's policy does not have: held at its pending value, as the engine's arrays hold it.
      (runs as Record<RunOutputName, Float32Array | Uint8Array>)[name] = new RUN_OUTPUTS[name].array(outputLength(name, n, steps.length)).fill(
        (RUN_OUTPUTS[name] as RunOutputSpec).pending ?? 0,
      );
      continue;
    }
    const values = (RUN_OUTPUTS[name].per === 'record' ? (raw[name] as (number | string)[][]).flat() : raw[name]) as (number | string)[];
    (runs as Record<RunOutputName, Float32Array | Uint8Array>)[name] = isFlag(name)
      ? Uint8Array.from(values as number[])
      : Float32Array.from(values, f32FromJson);
  }
  if (runs.finalJ.length !== n || runs.trajectory.length !== n * steps.length)
    throw new Error(`holds ${runs.finalJ.length} runs for the range [${begin}, ${end})`);
  return { sweep: raw.sweep, specHash: raw.specHash, spec, runCount: raw.runCount, runRange: [begin, end], runs, cellStats: cellStatsFromJson(raw.cellStats) };
}

/** Cell statistics as a sweep JSON file holds them (statsJson's inverse: f32 fields exact, "NaN" for NaN). */
export function cellStatsFromJson(raw: Record<string, number | string>[]): CellStats[] {
  return raw.map((s) => {
    const out = { ...s } as Record<string, number>;
    for (const k of F32_STATS) out[k] = f32FromJson(s[k]);
    return out as unknown as CellStats;
  });
}
