/**
 * The one place the UI reaches the engine: run the sweep (the backend is reported as soon as it is
 * decided, so the adapter can be shown while the sweep runs; `auto` remembers its measured
 * decisions in localStorage), and reduce the result to the notebook's results table. Per-run
 * series are kept for sweeps of at most RUN_SERIES_LIMIT values a series (for the runs export);
 * above that the engine keeps only per-run finals and reduces the series as cells complete, and a
 * run made for a notebook cell stores each finished chunk's rows of the runs CSV in IndexedDB
 * (runs-store.ts), so "Runs CSV" still exports every run. Tests pass their own runner to count
 * dispatches, and a lower `seriesLimit` to take the stored path on a small sweep.
 *
 * @example
 *   const summary = await engineRunner(spec, { backend: 'auto', signal, onProgress, onBackend, cell: 'notebook#sweep' });
 */
import type { BackendInfo, Progress } from '../engine/index.ts';
import type { SweepSpecInput } from '../spec/index.ts';
import { expandGrid, localStorageDecisionStore, parseSpec, recordSteps, runSweep, type BackendChoice } from '../engine/index.ts';
import { RUN_SERIES_LIMIT, summarizeSweep, type SweepSummary } from '../results/index.ts';
import { forgetRuns, RunsRecorder } from './runs-store.ts';

export interface RunOptions {
  backend: BackendChoice;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
  onBackend: (info: BackendInfo) => void;
  cell?: string; // the notebook cell the run is for (`${notebook}#${id}`): a sweep over the limit stores its rows under it (one stored sweep a cell)
  seriesLimit?: number; // values a series up to which series are kept in memory (default RUN_SERIES_LIMIT; tests lower it)
}

export type SweepRunner = (spec: SweepSpecInput, options: RunOptions) => Promise<SweepSummary>;

/** `auto`'s measured decisions, kept in localStorage so that each adapter and shape class is measured once. */
const decisions = localStorageDecisionStore();

export const engineRunner: SweepRunner = async (spec, options) => {
  const { backend, signal, onProgress, onBackend, cell } = options;
  // Every run's series is kept only for a sweep the page keeps them for (RUN_SERIES_LIMIT); a larger one is reduced
  // to statistics and bands as cells complete, so the tab holds a few bytes a run whatever the sweep's size.
  const parsed = parseSpec(spec);
  const runs = expandGrid(parsed).length * parsed.seeds;
  const steps = recordSteps(parsed.base.iterations, parsed.base.recordEvery);
  const keepSeries = runs * steps.length <= (options.seriesLimit ?? RUN_SERIES_LIMIT);
  // A cell's new run replaces its results: rows stored by its last run go (a new large one deletes them as it begins).
  const recorder = cell && !keepSeries ? new RunsRecorder(cell, parsed, runs, steps) : undefined;
  if (cell && keepSeries) await forgetRuns(cell);
  const result = await runSweep(spec, {
    backend,
    signal,
    onProgress,
    onBackend,
    auto: { store: decisions },
    keepSeries,
    onRuns: recorder && ((chunk) => recorder.add(chunk)),
  });
  const summary = await summarizeSweep(result);
  await recorder?.finish(summary);
  return summary;
};
