/**
 * Assembles a SweepResult from chunks of runs: `runSweep` feeds it chunks as the engine finishes
 * them (in any order), `gradgap merge` feeds it shards. Everything a summary needs is reduced as
 * cells complete, so a sweep never has to hold every run's series:
 *   - a cell whose every seed is in gets its statistics (from the chunk when the GPU reduced it,
 *     else stats.ts), and its J(t), ‖g‖(t), ‖Δθ‖(t) bands (SERIES_BANDS). Both are exact: a cell
 *     inside one chunk is reduced from the chunk; a cell split between chunks (CPU chunks and
 *     shards cut anywhere) has its seeds' values copied into a buffer of that one cell until its
 *     last seed arrives, so memory is bounded by the cell, not the sweep;
 *   - chunks are put back in run order (held only until the runs before them arrive) for the
 *     trajectory's SHA-256 and for `onRuns`, which streams them (the CLI's per-run files).
 * With `keepSeries` (the default) the table also holds every run's per-record outputs; without,
 * it holds only the per-run ones (finals, flags: a few bytes a run).
 *
 * @example
 *   const builder = new ResultsBuilder(spec, [0, runs]);
 *   builder.accept(simulateChunkCpu(spec, 0, runs));
 *   const result = builder.finish({ specHash, backend, wallMs, stopReason: 'done', message: '' });
 */
import type { BackendInfo, CellStats, SweepResult } from './results.ts';
import {
  copyRunArrays,
  outputApplies,
  pendingRunOutputs,
  runOutputNamesOf,
  RUN_OUTPUTS,
  type RunArrays,
  type RunChunk,
  type RunOutputs,
  type RunOutputName,
  type RunOutputSpec,
} from './run-outputs.ts';
import { collapseThreshold, expandGrid, isTransformer, recordSteps, type Cell, type SweepSpec } from '../spec/index.ts';
import { BANDED_OUTPUTS, cellBandInto, cellStatsCpu, SERIES_BANDS, type BandedOutput } from './stats.ts';
import { Sha256 } from './sha256.ts';

/** What a finished SweepResult says beyond the runs and statistics. */
export interface SweepEnding {
  specHash: string;
  backend: BackendInfo;
  wallMs: number;
  stopReason: SweepResult['stopReason'];
  message: string;
}

export interface BuilderOptions {
  keepSeries?: boolean; // hold every run's per-record outputs in `runs` (default true); false: per-run outputs only
  onRuns?: (chunk: RunChunk) => void; // every accepted chunk, in run order (a chunk waits for the runs before it)
}

/** A split cell's values so far: the outputs its reduction reads, one slot per seed. */
type CellBuffer = Pick<RunArrays, 'finalJ' | 'diverged' | 'sftReached' | BandedOutput>;

export class ResultsBuilder {
  readonly cells: Cell[];
  readonly runs: RunOutputs; // runs of runRange, index run − runRange[0]; runs not accepted hold their pending values; per-record arrays empty unless keepSeries
  readonly keepSeries: boolean;
  runsDone = 0;
  private readonly stats: (CellStats | undefined)[];
  private readonly seedsIn: Uint32Array; // per cell: seeds accepted
  private readonly bands: Record<BandedOutput, Float32Array>;
  private readonly split = new Map<number, CellBuffer>(); // cells begun but not complete, whose seeds came in more than one chunk
  private readonly waiting = new Map<number, RunChunk>(); // chunks by begin that arrived before the runs ahead of them
  private next: number; // first run not yet streamed in order
  private readonly hash = new Sha256();
  private readonly R: number;
  private readonly perRunNames: RunOutputName[]; // the per-run outputs this sweep has (a transformer sweep's warm start too)
  private readonly transformer: boolean;
  private readonly banded: BandedOutput[]; // the banded outputs this sweep has (held-out J only a transformer sweep's): the others' bands stay NaN // runs whose warm start did not reach J0 are left out of the cells' statistics and bands

  /** An empty table for runs [begin, end) of the sweep. */
  constructor(
    readonly spec: SweepSpec,
    readonly runRange: [number, number],
    private readonly options: BuilderOptions = {},
  ) {
    this.cells = expandGrid(spec);
    this.keepSeries = options.keepSeries ?? true;
    const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
    this.R = steps.length;
    const n = runRange[1] - runRange[0];
    // Without series: per-run arrays of n runs, per-record arrays of n runs × 0 records (empty).
    this.runs = this.keepSeries ? pendingRunOutputs(n, steps) : { ...pendingRunOutputs(n, []), recordSteps: steps };
    this.stats = new Array(this.cells.length);
    this.seedsIn = new Uint32Array(this.cells.length);
    const bandSize = (o: BandedOutput) => this.cells.length * this.R * SERIES_BANDS[o].length;
    this.bands = Object.fromEntries(BANDED_OUTPUTS.map((o) => [o, new Float32Array(bandSize(o)).fill(NaN)])) as Record<BandedOutput, Float32Array>;
    this.next = runRange[0];
    this.perRunNames = runOutputNamesOf(spec).filter((k) => RUN_OUTPUTS[k].per === 'run');
    this.transformer = isTransformer(spec.base);
    this.banded = BANDED_OUTPUTS.filter((o) => outputApplies(o, spec));
  }

  /** Takes runs [chunk.begin, chunk.end) and any statistics already reduced for its cells. */
  accept(chunk: RunChunk, cellStats: readonly CellStats[] = []): void {
    const { spec, R } = this;
    const seeds = spec.seeds;
    const [first, last] = this.runRange;
    if (this.keepSeries) copyRunArrays(this.runs, chunk, chunk.begin - first);
    else copyRunArrays(this.runs, Object.fromEntries(this.perRunNames.map((k) => [k, chunk[k]])), chunk.begin - first);
    for (const s of cellStats) this.stats[s.cell] = s;
    for (let cell = Math.floor(chunk.begin / seeds); cell * seeds < chunk.end; cell++) {
      const b = cell * seeds;
      const from = Math.max(b, chunk.begin);
      const to = Math.min(b + seeds, chunk.end);
      const inRange = b >= first && b + seeds <= last;
      const whole = from === b && to === b + seeds;
      let buffer = this.split.get(cell);
      if (!this.keepSeries && inRange && !whole) {
        // Part of a cell: its values wait, in seed order, until the rest arrives.
        if (!buffer) this.split.set(cell, (buffer = cellBuffer(seeds, R, this.banded)));
        buffer.finalJ.set(chunk.finalJ.subarray(from - chunk.begin, to - chunk.begin), from - b);
        buffer.diverged.set(chunk.diverged.subarray(from - chunk.begin, to - chunk.begin), from - b);
        buffer.sftReached.set(chunk.sftReached.subarray(from - chunk.begin, to - chunk.begin), from - b);
        for (const o of this.banded) buffer[o].set(chunk[o].subarray((from - chunk.begin) * R, (to - chunk.begin) * R), (from - b) * R);
      }
      this.seedsIn[cell] += to - from;
      if (this.seedsIn[cell] !== seeds) continue;
      // The cell is complete: reduce it from wherever its seeds' values are.
      const source: { arrays: CellBuffer; at: number } = this.keepSeries
        ? { arrays: this.runs, at: b - first }
        : whole
          ? { arrays: chunk, at: b - chunk.begin }
          : { arrays: buffer!, at: 0 };
      if (this.transformer) this.reduceReached(cell, b - first, source);
      else {
        this.stats[cell] ??= cellStatsCpu(
          cell,
          this.runs.finalJ.subarray(b - first, b - first + seeds),
          this.runs.diverged.subarray(b - first, b - first + seeds),
          collapseThreshold(spec, this.cells[cell]),
        );
        for (const o of this.banded) cellBandInto(this.bands[o], SERIES_BANDS[o], cell, seeds, R, source.arrays[o], source.arrays.diverged, source.at);
      }
      this.split.delete(cell);
    }
    this.runsDone += chunk.end - chunk.begin;
    if (chunk.end > chunk.begin) this.waiting.set(chunk.begin, chunk);
    for (let c = this.waiting.get(this.next); c; c = this.waiting.get(this.next)) {
      this.waiting.delete(c.begin);
      this.hash.update(c.trajectory);
      this.options.onRuns?.(c);
      this.next = c.end;
    }
  }

  /**
   * A transformer cell's statistics and bands over the seeds whose warm start reached J0 (SPEC
   * 1.10): the others never trained, so they are counted (`unreached`) and never averaged in.
   * `at` is the cell's first run in this.runs; `source` holds its series from `source.at`.
   */
  private reduceReached(cell: number, at: number, source: { arrays: CellBuffer; at: number }): void {
    const { seeds } = this.spec;
    const R = this.R;
    const reached: number[] = [];
    for (let s = 0; s < seeds; s++) if (this.runs.sftReached[at + s]) reached.push(s);
    const pick = <A extends Float32Array | Uint8Array>(a: A, width: number, from: number): A => {
      const out = new (a.constructor as new (n: number) => A)(reached.length * width);
      reached.forEach((s, j) => out.set(a.subarray((from + s) * width, (from + s + 1) * width), j * width));
      return out;
    };
    const stats = cellStatsCpu(cell, pick(this.runs.finalJ, 1, at), pick(this.runs.diverged, 1, at), collapseThreshold(this.spec, this.cells[cell]));
    this.stats[cell] = { ...stats, unreached: seeds - reached.length };
    const diverged = pick(source.arrays.diverged, 1, source.at);
    for (const o of this.banded) cellBandInto(this.bands[o], SERIES_BANDS[o], cell, reached.length, R, pick(source.arrays[o], R, source.at), diverged, 0);
  }

  /** Statistics of every cell whose seeds are all in, by cell. */
  get cellStats(): CellStats[] {
    return this.stats.filter((s): s is CellStats => s !== undefined);
  }

  /** SHA-256 of the trajectory array as the table would hold it: runs not accepted at their pending value. */
  private trajectoryHash(): string {
    const pendingSpec: RunOutputSpec = RUN_OUTPUTS.trajectory;
    const pending = (runs: number) => new Float32Array(runs * this.R).fill(pendingSpec.pending ?? 0);
    const ahead = [...this.waiting.values()].sort((a, b) => a.begin - b.begin);
    for (const c of ahead) {
      if (c.begin > this.next) this.hash.update(pending(c.begin - this.next));
      this.hash.update(c.trajectory);
      this.next = c.end;
    }
    if (this.runRange[1] > this.next) this.hash.update(pending(this.runRange[1] - this.next));
    this.waiting.clear();
    this.next = this.runRange[1];
    return this.hash.hex();
  }

  /** The results table of what was accepted. */
  finish(ending: SweepEnding): SweepResult {
    const { specHash, backend, wallMs, stopReason, message } = ending;
    const { spec, cells, runs, runsDone } = this;
    return {
      spec,
      specHash,
      cells,
      runs,
      cellStats: this.cellStats,
      backend,
      wallMs,
      complete: stopReason === 'done',
      stopReason,
      message,
      runsDone,
      runRange: [this.runRange[0], this.runRange[1]],
      seriesKept: this.keepSeries,
      bands: this.bands,
      trajectoryHash: this.trajectoryHash(),
    };
  }
}

/** A buffer for one split cell of `seeds` runs and R records. */
function cellBuffer(seeds: number, R: number, banded: readonly BandedOutput[]): CellBuffer {
  const out = { finalJ: new Float32Array(seeds), diverged: new Uint8Array(seeds), sftReached: new Uint8Array(seeds) } as CellBuffer;
  for (const o of banded) out[o] = new Float32Array(seeds * R);
  return out;
}
