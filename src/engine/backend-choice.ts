/**
 * `auto` by measurement (SPEC 2.2): a sweep large enough to matter runs its first runs on both
 * backends for a short, bounded time, keeps the faster one's runs and continues on it. Runs are
 * deterministic by run index, so the winner's runs are exactly what it would have computed alone;
 * the loser's are dropped. The decision is remembered per adapter, threads and shape class, so it is
 * measured once. This file holds the pure parts — the work estimate, the shape class, the store,
 * the timing loop and the reason text — and run-sweep.ts wires them to the engines.
 *
 * @example
 *   const picked = await measureBackends({ webgpu: runOnGpu, cpu: runOnCpu }, { first: 0, last: 4096, startRuns: 8, budgetMs: 500, work, clock });
 *   picked.kind; // the faster backend; picked.kept are its chunks, picked.next the first run it has not done
 */
import { workPerRunStep } from './chunk-plan.ts';
import type { BackendKind } from './results.ts';
import type { Cell } from '../spec/index.ts';

/** Work units (chunk-plan.ts's estimate) the CPU twin does per second on one thread; measured on W1, W2 and bandits (2.3–5.3e8). */
export const CPU_WORK_PER_THREAD_S = 4e8;
/** Sweeps estimated to take longer than this on the CPU twin (all threads) are measured; smaller ones use the rule. */
export const MEASURE_ABOVE_S = 1;
/** About how long each backend is timed, in ms (one chunk more may run when its time was mispredicted). */
export const MEASURE_BUDGET_MS = 500;

/** A measured decision: both rates in run-steps/s of the sweep's mix of runs, and who won. */
export interface MeasuredChoice {
  kind: BackendKind; // the faster one
  webgpu: number; // run-steps/s; NaN when WebGPU failed while measured
  cpu: number; // run-steps/s on `threads` threads
  threads: number;
}

/** Where decisions are remembered: localStorage in the page, a JSON file for the CLI, memory in tests. */
export interface DecisionStore {
  get(key: string): Promise<MeasuredChoice | undefined>;
  set(key: string, choice: MeasuredChoice): Promise<void>;
}

/** How `auto` measures and remembers; every field has a default. */
export interface AutoOptions {
  store?: DecisionStore; // default: memory shared by this page or process
  clock?: (kind: BackendKind) => number; // ms while timing `kind` (default performance.now); tests skew it per backend
  measureAboveS?: number; // default MEASURE_ABOVE_S; 0 measures every sweep
  budgetMs?: number; // default MEASURE_BUDGET_MS
}

/** A store in memory: decisions live as long as the page or process. */
export function memoryDecisionStore(): DecisionStore {
  const map = new Map<string, MeasuredChoice>();
  return {
    get: async (key) => map.get(key),
    set: async (key, choice) => void map.set(key, choice),
  };
}

/** Decisions in one localStorage item (a JSON object by key). A missing, full or unreadable storage stores nothing. */
export function localStorageDecisionStore(storage?: Pick<Storage, 'getItem' | 'setItem'>, item = 'gradgap.backend-choice'): DecisionStore {
  const target = () => storage ?? (globalThis.localStorage as Storage | undefined); // looked up when used, not when created
  const read = (): Record<string, MeasuredChoice> => {
    try {
      const value = JSON.parse(target()?.getItem(item) ?? '{}');
      return value && typeof value === 'object' ? value : {};
    } catch {
      return {};
    }
  };
  return {
    get: async (key) => parseChoice(read()[key]),
    set: async (key, choice) => {
      try {
        target()?.setItem(item, JSON.stringify({ ...read(), [key]: choice }));
      } catch {
        // quota or privacy mode: the next sweep measures again
      }
    },
  };
}

/** A stored value if it is a well-formed decision (NaN rates are stored as null by JSON). */
export function parseChoice(value: unknown): MeasuredChoice | undefined {
  const v = value as Record<string, unknown> | undefined;
  if (!v || (v.kind !== 'webgpu' && v.kind !== 'cpu') || typeof v.threads !== 'number') return undefined;
  const rate = (x: unknown) => (typeof x === 'number' ? x : NaN);
  return { kind: v.kind, webgpu: rate(v.webgpu), cpu: rate(v.cpu), threads: v.threads };
}

export const defaultDecisionStore: DecisionStore = memoryDecisionStore();

/** Estimated work of runs [begin, end) (run index = cell·seeds + seed), and their run-steps. */
export function sweepWork(cells: readonly Cell[], seeds: number, begin: number, end: number): { work: number; runSteps: number } {
  let work = 0;
  let runSteps = 0;
  for (let c = Math.floor(begin / seeds); c < cells.length && c * seeds < end; c++) {
    const runs = Math.min(end, (c + 1) * seeds) - Math.max(begin, c * seeds);
    const p = cells[c].params;
    work += runs * p.iterations * workPerRunStep(p);
    runSteps += runs * p.iterations;
  }
  return { work, runSteps };
}

/** Seconds the CPU twin should take for `work` on `threads` threads. */
export function estimatedCpuSeconds(work: number, threads: number): number {
  return work / (CPU_WORK_PER_THREAD_S * threads);
}

/**
 * The shape class a decision is remembered for: policy family, update mode, and the work per
 * run-step to a factor of 2 (what sets the GPU/CPU ratio; the number of runs does not enter, so a
 * small sweep finds the decision a large one of its shape made).
 */
export function shapeClass(cells: readonly Cell[], seeds: number, begin: number, end: number): string {
  const kinds = new Set<string>();
  for (let c = Math.floor(begin / seeds); c < cells.length && c * seeds < end; c++) kinds.add(`${cells[c].params.family} ${cells[c].params.mode}`);
  const { work, runSteps } = sweepWork(cells, seeds, begin, end);
  return `${[...kinds].sort().join(' + ')}, work 2^${Math.round(Math.log2(work / runSteps))} per run-step`;
}

/** The key a decision is stored under. */
export function decisionKey(adapter: string, threads: number, shape: string): string {
  return `${adapter} | ${threads} threads | ${shape}`;
}

/** The faster backend; on a tie, or when neither rate is known, the CPU twin (it needs no GPU). */
export function fasterBackend(webgpu: number, cpu: number): BackendKind {
  return webgpu > cpu || (Number.isNaN(cpu) && webgpu > 0) ? 'webgpu' : 'cpu';
}

/** A rate to two significant figures (all digits below 1000): 950, 4.0k, 62k, 1.2M. */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x < 1000) return String(Math.round(x));
  const r = Number(x.toPrecision(2));
  const [scale, unit] = r >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  const v = r / scale;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}${unit}`;
}

/** "WebGPU 4.0k run-steps/s, CPU twin 62k on 2 threads: CPU twin". */
export function ratesText(c: MeasuredChoice): string {
  const webgpu = Number.isNaN(c.webgpu) ? 'WebGPU failed' : `WebGPU ${formatRate(c.webgpu)} run-steps/s`;
  return `${webgpu}, CPU twin ${formatRate(c.cpu)} on ${c.threads} thread${c.threads === 1 ? '' : 's'}: ${c.kind === 'webgpu' ? 'WebGPU' : 'CPU twin'}`;
}

/** Runs [begin, end) on one backend, resolving with its chunks when all are done. */
export type RangeRunner<T> = (begin: number, end: number) => Promise<T[]>;

/** What timing one backend gave: its chunks of runs [first, next), and its rate in work units per second. */
interface Sample<T> {
  chunks: T[];
  next: number;
  workPerS: number;
}

export interface MeasureOptions {
  first: number; // the sweep's first run
  last: number; // one past its last run
  startRuns: number; // runs in the first timed chunk (a warm-up: compiles kernels, starts workers)
  maxRuns: { webgpu: number; cpu: number }; // runs each backend may do at most while timed
  budgetMs: number;
  work: (begin: number, end: number) => number; // estimated work of runs [begin, end)
  clock: (kind: BackendKind) => number;
  signal?: AbortSignal;
}

/**
 * Times one backend on runs [first, …): chunks of startRuns, then twice as many each time, while
 * the next one is predicted to fit the budget. The rate is the last chunk's (the largest and
 * warmest). The first chunk includes compiling the kernels or starting the workers, so a second
 * always follows it (of the same size when a doubled one would not fit): a GPU whose compile alone
 * outlasts the budget is not judged by it.
 */
async function timeBackend<T>(kind: BackendKind, run: RangeRunner<T>, o: MeasureOptions): Promise<Sample<T>> {
  const cap = Math.min(o.last, o.first + Math.max(1, o.maxRuns[kind]));
  const started = o.clock(kind);
  const chunks: T[] = [];
  let next = o.first;
  let size = Math.max(1, o.startRuns);
  let workPerS = NaN;
  let timed = 0; // chunks run
  while (next < cap && !o.signal?.aborted) {
    const end = Math.min(cap, next + size);
    const t = o.clock(kind);
    chunks.push(...(await run(next, end)));
    workPerS = o.work(next, end) / (Math.max(1e-3, o.clock(kind) - t) / 1000);
    next = end;
    timed++;
    const predictedMs = (o.work(next, Math.min(cap, next + 2 * size)) / workPerS) * 1000;
    if (o.clock(kind) - started + predictedMs <= o.budgetMs) size *= 2;
    else if (timed > 1) break; // after the first, one more of the same size
  }
  return { chunks, next, workPerS };
}

/** The winner, its chunks (the loser's are dropped), the first run it has not done, and both rates. */
export interface Measured<T> {
  kind: BackendKind;
  kept: T[];
  next: number;
  workPerS: { webgpu: number; cpu: number }; // NaN for a backend not measured (cancelled) or failed
  error?: Error; // WebGPU failed while timed
}

/** Times WebGPU, then the CPU twin (one after the other: a software adapter shares the cores), on the sweep's first runs. */
export async function measureBackends<T>(run: { webgpu: RangeRunner<T>; cpu: RangeRunner<T> }, o: MeasureOptions): Promise<Measured<T>> {
  let error: Error | undefined;
  const gpu = await timeBackend('webgpu', run.webgpu, o).catch((e: Error): Sample<T> => {
    error = e;
    return { chunks: [], next: o.first, workPerS: NaN };
  });
  const cpu = await timeBackend('cpu', run.cpu, o);
  const kind = fasterBackend(gpu.workPerS, cpu.workPerS);
  const won = kind === 'webgpu' ? gpu : cpu;
  return { kind, kept: won.chunks, next: won.next, workPerS: { webgpu: gpu.workPerS, cpu: cpu.workPerS }, error };
}
