/**
 * Assembles a SweepResult from chunks of runs: `runSweep` feeds it chunks as the engine finishes
 * them, `gradgap merge` feeds it shards. A cell whose every seed is in gets its statistics, from
 * the chunk when the GPU reduced it, else from the CPU reduction (stats.ts), so a run and a merge
 * of shards give the same table.
 *
 * @example
 *   const builder = new ResultsBuilder(spec, [0, runs]);
 *   builder.accept(simulateChunkCpu(spec, 0, runs));
 *   const result = builder.finish({ specHash, backend, wallMs, stopReason: 'done', message: '' });
 */
import type { BackendInfo, CellStats, SweepResult } from './results.ts';
import { copyRunArrays, pendingRunOutputs, type RunChunk, type RunOutputs } from './run-outputs.ts';
import { collapseThreshold, expandGrid, recordSteps, type Cell, type SweepSpec } from '../spec/index.ts';
import { cellStatsCpu } from './stats.ts';

/** What a finished SweepResult says beyond the runs and statistics. */
export interface SweepEnding {
  specHash: string;
  backend: BackendInfo;
  wallMs: number;
  stopReason: SweepResult['stopReason'];
  message: string;
}

export class ResultsBuilder {
  readonly cells: Cell[];
  readonly runs: RunOutputs; // runs of runRange, index run − runRange[0]; runs not accepted hold their pending values
  runsDone = 0;
  private readonly stats: (CellStats | undefined)[];
  private readonly seedsIn: Uint32Array; // per cell: seeds accepted

  /** An empty table for runs [begin, end) of the sweep. */
  constructor(
    readonly spec: SweepSpec,
    readonly runRange: [number, number],
  ) {
    this.cells = expandGrid(spec);
    this.runs = pendingRunOutputs(runRange[1] - runRange[0], recordSteps(spec.base.iterations, spec.base.recordEvery));
    this.stats = new Array(this.cells.length);
    this.seedsIn = new Uint32Array(this.cells.length);
  }

  /** Takes runs [chunk.begin, chunk.end) and any statistics already reduced for its cells. */
  accept(chunk: RunChunk, cellStats: readonly CellStats[] = []): void {
    const { spec, runs } = this;
    const first = this.runRange[0];
    copyRunArrays(runs, chunk, chunk.begin - first);
    for (const s of cellStats) this.stats[s.cell] = s;
    for (let run = chunk.begin; run < chunk.end; run++) {
      const cell = Math.floor(run / spec.seeds);
      if (++this.seedsIn[cell] === spec.seeds && !this.stats[cell]) {
        const b = cell * spec.seeds - first;
        this.stats[cell] = cellStatsCpu(
          cell,
          runs.finalJ.subarray(b, b + spec.seeds),
          runs.diverged.subarray(b, b + spec.seeds),
          collapseThreshold(spec, this.cells[cell]),
        );
      }
    }
    this.runsDone += chunk.end - chunk.begin;
  }

  /** Statistics of every cell whose seeds are all in, by cell. */
  get cellStats(): CellStats[] {
    return this.stats.filter((s): s is CellStats => s !== undefined);
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
    };
  }
}
