/**
 * The WGSL engine for a transformer sweep (SPEC 1.10): runs of equal shape go to the kernel
 * together (simulateTransformerRunsGpu, one GPU thread per run: warm start, then the GRPO loop),
 * and each run's {sft, loop} is stored through storeTransformerRun, the same place the twin's
 * results go, so a sweep's files do not depend on the engine beyond the float ties of exp/log.
 *
 * What the kernel takes and how runs are grouped into chunks: transformer-kernel-plan.ts (no GPU
 * code, so runSweep reads it without loading the kernel).
 * A chunk runs in two kernel calls so the host can read θ after each warm start: the warm starts
 * alone (no GRPO iterations), the predicted one-step threshold at that θ on the host (as the twin's
 * runs record it), then the GRPO loop from the warm-started θ with fresh optimizer state — what
 * the kernel does in one call, since its loop starts that way (a J0 of 0 ends the second warm start
 * before its first step).
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
import { predictedThreshold, runTaskSet, storeTransformerRun, transformerShape, TwinCache } from './transformer-run.ts';

export { planTransformerChunks } from './transformer-kernel-plan.ts';

/** Runs [begin, end) (one chunk key) on the GPU; their outputs as the twin's chunk has them. */
export async function runTransformerChunkGpu(gpu: GpuContext, spec: SweepSpec, cells: readonly Cell[], begin: number, end: number): Promise<RunChunk> {
  const R = recordSteps(spec.base.iterations, spec.base.recordEvery).length;
  const twins = new TwinCache(); // the layout, and the host's threshold search
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
  const shape = transformerShape(params(begin));
  const warm = (
    await simulateTransformerRunsGpu(
      gpu.device,
      shape,
      runs.map((r) => ({ ...r, loop: { ...r.loop, iterations: 0, recordEvery: 1 } })),
    )
  ).results;
  const reached = runs.flatMap((r, i) => (warm[i].sft.reached ? [i] : []));
  const trained = reached.length
    ? (
        await simulateTransformerRunsGpu(
          gpu.device,
          shape,
          reached.map((i) => ({ ...runs[i], theta0: warm[i].theta, sft: { ...runs[i].sft, J0: 0, sftMaxSteps: 0 } })),
        )
      ).results
    : [];
  const out: RunChunk = { ...allocateRunArrays(end - begin, R), begin, end };
  runs.forEach((r, i) => {
    const p = params(begin + i);
    const at = reached.indexOf(i);
    const oneStepThreshold = at >= 0 ? predictedThreshold(p, spec.seed, (begin + i) % spec.seeds, warm[i].theta, r.set, twins) : NaN;
    storeTransformerRun(out, i, R, { sft: warm[i].sft, loop: at >= 0 ? trained[at].loop : null, oneStepThreshold }, p);
  });
  deriveOutputs(out, R);
  return out;
}
