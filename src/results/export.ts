/**
 * CSV and JSON exports of a sweep: one row per grid cell with its coordinates, effective step
 * size and statistics (CSV), or the whole results table with per-run finals (JSON); and, when the
 * summary kept them (RUN_SERIES_LIMIT), every run's recorded series: a long ("tidy") CSV with one
 * row per run and recorded step, and a JSON with one list per run. Both take their columns from
 * RUN_OUTPUTS, so an output added there is exported without edits here. The runs CSV is also
 * written in pieces (`runsCsvLayout`: its header, then the rows of any range of runs), so the page
 * can store a large sweep's rows chunk by chunk as they finish (src/ui/runs-store.ts) with the
 * same code that formats a kept summary.
 *
 * @example
 *   download('sweep.csv', sweepCsv(summary));
 *   if (!runSeriesMissing(summary)) download('sweep.runs.csv', runSeriesCsv(summary));
 */
import {
  expandGrid,
  GRID_KEYS,
  PER_RUN_OUTPUTS,
  RUN_OUTPUTS,
  type PerRunOutputName,
  type RunOutputName,
  type RunOutputSpec,
  type SweepSpec,
} from '../engine/index.ts';
import { cellEffectiveStepSize, RUN_SERIES_LIMIT, SERIES_OUTPUTS, summaryCells, type SeriesName, type SweepSummary } from './summary.ts';
import { csvText } from './csv.ts';

const STAT_COLUMNS = ['runs', 'finite', 'diverged', 'meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90', 'collapsed', 'collapseProbability'] as const;

const csvValue = (v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : csvText(String(v ?? '')));

/** One row per finished cell: grid coordinates, η, effective step size (with EOS, by E_θ0|o|), J0, statistics. */
/**
 * What an export of an incomplete sweep (cancelled, or stopped on an error) says about itself, or
 * undefined for a complete one: "partial: cancelled after 96 of 240 runs, 2 of 5 grid cells". It
 * goes into every row as a `partial` column and into the file name (`partialSuffix`) — not a `#`
 * comment line, which pandas and R's read.csv read as data unless told otherwise; a complete
 * sweep's files keep the exact form `gradgap run` writes.
 */
export function partialNote(summary: Pick<SweepSummary, 'complete' | 'stopReason' | 'runsDone' | 'finalJ' | 'cellStats' | 'spec'>): string | undefined {
  if (summary.complete) return undefined;
  const cells = summary.finalJ.length / summary.spec.seeds;
  const how = summary.stopReason === 'cancelled' ? 'cancelled' : 'stopped';
  return `partial: ${how} after ${summary.runsDone} of ${summary.finalJ.length} runs, ${summary.cellStats.length} of ${cells} grid cells`;
}

/** "-partial-2of5" for an incomplete sweep's export file names (before the extension), "" for a complete one. */
export function partialSuffix(summary: Parameters<typeof partialNote>[0]): string {
  return summary.complete ? '' : `-partial-${summary.cellStats.length}of${summary.finalJ.length / summary.spec.seeds}`;
}

/** CSV text with a `partial` column (the note in every row) when the sweep is incomplete; unchanged when complete. */
export function markPartialCsv(text: string, summary: Parameters<typeof partialNote>[0]): string {
  const note = partialNote(summary);
  if (!note) return text;
  const lines = text.split('\n');
  return lines.map((line, i) => (line === '' && i === lines.length - 1 ? line : `${line},${i === 0 ? 'partial' : csvValue(note)}`)).join('\n');
}

export function sweepCsv(summary: SweepSummary): string {
  const cells = summaryCells(summary);
  const gridKeys = GRID_KEYS.filter((k) => k in summary.spec.grid);
  const header = ['cell', ...gridKeys.filter((k) => k !== 'stepSize'), 'stepSize', 'effectiveStepSize', 'J0', ...STAT_COLUMNS];
  const rows = summary.cellStats.map((s) => {
    const p = cells[s.cell].params;
    return [
      s.cell,
      ...gridKeys.filter((k) => k !== 'stepSize').map((k) => p[k]),
      p.stepSize,
      cellEffectiveStepSize(summary, cells[s.cell]),
      p.J0,
      ...STAT_COLUMNS.map((c) => s[c]),
    ];
  });
  return markPartialCsv([header, ...rows].map((r) => r.map(csvValue).join(',')).join('\n') + '\n', summary);
}

/** The whole results table as JSON (typed arrays as plain lists; NaN as null). */
export function sweepJson(summary: SweepSummary): string {
  const plain: Record<string, unknown> = {
    ...summary,
    bands: undefined,
    gapBands: undefined,
    updateBands: undefined,
    lengthBands: undefined,
    runSeries: undefined,
  };
  // The per-run outputs the summary keeps, as plain lists (in the summary's own key order).
  const kept = summary as Partial<Record<(typeof PER_RUN_OUTPUTS)[number], ArrayLike<number>>>;
  for (const name of PER_RUN_OUTPUTS) if (kept[name]) plain[name] = Array.from(kept[name]);
  return JSON.stringify(plain, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n';
}

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

/**
 * Shortest decimal that reads back to the same f32, "NaN" / "Infinity" otherwise: the form of
 * `gradgap run`'s runs CSV (src/cli/float-format.ts f32Text: the smallest of 1–9 significant
 * digits that round-trips), so page and CLI files read alike. Found by bisection from 7 digits
 * (most values need 7–9), not by trying 1, 2, …: toPrecision is the runs CSV's cost, and a large
 * sweep's rows are formatted while it runs. Bisection finds the same digit count because a
 * (p+1)-digit rounding is never farther from x than the p-digit one and the values that read back
 * to x lie symmetrically around it — except at a power of two (a zero mantissa), whose interval is
 * lopsided: there the digits are tried one by one.
 */
export function f32Text(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  let best: string | undefined; // the shortest text found so far that reads back to x
  const readsBack = (p: number) => {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) !== x) return false;
    best = s;
    return true;
  };
  F32[0] = x;
  let lo = 1;
  let hi = 9; // 9 significant digits always read back to an f32
  if ((F32_BITS[0] & 0x7fffff) === 0) {
    while (lo < 9 && !readsBack(lo)) lo++;
  } else {
    for (let mid = 7; lo < hi; mid = (lo + hi) >> 1) {
      if (readsBack(mid)) hi = mid;
      else lo = mid + 1;
    }
  }
  return String(Number(best ?? x.toPrecision(9)));
}

/**
 * A series' column: the prefix of the CLI runs CSV's per-step columns (J for J(t), as in J_<step>),
 * else the output's own name (thetaNorm, gradientNorm, gapNorm, …).
 */
export function seriesColumn(name: RunOutputName): string {
  const { csv }: RunOutputSpec = RUN_OUTPUTS[name];
  return csv && typeof csv === 'object' && 'eachStep' in csv ? csv.eachStep : name;
}

/** A per-run output's column: its CLI runs CSV column (initialJ, finalJ, minJ, diverged). */
function runColumn(name: RunOutputName): string {
  const { csv }: RunOutputSpec = RUN_OUTPUTS[name];
  return typeof csv === 'string' ? csv : name;
}

/** Why a summary's per-run series cannot be exported, or undefined when they can. */
export function runSeriesMissing(summary: SweepSummary): string | undefined {
  if (summary.runSeries) return undefined;
  const values = summary.finalJ.length * summary.recordSteps.length;
  const n = (v: number) => v.toLocaleString('en-US');
  if (values > RUN_SERIES_LIMIT)
    return `per-run series not kept in memory: ${n(values)} values a series (runs × recorded steps), over the ${n(RUN_SERIES_LIMIT)} the page keeps; \`gradgap run\` writes them all`;
  return 'per-run series not kept: these results hold bands only (baked, or cached before series were kept); run the sweep to export them';
}

/** Runs of the finished cells, in run order (run = cell·seeds + seed). */
function finishedRuns(summary: SweepSummary): number[] {
  const seeds = summary.spec.seeds;
  return summary.cellStats
    .map((s) => s.cell)
    .sort((a, b) => a - b)
    .flatMap((cell) => Array.from({ length: seeds }, (_, seed) => cell * seeds + seed));
}

/**
 * Where rows of the runs CSV read their values: runs from `at` on, per-run outputs at [run − at],
 * series at [(run − at) · records + record]. A summary's arrays (at 0) or a chunk's (at its begin).
 */
export interface RunRowsSource {
  at: number;
  perRun: Readonly<Record<PerRunOutputName, ArrayLike<number>>>;
  series: Readonly<Partial<Record<SeriesName, ArrayLike<number>>>>;
}

/** The runs CSV in pieces: its header line, and the lines of runs [begin, end) (each line ends in a newline). */
export interface RunsCsvLayout {
  header: string;
  rows(source: RunRowsSource, begin: number, end: number): string;
}

/**
 * The runs CSV's columns for a sweep recording at `recordSteps`, with one column per name of
 * `series` (in that order): run, cell, seed, the swept fields, step, the series (J, thetaNorm,
 * gradientNorm, …) and the run's per-run outputs (initialJ, finalJ, minJ, diverged; the same on
 * each of its rows).
 */
export function runsCsvLayout(spec: SweepSpec, recordSteps: readonly number[], series: readonly SeriesName[]): RunsCsvLayout {
  const cells = expandGrid(spec);
  const keys = GRID_KEYS.filter((k) => k in spec.grid);
  const R = recordSteps.length;
  const value = (name: RunOutputName, x: number) => (RUN_OUTPUTS[name].array === Uint8Array ? String(x) : f32Text(x));
  const header = ['run', 'cell', 'seed', ...keys, 'step', ...series.map(seriesColumn), ...PER_RUN_OUTPUTS.map(runColumn)];
  return {
    header: header.map(csvValue).join(',') + '\n',
    rows({ at, perRun, series: values }, begin, end) {
      const lines: string[] = [];
      for (let run = begin; run < end; run++) {
        const cell = cells[Math.floor(run / spec.seeds)];
        const i = run - at;
        const head = [run, cell.index, run % spec.seeds, ...keys.map((k) => cell.params[k])].map(csvValue).join(',');
        const tail = PER_RUN_OUTPUTS.map((n) => value(n, perRun[n][i])).join(',');
        for (let r = 0; r < R; r++) lines.push(`${head},${recordSteps[r]},${series.map((n) => value(n, values[n]![i * R + r])).join(',')},${tail}\n`);
      }
      return lines.join('');
    },
  };
}

/**
 * Every recorded series of every run of the finished cells, long format: one row per run and
 * recorded step (columns: `runsCsvLayout`), the finished cells' runs in run order. Throws when the
 * summary kept no series.
 */
export function runSeriesCsv(summary: SweepSummary): string {
  const missing = runSeriesMissing(summary);
  if (missing) throw new Error(missing);
  const runSeries = summary.runSeries!;
  const layout = runsCsvLayout(
    summary.spec,
    summary.recordSteps,
    SERIES_OUTPUTS.filter((n) => runSeries[n]),
  );
  const source: RunRowsSource = { at: 0, perRun: summary, series: runSeries };
  const seeds = summary.spec.seeds;
  const finished = summary.cellStats.map((s) => s.cell).sort((a, b) => a - b);
  return markPartialCsv(layout.header + finished.map((cell) => layout.rows(source, cell * seeds, (cell + 1) * seeds)).join(''), summary);
}

/**
 * The same as JSON: the spec, recorded steps and, per run of the finished cells, its grid cell,
 * seed, per-run outputs and one list per series (keys are RUN_OUTPUTS names, as in `gradgap run`'s
 * sweep JSON; NaN as null). Throws when the summary kept no series.
 */
export function runSeriesJson(summary: SweepSummary): string {
  const missing = runSeriesMissing(summary);
  if (missing) throw new Error(missing);
  const R = summary.recordSteps.length;
  const perRun = summary as unknown as Record<(typeof PER_RUN_OUTPUTS)[number], ArrayLike<number>>;
  const f32 = (x: number) => (Number.isFinite(x) ? Number(f32Text(x)) : null); // 0.1, not 0.10000000149011612
  const runs = finishedRuns(summary).map((run) => ({
    run,
    cell: Math.floor(run / summary.spec.seeds),
    seed: run % summary.spec.seeds,
    ...Object.fromEntries(PER_RUN_OUTPUTS.map((n) => [n, f32(perRun[n][run])])),
    ...Object.fromEntries(
      SERIES_OUTPUTS.filter((n) => summary.runSeries![n]).map((n) => [n, Array.from(summary.runSeries![n]!.subarray(run * R, (run + 1) * R), f32)]),
    ),
  }));
  const partial = partialNote(summary);
  const plain = { specHash: summary.specHash, spec: summary.spec, recordSteps: summary.recordSteps, ...(partial ? { partial } : {}), runs };
  return JSON.stringify(plain) + '\n';
}
