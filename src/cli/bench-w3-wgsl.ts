/**
 * The WGSL engine's column of `gradgap bench --workload W3` (bench-w3.ts): W3's runs on the
 * transformer kernel (src/engine/transformer-gpu.ts) through Dawn. The kernel does each run's
 * warm start and its GRPO loop in one go, so the GRPO time is measured by difference: a kernel
 * call with the loop's iterations minus one with none (the same warm starts), median of each over
 * `reps`. A software adapter is not timed (one GPU thread per run: Dawn on llvmpipe did not
 * finish one W3 dispatch in 10 minutes); the line says so and names the adapter.
 *
 * @example
 *   const e = await measureWgslW3(workload, { runs: 1024, reps: 5 }, 200);
 *   e.runStepsPerS; e.note; // 'NVIDIA H200 (…); GRPO = kernel with − without iterations'
 */
import { loadavg } from 'node:os';
// eslint-disable-next-line house/imports -- a type only; the module loads below once an adapter is there
import type { TransformerGpuRun } from '../engine/transformer-gpu.ts';
import { initialParameters, makeTaskSet, transformerLayout } from '../model/index.ts';
import { DEFAULT_RUN, type RunParams } from '../spec/index.ts';
import { median, type W3Engine } from './bench-w3.ts';
import { w3Shape, w3TokensPerRunStep, type W3Workload } from './bench-w3-workload.ts';
import { dawnGpu } from './hosts/dawn-host.ts';

const LABEL = 'WGSL engine (Dawn)';

/** W3's runs for the kernel: task sets and θ0 as the twin's bench makes them, `iterations` GRPO steps. */
function w3Runs(w: W3Workload, runs: number, seed: number, iterations: number): TransformerGpuRun[] {
  const layout = transformerLayout(w3Shape(w));
  return Array.from({ length: runs }, (_, run) => ({
    set: makeTaskSet({ task: w.task, V: w.V, promptLength: w.promptLength, N: w.N, heldOutPrompts: 0 }, seed, run),
    theta0: initialParameters(layout, seed, run),
    sft: { J0: w.J0, sftLearningRate: w.sftLearningRate, sftMaxSteps: w.sftMaxSteps },
    loop: { ...DEFAULT_RUN, ...(w as Partial<RunParams>), iterations, recordEvery: Math.max(1, iterations), seed, run },
  }));
}

export async function measureWgslW3(w: W3Workload, o: { runs: number; reps: number; seed?: number }, iterations: number): Promise<W3Engine> {
  const empty = (error: string): W3Engine => ({
    label: LABEL,
    runs: o.runs,
    iterations,
    repSeconds: [],
    loadAverages: [],
    runStepsPerS: NaN,
    tokensPerS: NaN,
    error,
  });
  let gpu;
  try {
    gpu = await dawnGpu();
  } catch (error) {
    return empty(`no adapter: ${(error as Error).message}`);
  }
  try {
    if (gpu.fallbackAdapter)
      return empty(
        `not timed: ${gpu.adapterName} is a software adapter (one GPU thread per run did not finish one W3 dispatch in 10 minutes on llvmpipe); run it on a GPU (npm run device-kit)`,
      );
    // Loaded once an adapter is there to time: webgpu-utils needs Float16Array (bin/gradgap.mjs's loader supplies it on Node 20).
    // Not through engine/index.ts: the barrel must stay loadable without WebGPU globals.
    // eslint-disable-next-line house/imports
    const { simulateTransformerRunsGpu } = await import('../engine/transformer-gpu.ts');
    const seed = o.seed ?? 1;
    const timed = async (its: number) => {
      const t = performance.now();
      await simulateTransformerRunsGpu(gpu.device, w3Shape(w), w3Runs(w, o.runs, seed, its));
      return (performance.now() - t) / 1000;
    };
    await timed(1); // compile and warm the pipeline, untimed
    const without: number[] = [];
    const withLoop: number[] = [];
    const loads: number[] = [];
    for (let r = 0; r < o.reps; r++) {
      without.push(await timed(0));
      withLoop.push(await timed(iterations));
      loads.push(loadavg()[0]);
    }
    const grpo = withLoop.map((s, i) => Math.max(1e-9, s - without[i]));
    const s = median(grpo);
    return {
      label: LABEL,
      runs: o.runs,
      iterations,
      repSeconds: grpo,
      loadAverages: loads,
      runStepsPerS: (o.runs * iterations) / s,
      tokensPerS: (o.runs * iterations * w3TokensPerRunStep(w)) / s,
      note: `${gpu.adapterName}; GRPO seconds = kernel with − without the iterations (warm start ${median(without).toFixed(2)} s)`,
    };
  } catch (error) {
    return empty((error as Error).message);
  } finally {
    gpu.device.destroy();
  }
}
