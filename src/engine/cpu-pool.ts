/**
 * The CPU twin spread over all cores: a pool of module Web Workers, each running whole chunks.
 * In the page this is the engine of choice on a software WebGPU adapter (SPEC 2.2). Pools are kept
 * between sweeps (`CpuPool.shared`), so a re-run pays no worker start-up.
 */
import type { RunChunk } from './run-outputs.ts';
import type { CpuJob } from './cpu-worker.ts';
import type { SweepSpec } from '../spec/index.ts';

/** Logical cores the page may use (at least 1). */
export function availableThreads(): number {
  return Math.max(1, (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 1);
}

type Reply = { id: number; out?: RunChunk; error?: string };

class PoolWorker {
  readonly worker = new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module' });
  // Replies are matched by job id, so one message handler serves every sweep that uses the worker.
  private readonly pending = new Map<number, { resolve: (o: RunChunk) => void; reject: (e: Error) => void }>();
  /** Set once the worker failed (it did not load, or its thread died): the pool replaces it. */
  broken = false;

  constructor() {
    this.worker.onmessage = (e: MessageEvent<Reply>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.error) p.reject(new Error(e.data.error));
      else p.resolve(e.data.out!);
    };
    this.worker.onerror = (e) => {
      this.broken = true;
      this.rejectAll(new Error(`CPU worker failed: ${e.message}`));
    };
  }

  private rejectAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  /** Stops the worker; jobs still on it reject (a terminated Web Worker would never answer them). */
  terminate(): void {
    this.broken = true;
    this.worker.terminate();
    this.rejectAll(new Error('CPU worker terminated'));
  }

  job(job: CpuJob): Promise<RunChunk> {
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      this.worker.postMessage(job);
    });
  }
}

export class CpuPool {
  private static pools = new Map<number, CpuPool>();
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;

  /** The page-wide pool of up to `threads` workers, created on first use. */
  static shared(threads: number): CpuPool {
    let pool = CpuPool.pools.get(threads);
    if (!pool) CpuPool.pools.set(threads, (pool = new CpuPool(threads)));
    return pool;
  }

  /** Workers start on first use, only as many as a sweep has chunks (at most `threads`). */
  constructor(readonly threads: number) {}

  /** Workers started so far (tests: a sweep with fewer chunks than threads starts no idle ones). */
  get started(): number {
    return this.workers.length;
  }

  /** Stops every worker (jobs in flight reject) and drops the pool from `shared`; the next shared() starts afresh. */
  terminate(): void {
    for (const w of this.workers.splice(0)) w.terminate();
    if (CpuPool.pools.get(this.threads) === this) CpuPool.pools.delete(this.threads);
  }

  /**
   * Runs each range on a free worker, calling `onDone` as each finishes. On abort no new range
   * starts; the ones already on a worker finish (within one chunk) and are kept, not thrown away.
   */
  async run(spec: SweepSpec, ranges: readonly [number, number][], onDone: (out: RunChunk) => void, signal?: AbortSignal): Promise<void> {
    // A failed worker is replaced; idle ones cost nothing (in Node the worker shim unrefs them).
    for (const w of this.workers.filter((w) => w.broken)) this.workers.splice(this.workers.indexOf(w), 1)[0].terminate();
    const wanted = Math.min(this.threads, ranges.length);
    while (this.workers.length < wanted) this.workers.push(new PoolWorker());
    let next = 0;
    const drain = async (w: PoolWorker) => {
      while (next < ranges.length && !signal?.aborted) {
        const [begin, end] = ranges[next++];
        onDone(await w.job({ id: this.nextId++, spec, begin, end }));
      }
    };
    await Promise.all(this.workers.slice(0, wanted).map(drain));
  }
}
