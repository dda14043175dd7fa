// W3 (scripts/w3-workload.json) on the transformer kernel (shaders/transformer-loop.wgsl) through
// Dawn (npm `webgpu`), against the f32 twin on one thread, in this process:
//   node --import ./src/cli/node-loader/register.mjs scripts/transformer-gpu-w3.ts [gpuRuns] [twinRuns] [reps]
// Not measured yet: on this 2-core machine Dawn offers only OpenGL ES on llvmpipe, where 2 runs did
// not finish their first dispatch in 10 minutes (2026-12-07); SwiftShader in Chromium runs the tests.
// As scripts/w3-twin.ts: each run's SFT warm start to J0 is untimed, the GRPO iterations are timed.
// The timed GPU pass starts every run from a warm-started θ (sftMaxSteps 0, J0 0: one
// teacher-forced J and gradient before the loop, the warm start's check). Prints run-steps/s of each (median over reps) and Σ final J of the runs both did.
import { readFileSync } from 'node:fs';
import { acquireGpu } from '../src/engine/device.ts';
import { simulateTransformerRunsGpu, type TransformerGpuRun } from '../src/engine/transformer-gpu.ts';
import { trainTransformerGrpo, type TransformerLoopParams } from '../src/engine/transformer-grpo.ts';
import { supervisedWarmStart } from '../src/engine/transformer-sft.ts';
import { F32, TransformerTwin, initialParameters, makeTaskSet, transformerModel } from '../src/model/index.ts';
import { DEFAULT_RUN, taskResponseLength } from '../src/spec/index.ts';

const w = JSON.parse(readFileSync(new URL('./w3-workload.json', import.meta.url), 'utf8'));
const [gpuRuns, twinRuns, reps] = [Number(process.argv[2] ?? 64), Number(process.argv[3] ?? 4), Number(process.argv[4] ?? 3)];
const m = taskResponseLength(w.task, w.promptLength);
const shape = { V: w.V, d: w.d, T: w.promptLength + m, layers: w.layers, heads: w.heads };
const model = transformerModel(shape, F32);
const sft = { J0: w.J0, sftLearningRate: w.sftLearningRate, sftMaxSteps: w.sftMaxSteps };
const loop = (run: number): TransformerLoopParams => ({ ...DEFAULT_RUN, ...w, recordEvery: w.iterations, seed: 1, run });
const task = (run: number) => makeTaskSet({ task: w.task, V: w.V, promptLength: w.promptLength, N: w.N, heldOutPrompts: 0 }, 1, run);
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

process.env.EGL_PLATFORM ??= 'surfaceless';
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
// As the dawn host: the platform's adapter, else OpenGL ES in compatibility mode (llvmpipe here).
const ctx = await acquireGpu(create([])).catch(() => acquireGpu(create(['backend=opengles']), { featureLevel: 'compatibility' } as GPURequestAdapterOptions));
console.log(`adapter: ${ctx.adapterName}${ctx.fallbackAdapter ? ' (software)' : ''}`);

// Untimed: the twin's warm start of the first `twinRuns` runs (the kernel's is the same to the last
// bits, transformer-gpu.browser.test.ts, and on a software adapter far slower than the loop itself);
// GPU run i starts from the warm-started θ of run i mod twinRuns, with its own draws.
const twin = new TransformerTwin(model);
const warmStart = performance.now();
const warmTheta = Array.from({ length: twinRuns }, (_, run) => {
  const theta = initialParameters(model.layout, 1, run);
  return { theta, reached: supervisedWarmStart(twin, theta, task(run), sft).reached };
});
const reached = warmTheta.filter((r) => r.reached).length;
console.log(`twin warm start of ${twinRuns} runs (untimed): ${((performance.now() - warmStart) / 1000).toFixed(1)} s`);
const timedRuns: TransformerGpuRun[] = Array.from({ length: gpuRuns }, (_, run) => ({
  set: task(run % twinRuns),
  theta0: warmTheta[run % twinRuns].theta,
  sft: { ...sft, J0: 0, sftMaxSteps: 0 },
  loop: loop(run),
}));
const gpuSeconds: number[] = [];
let gpuFinal: Float32Array = new Float32Array(0);
for (let rep = 0; rep < reps; rep++) {
  const t0 = performance.now();
  const out = await simulateTransformerRunsGpu(ctx.device, shape, timedRuns, { budget: w.iterations + 1, dispatchesPerCheck: 1 });
  gpuSeconds.push((performance.now() - t0) / 1000);
  console.log(`kernel rep ${rep + 1}: ${gpuSeconds[rep].toFixed(2)} s`);
  gpuFinal = Float32Array.from(out.results, (r) => r.loop.J[r.loop.J.length - 1]);
}
const gpuRate = (gpuRuns * w.iterations) / median(gpuSeconds);

const twinSeconds: number[] = [];
let twinFinal = 0;
for (let rep = 0; rep < reps; rep++) {
  let seconds = 0;
  twinFinal = 0;
  for (let run = 0; run < twinRuns; run++) {
    const set = task(run);
    const theta = warmTheta[run].theta.slice();
    const t0 = performance.now();
    const out = trainTransformerGrpo(twin, theta, set, loop(run));
    seconds += (performance.now() - t0) / 1000;
    twinFinal += out.J[out.J.length - 1];
  }
  twinSeconds.push(seconds);
}
const twinRate = (twinRuns * w.iterations) / median(twinSeconds);
const both = Math.min(gpuRuns, twinRuns); // the same task, θ and draws in both
console.log(
  `W3 kernel (${ctx.adapterName}): ${gpuRuns} runs × ${w.iterations} iterations, median ${median(gpuSeconds).toFixed(2)} s of ${reps}: ${gpuRate.toFixed(1)} run-steps/s; ` +
    `SFT reached J0 ${reached}/${twinRuns}`,
);
console.log(
  `W3 twin (1 thread): ${twinRuns} runs, median ${median(twinSeconds).toFixed(2)} s: ${twinRate.toFixed(1)} run-steps/s; kernel/twin ${(gpuRate / twinRate).toFixed(2)}×`,
);
console.log(
  `Σ final J over the first ${both} runs: kernel ${gpuFinal
    .slice(0, both)
    .reduce((a, b) => a + b, 0)
    .toFixed(4)}, twin ${twinFinal.toFixed(4)}`,
);
ctx.device.destroy();
