/**
 * Runs one contiguous range of a sweep's runs: the whole sweep through the engine's runSweep, or
 * a shard (`--shard i/n`) through its runRange option.
 * Run index = cell·seeds + seed and Philox is keyed by it, so a range computes exactly what the
 * whole sweep computes for those runs. Runs in Node and in the chrome host's page alike.
 *
 * @example
 *   const part = await runRange(spec, [0, 512], { backend: 'cpu', threads: 4 });
 *   part.runs.finalJ[0]; // run 0; part.cellStats holds only cells wholly inside [0, 512)
 */
import { runSweep, parseSpec, expandGrid, recordSteps, specHash, allocateRunArrays } from '../engine/index.ts';
import type { SweepOptions, SweepResult, SweepSpecInput } from '../engine/index.ts';

/** A SweepResult for runs [begin, end) of the sweep; `runs` holds only those (index run − begin). */
export interface RangeResult extends SweepResult {
  runRange: [number, number];
  runCount: number; // runs in the whole sweep
}

/** Runs of a sweep (cells × seeds) after validation; throws SpecError on a bad spec. */
export function sweepRunCount(input: SweepSpecInput): number {
  const spec = parseSpec(input);
  return expandGrid(spec).length * spec.seeds;
}

/** Runs [begin, end) of a sweep (all of it when `range` is null) through the engine's runSweep. */
export async function runRange(input: SweepSpecInput, range: [number, number] | null, options: SweepOptions = {}): Promise<RangeResult> {
  const runCount = sweepRunCount(input);
  const result = await runSweep(input, { ...options, runRange: range ?? [0, runCount] });
  return { ...result, runRange: result.runRange!, runCount };
}

/**
 * An empty range [at, at) of a sweep (a shard with none of its runs, when there are more shards
 * than runs): valid results with no runs and no cell statistics, so that `gradgap merge` joins
 * every shard's output as it is. Nothing runs.
 */
export async function emptyRange(input: SweepSpecInput, at: number): Promise<RangeResult> {
  const spec = parseSpec(input);
  const cells = expandGrid(spec);
  return {
    spec,
    specHash: await specHash(spec),
    cells,
    runs: { ...allocateRunArrays(0, 0), runCount: 0, recordSteps: recordSteps(spec.base.iterations, spec.base.recordEvery) },
    cellStats: [],
    backend: { kind: 'cpu', threads: 0, adapter: 'none', fallbackAdapter: false, reason: 'empty shard: none of the runs, nothing ran' },
    wallMs: 0,
    complete: true,
    stopReason: 'done',
    message: '',
    runsDone: 0,
    runRange: [at, at],
    runCount: cells.length * spec.seeds,
  };
}
