/**
 * The one place the UI reaches the engine: run the sweep (the backend is reported as soon as it is
 * decided, so the adapter can be shown while the sweep runs; `auto` remembers its measured
 * decisions in localStorage), and reduce the result to the notebook's results table. Tests pass
 * their own runner to count dispatches.
 *
 * @example
 *   const summary = await engineRunner(spec, { backend: 'auto', signal, onProgress, onBackend });
 */
import type { BackendInfo, Progress } from '../engine/index.ts';
import type { SweepSpecInput } from '../spec/index.ts';
import { localStorageDecisionStore, runSweep, type BackendChoice } from '../engine/index.ts';
import { summarizeSweep, type SweepSummary } from '../results/index.ts';

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
  const result = await runSweep(spec, { backend, signal, onProgress, onBackend, auto: { store: decisions } });
  return summarizeSweep(result);
};
