/**
 * The one place the UI reaches the engine: choose the backend (so the adapter can be shown while
 * the sweep runs), run it, and reduce the result to the notebook's results table. Tests pass
 * their own runner to count dispatches.
 *
 * @example
 *   const summary = await engineRunner(spec, { backend: 'auto', signal, onProgress, onBackend });
 */
import type { BackendInfo, Progress } from '../engine/index.ts';
import type { SweepSpecInput } from '../spec/index.ts';
import { chooseBackend, runSweep, type BackendChoice } from '../engine/index.ts';
import { summarizeSweep, type SweepSummary } from '../results/index.ts';

export interface RunOptions {
  backend: BackendChoice;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
  onBackend: (info: BackendInfo) => void;
}

export type SweepRunner = (spec: SweepSpecInput, options: RunOptions) => Promise<SweepSummary>;

export const engineRunner: SweepRunner = async (spec, options) => {
  const { info, gpu } = await chooseBackend(options.backend);
  options.onBackend(info);
  const result = await runSweep(spec, { backend: options.backend, gpu, signal: options.signal, onProgress: options.onProgress });
  return summarizeSweep(result);
};
