/**
 * What a sweep holds in memory while it runs (SPEC 2.5), checked by validateSpec against
 * LIMITS.sweepBytes before anything is dispatched: per-run finals and the banded series of the
 * cells split between chunks, per policy.
 */
import type { Policy } from './transformer-fields.ts';

/**
 * What the engine's ResultsBuilder holds for a sweep run without keeping every run's series (the
 * page above RUN_SERIES_LIMIT, `gradgap run`): its per-run outputs (3 f32 and a flag, rounded up to
 * 16 bytes; engine tests hold the outputs to it), and the buffers of cells split between chunks
 * until their last seed arrives (11 banded f32 series: J, ‖g‖, ‖Δθ‖, the four lengths, the shares of prompts solved and lost, the clipped share and the KL), a few cells at a time.
 */
export const SWEEP_MEMORY = {
  bytesPerRun: 16,
  bytesPerSplitRecord: 44,
  cellsInFlight: 4,
  // A transformer sweep also holds its warm start per run (2 f32 and a flag) and banded held-out J (SPEC 1.10).
  transformer: { bytesPerRun: 32, bytesPerSplitRecord: 48 },
} as const;

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;

/** Bytes a sweep of `runs` runs, `seeds` seeds a cell and `records` recorded steps holds while it runs, with the sum spelt out. */
export function sweepMemory(runs: number, seeds: number, records: number, policy: Policy = 'log-linear'): { bytes: number; text: string } {
  const { cellsInFlight } = SWEEP_MEMORY;
  const { bytesPerRun, bytesPerSplitRecord } = policy === 'transformer' ? SWEEP_MEMORY.transformer : SWEEP_MEMORY;
  const perRun = runs * bytesPerRun;
  const split = cellsInFlight * seeds * records * bytesPerSplitRecord;
  const bytes = perRun + split;
  return {
    bytes,
    text: `${runs} runs × ${bytesPerRun} bytes (per-run finals) + ${cellsInFlight} cells in flight × ${seeds} seeds × ${records} recorded steps × ${bytesPerSplitRecord} bytes (banded series) = ${mb(bytes)}`,
  };
}
