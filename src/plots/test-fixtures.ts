/** Helpers for the plots' tests (not part of the public API). */
import { installSvgDom } from '../cli/svg-dom.ts';
import type { SweepResult, SweepSpecInput } from '../engine/index.ts';
import { summarizeSweep, type SweepSummary } from '../results/index.ts';

/** One recorded series' values over a cell's seeds at record r, diverged runs left out (what a band reduces). */
export function finiteSeedValues(result: SweepResult, series: string, cell: number, r: number): number[] {
  const seeds = result.spec.seeds;
  const R = result.runs.recordSteps.length;
  const values = (result.runs as unknown as Record<string, Float32Array>)[series];
  return Array.from({ length: seeds }, (_, s) => values[(cell * seeds + s) * R + r]).filter((_, s) => !result.runs.diverged[cell * seeds + s]);
}

/** Runs `spec` on the CPU twin and summarizes it, with an SVG DOM installed for the figures. */
export async function cpuSweep(spec: SweepSpecInput): Promise<{ result: SweepResult; summary: SweepSummary }> {
  installSvgDom();
  const { runSweep } = await import('../engine/index.ts');
  const result = await runSweep(spec, { backend: 'cpu' });
  return { result, summary: await summarizeSweep(result) };
}
