/**
 * The WGSL engine for a transformer sweep (SPEC 1.10): runs of equal shape go to the kernel
 * together (simulateTransformerRunsGpu, one GPU thread per run: warm start, then the GRPO loop),
 * and each run's {sft, loop} is stored through storeTransformerRun, the same place the twin's
 * results go, so a sweep's files do not depend on the engine beyond the float ties of exp/log.
 *
 * What the kernel takes and how runs are grouped into chunks: transformer-kernel-plan.ts (no GPU
 * code, so runSweep reads it without loading the kernel).
 * The per-run predicted threshold needs θ after the warm start, which the kernel does not read
 * back: on this engine `oneStepThreshold` is NaN (no prediction).
 *
 * @example
 *   for (const [begin, end] of planTransformerChunks(spec, cells, 0, runs)) onChunk(await runTransformerChunkGpu(gpu, spec, cells, begin, end));
 */
import { initialParameters } from '../model/index.ts';
import { recordSteps, type Cell, type SweepSpec } from '../spec/index.ts';
import type { GpuContext } from './device.ts';
import { allocateRunArrays, deriveOutputs, type RunChunk } from './run-outputs.ts';
import { simulateTransformerRunsGpu, type TransformerGpuRun } from './transformer-gpu.ts';
import type { TransformerLoopParams } from './transformer-grpo.ts';
import { runTaskSet, storeTransformerRun, transformerShape, TwinCache } from './transformer-run.ts';

export { planTransformerChunks } from './transformer-kernel-plan.ts';

/** Runs [begin, end) (one chunk key) on the GPU; their outputs as the twin's chunk has them. */
export async function runTransformerChunkGpu(gpu: GpuContext, spec: SweepSpec, cells: readonly Cell[], begin: number, end: number): Promise<RunChunk> {
  const R = recordSteps(spec.base.iterations, spec.base.recordEvery).length;
  const twins = new TwinCache(); // for the layout only
  const params = (run: number) => cells[Math.floor(run / spec.seeds)].params;
  const runs: TransformerGpuRun[] = [];
  for (let run = begin; run < end; run++) {
    const p = params(run);
    const seedIndex = run % spec.seeds;
    runs.push({
      set: runTaskSet(p, spec.seed, seedIndex),
      theta0: initialParameters(twins.get(p).model.layout, spec.seed, seedIndex),
      sft: { J0: p.J0, sftLearningRate: p.sftLearningRate, sftMaxSteps: p.sftMaxSteps },
      loop: { ...p, seed: spec.seed, run } as TransformerLoopParams,
    });
  }
  const { results } = await simulateTransformerRunsGpu(gpu.device, transformerShape(params(begin)), runs);
  const out: RunChunk = { ...allocateRunArrays(end - begin, R), begin, end };
  results.forEach((r, i) => storeTransformerRun(out, i, R, { sft: r.sft, loop: r.sft.reached ? r.loop : null }, params(begin + i)));
  deriveOutputs(out, R);
  return out;
}
