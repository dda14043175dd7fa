/**
 * Benchmark page for `npm run bench` (workload W1), run in headless Chromium by scripts/bench.mjs.
 * Each engine runs a subset of W1's runs (same per-run work) and is scaled to run-steps per second;
 * each measurement is repeated and the median reported, after one warm-up. Then `auto` measures
 * the two backends on W1 as it would for a user (auto_backend, auto_reason with both rates), and
 * auto_picks_fastest says whether it agrees with the medians. W1-adamw is W1 under the
 * practitioners' loop (AdamW, clipping at 1, a warmup and linear decay; SPEC 1.6), measured on the
 * WGSL engine and one CPU thread beside plain W1; so is W1-eos, W1 with EOS (SPEC 1.7: an 8-token
 * exact-match target under L = 32, as `gradgap bench`'s W1-eos), and W1-prompts, W1 with N = 16 prompts
 * and B = 4 drawn per step (SPEC 1.8; 4× W1's tokens per step, so compare its tokens per second).
 */
import { acquireGpu } from '../src/engine/device.ts';
import { memoryDecisionStore } from '../src/engine/backend-choice.ts';
import type { BackendInfo } from '../src/engine/results.ts';
import { runSweep, type BackendChoice } from '../src/engine/run-sweep.ts';
import type { SweepSpecInput } from '../src/spec/spec.ts';

/** W1: token level, V=16, d=16, L=32, G=8, exact match, GRPO seq-sum, 4096 runs × 200 iterations. */
export const W1 = { runs: 4096, iterations: 200, G: 8, L: 32 };

/** W1-adamw's optimizer fields: AdamW with clipping at 1.0 after a 20-step warmup (as `gradgap bench`'s W1-adamw). */
const ADAMW = { stepSize: 0.01, optimizer: 'adamw', weightDecay: 0.01, maxGradNorm: 1, warmupSteps: 20, schedule: 'linear' } as const;

/** W1-eos's fields: responses end at EOS, an exact-match target of 8 tokens, L = 32 the maximum. */
const EOS = { eos: true, targetLength: 8 } as const;

/** W1-prompts' fields: 16 prompts (one per start token), 4 drawn per step (as `gradgap bench`'s W1-prompts). */
const PROMPTS = { N: 16, B: 4 } as const;

type Variant = 'W1' | 'W1-adamw' | 'W1-eos' | 'W1-prompts';

function w1(runs: number, variant: Variant = 'W1'): SweepSpecInput {
  const spec = w1Sgd(runs);
  if (variant === 'W1') return spec;
  return { ...spec, base: { ...spec.base, ...(variant === 'W1-adamw' ? ADAMW : variant === 'W1-prompts' ? PROMPTS : EOS) } };
}

function w1Sgd(runs: number): SweepSpecInput {
  return {
    base: {
      family: 'token',
      features: 'gaussian',
      reward: 'exact-match',
      V: 16,
      d: 16,
      L: W1.L,
      G: W1.G,
      J0: 0.2,
      advantage: 'group-std',
      aggregation: 'seq-sum',
      stepSize: 1,
      iterations: W1.iterations,
      recordEvery: 50,
    },
    seeds: runs,
    seed: 1,
  };
}

const log = (line: string) => {
  document.querySelector('#log')!.textContent += `\n${line}`;
  console.log(line);
};

async function measure(label: string, backend: BackendChoice, runs: number, threads: number, reps: number, variant: Variant = 'W1'): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const r = await runSweep(w1(runs, variant), { backend, threads });
    const rate = (runs * W1.iterations) / (r.wallMs / 1000);
    if (i > 0) rates.push(rate); // the first run warms up workers, compilers and caches
    log(`${label}${i === 0 ? ' (warm-up)' : ''}: ${runs} runs in ${(r.wallMs / 1000).toFixed(2)} s = ${rate.toFixed(0)} run-steps/s`);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

/**
 * What `auto` decides for the whole of W1, measured afresh (a store of its own, nothing remembered):
 * the sweep is cancelled as soon as the backend is decided, so this costs only the measuring.
 */
async function autoChoice(gpu: Awaited<ReturnType<typeof acquireGpu>> | undefined): Promise<BackendInfo> {
  const stop = new AbortController();
  const r = await runSweep(w1(W1.runs), { gpu, signal: stop.signal, onBackend: () => stop.abort(), auto: { store: memoryDecisionStore() } });
  log(`auto on W1 (${W1.runs} runs): ${r.backend.kind}; ${r.backend.reason}`);
  return r.backend;
}

async function main() {
  const q = new URLSearchParams(location.search);
  const reps = Number(q.get('reps') ?? 5);
  const threads = navigator.hardwareConcurrency;
  const ctx = await acquireGpu().catch(() => undefined);
  const gpuRuns = Number(q.get('gpuRuns') ?? (ctx && !ctx.fallbackAdapter ? W1.runs : 64));
  const cpuRuns = Number(q.get('cpuRuns') ?? 128);
  const gpu = ctx ? await measure('WGSL engine', 'webgpu', gpuRuns, 1, reps) : NaN;
  const cpu1 = await measure('CPU twin, 1 thread', 'cpu', cpuRuns, 1, reps);
  const cpuN = await measure(`CPU twin, ${threads} threads`, 'cpu', cpuRuns * threads, threads, reps);
  const gpuAdamw = ctx ? await measure('WGSL engine, W1-adamw', 'webgpu', gpuRuns, 1, reps, 'W1-adamw') : NaN;
  const cpu1Adamw = await measure('CPU twin, 1 thread, W1-adamw', 'cpu', cpuRuns, 1, reps, 'W1-adamw');
  const gpuEos = ctx ? await measure('WGSL engine, W1-eos', 'webgpu', gpuRuns, 1, reps, 'W1-eos') : NaN;
  const cpu1Eos = await measure('CPU twin, 1 thread, W1-eos', 'cpu', cpuRuns, 1, reps, 'W1-eos');
  const gpuPrompts = ctx ? await measure('WGSL engine, W1-prompts', 'webgpu', gpuRuns, 1, reps, 'W1-prompts') : NaN;
  const cpu1Prompts = await measure('CPU twin, 1 thread, W1-prompts', 'cpu', cpuRuns, 1, reps, 'W1-prompts');
  const auto = await autoChoice(ctx);
  const fastest = gpu > cpuN ? 'webgpu' : 'cpu';
  const tokens = W1.G * W1.L;
  (window as unknown as { benchResult: unknown }).benchResult = {
    workload: 'W1',
    adapter: ctx?.adapterName ?? 'none',
    fallback_adapter: ctx?.fallbackAdapter ?? null,
    gpu_run_steps_per_s: Math.round(gpu),
    cpu1_run_steps_per_s: Math.round(cpu1),
    cpuN_run_steps_per_s: Math.round(cpuN),
    gpu_tokens_per_s: Math.round(gpu * tokens),
    cpuN_tokens_per_s: Math.round(cpuN * tokens),
    threads,
    cpuN_over_cpu1: Number((cpuN / cpu1).toFixed(2)),
    gpu_over_cpuN: Number((gpu / cpuN).toFixed(3)),
    adamw_gpu_run_steps_per_s: Math.round(gpuAdamw),
    adamw_cpu1_run_steps_per_s: Math.round(cpu1Adamw),
    adamw_over_sgd_cpu1: Number((cpu1Adamw / cpu1).toFixed(3)),
    adamw_over_sgd_gpu: Number((gpuAdamw / gpu).toFixed(3)),
    eos_gpu_run_steps_per_s: Math.round(gpuEos),
    eos_cpu1_run_steps_per_s: Math.round(cpu1Eos),
    eos_over_sgd_cpu1: Number((cpu1Eos / cpu1).toFixed(3)),
    eos_over_sgd_gpu: Number((gpuEos / gpu).toFixed(3)),
    prompts_gpu_run_steps_per_s: Math.round(gpuPrompts),
    prompts_cpu1_run_steps_per_s: Math.round(cpu1Prompts),
    prompts_gpu_tokens_per_s: Math.round(gpuPrompts * tokens * PROMPTS.B),
    prompts_cpu1_tokens_per_s: Math.round(cpu1Prompts * tokens * PROMPTS.B),
    auto_backend: auto.kind,
    auto_reason: auto.reason,
    auto_picks_fastest: auto.kind === fastest,
    runs_measured: { gpu: gpuRuns, cpu1: cpuRuns, cpuN: cpuRuns * threads },
    reps,
  };
}

main().catch((e) => {
  (window as unknown as { benchResult: unknown }).benchResult = { error: String(e?.stack ?? e) };
});
