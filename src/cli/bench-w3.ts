/**
 * `gradgap bench --workload W3` (issue 22): the transformer workload W3 (bench-w3-workload.ts) on
 * every engine in one sitting, side by side: the WGSL engine, the CPU twin on all cores
 * (worker_threads, one chunk of runs per thread, as the CLI spreads the twin), and the same model
 * and loop in PyTorch on the CPU (scripts/w3-torch.py, batched over runs, on as many threads).
 *
 * Timed: the GRPO iterations only, from each run's supervised warm start to J0 (untimed, done once;
 * every repetition starts again from the warm-started θ, so every repetition does the same work).
 * Rates are medians over repetitions; run-steps/s counts run × iteration, tokens/s counts sampled
 * response tokens (B·G·m a run-step; SFT's teacher-forced tokens are not counted). The load average
 * goes with every measurement: on a shared machine the medians are only as good as it was quiet.
 *
 * @example
 *   const w3 = await benchW3({ threads: 8, twinRuns: 256, torchRuns: 1024, reps: 5 }, log);
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { installWebWorker } from './node-loader/web-worker.ts';
import type { W3Job, W3Reply } from './bench-w3-worker.ts';
import { W3_WORKLOAD_FILE, readW3Workload, w3TokensPerRunStep, type W3Workload } from './bench-w3-workload.ts';

export interface W3Options {
  threads: number; // twin workers and PyTorch threads
  twinRuns: number; // runs the twin measures (rates are per run, so a subset measures the same rate)
  torchRuns: number; // runs PyTorch batches (its rate depends on the batch: W3's 1024 unless --quick)
  reps: number; // timed repetitions; medians are reported
  iterations?: number; // GRPO iterations a repetition (default W3's)
  python?: string; // default $PYTHON or /usr/bin/python3 (Debian's, which has python3-torch)
  seed?: number;
}

export interface W3Engine {
  label: string;
  runs: number;
  iterations: number;
  repSeconds: number[];
  loadAverages: number[]; // 1-minute load average after each repetition
  runStepsPerS: number; // median
  tokensPerS: number; // median
  note?: string;
  error?: string; // why it has no rate ("not built", no torch, …)
}

export interface W3Result {
  workload: W3Workload;
  tokensPerRunStep: number;
  wgsl: W3Engine;
  twin: W3Engine;
  torch: W3Engine;
  twinOverTorch: number | null; // run-steps/s ratio
  twinDigests: string[]; // SHA-256 of each twin run's final θ (the same every repetition)
}

/** Median of repetition times (NaN for none). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function engine(
  label: string,
  runs: number,
  iterations: number,
  tokensPerRunStep: number,
  repSeconds: number[],
  loadAverages: number[],
  note?: string,
): W3Engine {
  const s = median(repSeconds);
  return {
    label,
    runs,
    iterations,
    repSeconds,
    loadAverages,
    runStepsPerS: (runs * iterations) / s,
    tokensPerS: (runs * iterations * tokensPerRunStep) / s,
    note,
  };
}

function failed(label: string, runs: number, iterations: number, error: string): W3Engine {
  return { label, runs, iterations, repSeconds: [], loadAverages: [], runStepsPerS: NaN, tokensPerS: NaN, error };
}

/** The WGSL engine's column (bench-w3-wgsl.ts), loaded only here: the kernel's host needs WebGPU globals. */
async function measureWgsl(w: W3Workload, o: W3Options, iterations: number): Promise<W3Engine> {
  const { measureWgslW3 } = await import('./bench-w3-wgsl.ts');
  return measureWgslW3(w, { runs: o.torchRuns, reps: o.reps, seed: o.seed }, iterations);
}

/** A Web Worker per thread, each holding a contiguous chunk of the runs. */
async function measureTwin(w: W3Workload, o: W3Options, iterations: number, log: (line: string) => void): Promise<{ e: W3Engine; digests: string[] }> {
  installWebWorker();
  const threads = Math.max(1, Math.min(o.threads, o.twinRuns));
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./bench-w3-worker.ts', import.meta.url), { type: 'module' }));
  let nextId = 0;
  const ask = (worker: Worker, job: W3Job extends infer J ? (J extends W3Job ? Omit<J, 'id'> : never) : never) =>
    new Promise<W3Reply>((resolve, reject) => {
      const id = nextId++;
      worker.onmessage = (event: MessageEvent<W3Reply>) => (event.data.error ? reject(new Error(event.data.error)) : resolve(event.data));
      worker.onerror = (event) => reject(new Error(`W3 worker failed: ${event.message}`));
      worker.postMessage({ ...job, id });
    });
  try {
    const seed = o.seed ?? 1;
    const t0 = performance.now();
    const prepared = await Promise.all(
      workers.map((worker, i) => {
        const begin = Math.floor((i * o.twinRuns) / threads);
        const end = Math.floor(((i + 1) * o.twinRuns) / threads);
        return ask(worker, { kind: 'prepare', workload: w, seed, begin, end });
      }),
    );
    const sftSteps = prepared.flatMap((r) => r.sftSteps ?? []);
    const reached = prepared.reduce((sum, r) => sum + (r.sftReached ?? 0), 0);
    log(
      `W3 twin: warm start of ${o.twinRuns} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s (untimed), median ${median(sftSteps)} Adam steps, ${reached}/${o.twinRuns} reached J0 ${w.J0}`,
    );
    const repSeconds: number[] = [];
    const loads: number[] = [];
    let digests: string[] = [];
    for (let rep = 0; rep < o.reps; rep++) {
      const start = performance.now();
      const replies = await Promise.all(workers.map((worker) => ask(worker, { kind: 'train', iterations })));
      repSeconds.push((performance.now() - start) / 1000);
      loads.push(loadavg()[0]);
      const these = replies.flatMap((r) => r.digests ?? []);
      if (rep > 0 && these.join() !== digests.join()) throw new Error('W3 twin: a repetition computed different parameters from the first');
      digests = these;
      log(`W3 twin rep ${rep + 1}/${o.reps}: ${repSeconds[rep].toFixed(2)} s, load average ${loads[rep].toFixed(2)}`);
    }
    const note = `${reached}/${o.twinRuns} runs reached J0 in a median ${median(sftSteps)} SFT steps`;
    return { e: engine(`CPU twin, ${threads} thread(s)`, o.twinRuns, iterations, w3TokensPerRunStep(w), repSeconds, loads, note), digests };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}

/** scripts/w3-torch.py on this machine's Python; its last line of stdout is JSON. */
async function measureTorch(w: W3Workload, o: W3Options, iterations: number, log: (line: string) => void): Promise<W3Engine> {
  const python = o.python ?? process.env.PYTHON ?? '/usr/bin/python3';
  const label = `PyTorch CPU, ${o.threads} thread(s)`;
  const script = new URL('./w3-torch.py', W3_WORKLOAD_FILE).pathname;
  const args = [script, '--runs', String(o.torchRuns), '--iterations', String(iterations), '--threads', String(o.threads), '--reps', String(o.reps), '--json'];
  log(`W3 torch: ${python} ${args.join(' ')}`);
  const loadBefore = loadavg()[0];
  const result = await new Promise<{ code: number | string | null; stdout: string; stderr: string }>((resolve) => {
    execFile(python, args, { maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr }),
    );
  });
  if (result.code === 'ENOENT') return failed(label, o.torchRuns, iterations, `no Python at ${python} (set PYTHON, or apt-get install python3-torch)`);
  if (/No module named '?torch/.test(result.stderr))
    return failed(label, o.torchRuns, iterations, `${python} has no torch (Debian: apt-get install python3-torch)`);
  const last = result.stdout.trim().split('\n').pop() ?? '';
  const parsed = ((): { repSeconds: number[]; torch: string; sftSteps: number; sftJ: number } | null => {
    try {
      return last.startsWith('{') ? JSON.parse(last) : null;
    } catch {
      return null;
    }
  })();
  if (result.code !== 0 || !parsed) {
    const why = result.stderr.trim().split('\n').pop() ?? `exit ${result.code}`;
    return failed(label, o.torchRuns, iterations, `w3-torch.py failed: ${why}`);
  }
  const loadAfter = loadavg()[0];
  return engine(
    `PyTorch ${parsed.torch} CPU, ${o.threads} thread(s)`,
    o.torchRuns,
    iterations,
    w3TokensPerRunStep(w),
    parsed.repSeconds,
    [loadBefore, loadAfter],
    `batched over ${o.torchRuns} runs; SFT ${parsed.sftSteps} Adam steps to mean J ${parsed.sftJ.toFixed(3)}; load average before/after`,
  );
}

/** Measures W3 on every engine, one after another (never at once: they would share the cores). */
export async function benchW3(o: W3Options, log: (line: string) => void): Promise<W3Result> {
  const w = readW3Workload();
  const iterations = o.iterations ?? w.iterations;
  const wgsl = await measureWgsl(w, o, iterations);
  let twin: W3Engine;
  let twinDigests: string[] = [];
  try {
    const t = await measureTwin(w, o, iterations, log);
    twin = t.e;
    twinDigests = t.digests;
  } catch (error) {
    twin = failed(`CPU twin, ${o.threads} thread(s)`, o.twinRuns, iterations, (error as Error).message);
  }
  const torch = await measureTorch(w, o, iterations, log);
  const ratio = Number.isFinite(twin.runStepsPerS) && Number.isFinite(torch.runStepsPerS) ? twin.runStepsPerS / torch.runStepsPerS : null;
  return { workload: w, tokensPerRunStep: w3TokensPerRunStep(w), wgsl, twin, torch, twinOverTorch: ratio, twinDigests };
}

const fmt = (x: number) => (Number.isFinite(x) ? (x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US')) : 'n/a');

/** The side-by-side table, one line per engine, then the ratio. */
export function w3Table(r: W3Result): string[] {
  const lines = [`W3 (${r.tokensPerRunStep} sampled tokens a run-step; medians over repetitions; load average = 1-minute, after each repetition)`];
  for (const e of [r.wgsl, r.twin, r.torch]) {
    const reps = e.repSeconds.length
      ? `; ${e.repSeconds.length} reps ${e.repSeconds.map((s) => s.toFixed(2)).join('/')} s; load ${e.loadAverages.map((l) => l.toFixed(2)).join('/')}`
      : '';
    lines.push(
      `W3 ${e.label.padEnd(30)} ${fmt(e.runStepsPerS).padStart(10)} run-steps/s ${fmt(e.tokensPerS).padStart(12)} tokens/s   (${e.error ?? `${e.runs} runs × ${e.iterations} iterations${reps}${e.note ? `; ${e.note}` : ''}`})`,
    );
  }
  lines.push(`W3 twin / PyTorch: ${r.twinOverTorch === null ? 'n/a' : `${r.twinOverTorch.toFixed(3)}×`} (run-steps/s)`);
  return lines;
}
