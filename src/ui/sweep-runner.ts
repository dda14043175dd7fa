/**
 * The one place the UI reaches the engine: run the sweep (the backend is reported as soon as it is
 * decided, so the adapter can be shown while the sweep runs; `auto` remembers its measured
 * decisions in localStorage), and reduce the result to the notebook's results table. Per-run
 * series are kept for sweeps of at most RUN_SERIES_LIMIT values a series (for the runs export);
 * above that the engine keeps only per-run finals and reduces the series as cells complete. Tests pass
 * their own runner to count dispatches.
 *
 * @example
 *   const summary = await engineRunner(spec, { backend: 'auto', signal, onProgress, onBackend });
 */
import type { BackendInfo, Progress } from '../engine/index.ts';
import type { SweepSpecInput } from '../spec/index.ts';
import { expandGrid, localStorageDecisionStore, parseSpec, recordSteps, runSweep, type BackendChoice } from '../engine/index.ts';
import { keepSeriesFor, summarizeSweep, type SweepSummary } from '../results/index.ts';

export interface RunOptions {
  backend: BackendChoice;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
  onBackend: (info: BackendInfo) => void;
}

export type SweepRunner = (spec: SweepSpecInput, options: RunOptions) => Promise<SweepSummary>;

/** `auto`'s measured decisions, kept in localStorage so that each adapter and shape class is measured once. */
const decisions = localStorageDecisionStore();

export const engineRunner: SweepRunner = async (spec, options) => {
  const { backend, signal, onProgress, onBackend } = options;
  // Every run's series is kept only for a sweep the page keeps them for (RUN_SERIES_LIMIT); a larger one is reduced
  // to statistics and bands as cells complete, so the tab holds a few bytes a run whatever the sweep's size.
  const parsed = parseSpec(spec);
  const keepSeries = keepSeriesFor(expandGrid(parsed).length * parsed.seeds, recordSteps(parsed.base.iterations, parsed.base.recordEvery).length);
  const result = await runSweep(spec, { backend, signal, onProgress, onBackend, auto: { store: decisions }, keepSeries });
  return summarizeSweep(result);
};
