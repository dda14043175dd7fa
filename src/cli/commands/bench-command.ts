/**
 * `gradgap bench [--host dawn|chrome] [--workload W1|W2|W3|all] [--full | --quick]`: throughput of every
 * engine on fixed workloads, measured in one process so the ratios compare like with like
 * (SPEC 2.4):
 *   W1  token level, V=16, d=16, L=32, G=8, exact match, GRPO (group std) seq-sum, 4096 runs × 200 iterations
 *   W1-adamw  W1 under AdamW with clipping at 1 and a warmup (SPEC 1.6), η 0.01
 *   W1-eos  W1 with EOS (SPEC 1.7): responses end at the stop token, exact-match target of 8 tokens, L = 32 the maximum
 *   W1-prompts  W1 with N = 16 prompts, B = 4 drawn per step (SPEC 1.8)
 *   W1-ppo  W1 in the loop TRL and verl run (SPEC 1.9): 4 passes over each batch, the ratio clip, KL β = 0.001 (k3)
 *   W2  a paper-scale phase diagram: 32 η × 8 L × 64 seeds = 16,384 runs × 300 iterations (W1's policy)
 *   W3  a transformer per run (d 16, 1 layer, 2 heads, V 16, copy of 4 tokens), GRPO G 8 B 4, 1,024 runs × 10
 *       iterations after a supervised warm start: the twin on all cores vs PyTorch on the CPU (../bench-w3.ts);
 *       only with --workload W3 (not in `all`: it needs Python with torch and takes minutes)
 * Engines: the WGSL engine on the host's adapter, the CPU twin on 1 thread, on every core.
 * Each engine runs a subset with the same per-run work (fewer seeds, every cell kept) unless
 * --full is given or the adapter is a hardware one; rates are per run, so they scale by run count.
 * --quick: a smoke test (few runs, QUICK_ITERATIONS iterations) that only shows every engine starts.
 * Human-readable lines first; the last line of stdout is one JSON object.
 */
import { availableParallelism } from 'node:os';
import { benchW3, w3Table } from '../bench-w3.ts';
import { expandGrid, logSpaced, memoryDecisionStore, withDefaults, type BackendChoice, type SweepSpecInput } from '../../engine/index.ts';
import type { ParsedArgs } from '../args.ts';
import { openHost, type Host, type HostName } from '../hosts/host.ts';
import { progressReporter } from '../progress.ts';
import { threadsFlag } from './run-command.ts';

const POLICY = {
  family: 'token',
  features: 'gaussian',
  reward: 'exact-match',
  V: 16,
  d: 16,
  G: 8,
  J0: 0.2,
  advantage: 'group-std',
  aggregation: 'seq-sum',
  stepSize: 1,
} as const;

export const WORKLOADS = {
  W1: { base: { ...POLICY, L: 32, iterations: 200, recordEvery: 50 }, seeds: 4096, seed: 1 },
  // W1 with the practitioners' loop (SPEC 1.6): AdamW, clipping at 1, a linear schedule after a warmup.
  'W1-adamw': {
    base: {
      ...POLICY,
      stepSize: 0.01,
      optimizer: 'adamw',
      weightDecay: 0.01,
      maxGradNorm: 1,
      warmupSteps: 20,
      schedule: 'linear',
      L: 32,
      iterations: 200,
      recordEvery: 50,
    },
    seeds: 4096,
    seed: 1,
  },
  // W1 with responses that end (SPEC 1.7): EOS on, an exact-match target of 8 tokens under L = 32.
  'W1-eos': { base: { ...POLICY, eos: true, targetLength: 8, L: 32, iterations: 200, recordEvery: 50 }, seeds: 4096, seed: 1 },
  // W1 with many prompts (SPEC 1.8): N = 16 start tokens, B = 4 drawn per step (4× W1's tokens per step).
  'W1-prompts': { base: { ...POLICY, N: 16, B: 4, L: 32, iterations: 200, recordEvery: 50 }, seeds: 4096, seed: 1 },
  // W1 in the PPO loop (SPEC 1.9): μ = 4 updates per batch, the clip at its default 0.2, verl's GRPO KL β = 0.001.
  'W1-ppo': { base: { ...POLICY, L: 32, iterations: 200, recordEvery: 50, ppoEpochs: 4, klCoef: 0.001 }, seeds: 4096, seed: 1 },
  W2: {
    base: { ...POLICY, iterations: 300, recordEvery: 50 },
    grid: { stepSize: logSpaced(0.1, 1000, 32), L: [2, 4, 8, 16, 24, 32, 48, 64] },
    seeds: 64,
    seed: 1,
  },
} satisfies Record<string, SweepSpecInput>;
type WorkloadName = keyof typeof WORKLOADS;

export interface Throughput {
  runs: number;
  iterations: number;
  wallS: number;
  runStepsPerS: number;
  tokensPerS: number; // sampled tokens: Σ over runs of G·L per iteration
  backend?: string;
  reason?: string; // auto only: why it picked its backend, with both measured rates
  error?: string;
}

/** --quick runs this many iterations (and few seeds): seconds on any machine, rates not comparable. */
export const QUICK_ITERATIONS = 10;

/** The workload with `seeds` seeds per cell (every cell kept, so the per-run mix of L is the same). */
function subset(name: WorkloadName, seeds: number, quick = false): SweepSpecInput {
  const spec = WORKLOADS[name];
  return quick ? { ...spec, seeds, base: { ...spec.base, iterations: QUICK_ITERATIONS, recordEvery: QUICK_ITERATIONS } } : { ...spec, seeds };
}

async function measure(host: Host, spec: SweepSpecInput, backend: BackendChoice, threads: number, label: string): Promise<Throughput> {
  const full = withDefaults(spec);
  const cells = expandGrid(full);
  const runs = cells.length * full.seeds;
  const iterations = full.base.iterations;
  const tokensPerStep = cells.reduce((sum, c) => sum + c.params.G * c.params.L, 0) * full.seeds;
  const bar = progressReporter();
  try {
    // Warm-up: compiles the kernels for these shapes, starts the workers, fills caches.
    await host.run(withDefaults({ ...spec, seeds: 1, base: { ...spec.base, iterations: 2, recordEvery: 1 } }), null, { backend, threads });
    // auto measures this subset as it would a large sweep (the warm-up above is under the threshold, so nothing was remembered).
    const auto = backend === 'auto' ? { measureAboveS: 0 } : undefined;
    const r = await host.run(full, null, { backend, threads, auto, onProgress: (p) => bar.update(label, p.runsDone, p.runsTotal) });
    if (!r.complete) throw new Error(r.message);
    const wallS = r.wallMs / 1000;
    const backendText = r.backend.kind === 'cpu' ? `CPU twin, ${r.backend.threads} thread(s)` : `WebGPU on ${r.backend.adapter}`;
    bar.done(`${label}: ${runs} runs × ${iterations} iterations in ${wallS.toFixed(2)} s`);
    const reason = backend === 'auto' ? { reason: r.backend.reason } : {};
    return {
      runs,
      iterations,
      wallS,
      runStepsPerS: (runs * iterations) / wallS,
      tokensPerS: (tokensPerStep * iterations) / wallS,
      backend: backendText,
      ...reason,
    };
  } catch (error) {
    bar.done(`${label}: failed: ${(error as Error).message}`);
    return { runs, iterations, wallS: NaN, runStepsPerS: NaN, tokensPerS: NaN, error: (error as Error).message.split('\n')[0] };
  }
}

const fmt = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Number((a / b).toFixed(3)) : null);

/** W3 runs measured: the twin measures a subset (its rate is per run) unless --full; PyTorch batches all 1,024 (its rate depends on the batch). */
export function w3Runs(threads: number, full: boolean, quick: boolean): { twinRuns: number; torchRuns: number; reps: number } {
  if (quick) return { twinRuns: threads, torchRuns: 16, reps: 1 };
  return { twinRuns: full ? 1024 : Math.min(1024, 32 * threads), torchRuns: 1024, reps: 5 };
}

async function benchW3Command(args: ParsedArgs, threads: number): Promise<number> {
  const quick = Boolean(args.flags.quick);
  const sizes = w3Runs(threads, Boolean(args.flags.full) && !quick, quick);
  const r = await benchW3({ threads, ...sizes, iterations: quick ? 2 : undefined }, (line) => process.stderr.write(`${line}\n`));
  for (const line of w3Table(r)) process.stdout.write(`${line}\n`);
  const { workload: parameters, ...measured } = r;
  const json = { bench: 'gradgap', workload: 'W3', parameters, quick, threads, ...measured };
  process.stdout.write(`${JSON.stringify(json, (_k, v) => (typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(6)) : null) : v))}\n`);
  return 0;
}

export async function benchCommand(args: ParsedArgs): Promise<number> {
  const hostName = (args.flags.host as HostName | undefined) ?? 'dawn';
  const threads = threadsFlag(args.flags.threads) ?? availableParallelism();
  if (args.flags.workload === 'W3') return benchW3Command(args, threads);
  const names: WorkloadName[] =
    typeof args.flags.workload === 'string' && args.flags.workload in WORKLOADS
      ? [args.flags.workload as WorkloadName]
      : ['W1', 'W1-adamw', 'W1-eos', 'W1-prompts', 'W1-ppo', 'W2'];
  const host = await openHost(hostName, memoryDecisionStore()); // auto measures afresh, and the cache file is left alone
  const out: Record<string, unknown> = {};
  let adapter: string;
  let fallbackAdapter: boolean | null;
  try {
    // Probe the adapter once: a hardware GPU runs the full workloads.
    const probe = await host.run(withDefaults({ ...WORKLOADS.W1, seeds: 1, base: { ...WORKLOADS.W1.base, iterations: 1, recordEvery: 1 } }), null, {
      backend: 'auto',
      threads: 1,
    });
    adapter = probe.backend.adapter;
    fallbackAdapter = adapter === 'none' ? null : probe.backend.fallbackAdapter;
    const quick = Boolean(args.flags.quick);
    const full = Boolean(args.flags.full) && !quick;
    const gpuFull = full || (fallbackAdapter === false && !quick);
    for (const name of names) {
      const all = WORKLOADS[name].seeds;
      const perCell = name !== 'W2' ? (quick ? 8 : 128) : 1; // seeds per cell measured on one CPU thread
      const engines = {
        webgpu: await measure(host, subset(name, gpuFull ? all : perCell, quick), 'webgpu', 1, `${name} WGSL engine`),
        cpu1: await measure(host, subset(name, full ? all : perCell, quick), 'cpu', 1, `${name} CPU twin, 1 thread`),
        cpuAll: await measure(host, subset(name, full ? all : Math.min(all, perCell * threads), quick), 'cpu', threads, `${name} CPU twin, ${threads} threads`),
        auto: await measure(host, subset(name, full ? all : Math.min(all, perCell * threads), quick), 'auto', threads, `${name} auto`),
      };
      const fastest = engines.webgpu.runStepsPerS > engines.cpuAll.runStepsPerS ? 'WebGPU' : 'CPU twin';
      out[name] = {
        ...engines,
        ratios: {
          webgpu_over_cpu1: ratio(engines.webgpu.runStepsPerS, engines.cpu1.runStepsPerS),
          webgpu_over_cpuAll: ratio(engines.webgpu.runStepsPerS, engines.cpuAll.runStepsPerS),
          cpuAll_over_cpu1: ratio(engines.cpuAll.runStepsPerS, engines.cpu1.runStepsPerS),
        },
        auto_picks_fastest: engines.auto.backend?.startsWith(fastest) ?? false,
      };
      for (const [engine, t] of Object.entries(engines)) {
        process.stdout.write(
          `${name} ${engine.padEnd(6)} ${fmt(t.runStepsPerS).padStart(12)} run-steps/s ${fmt(t.tokensPerS).padStart(14)} tokens/s   (${t.runs} runs measured${t.error ? `; ${t.error}` : `; ${t.backend}`}${t.reason ? `: ${t.reason}` : ''})\n`,
        );
      }
    }
  } finally {
    await host.close();
  }
  // Whether the WGSL engine ran on a GPU: a software adapter (llvmpipe, SwiftShader) is the CPU.
  const gpu = fallbackAdapter === false;
  process.stdout.write(
    `adapter: ${adapter}: ${gpu ? 'a hardware GPU' : adapter === 'none' ? 'no WebGPU adapter, not a GPU' : 'a software adapter on the CPU, not a GPU'}\n`,
  );
  const quick = Boolean(args.flags.quick);
  const result = { bench: 'gradgap', host: hostName, runtime: host.runtime, adapter, fallbackAdapter, gpu, quick, threads, workloads: out };
  process.stdout.write(`${JSON.stringify(result, (_k, v) => (typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(6)) : null) : v))}\n`);
  return 0;
}
