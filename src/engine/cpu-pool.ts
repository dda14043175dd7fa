/**
 * The CPU twin spread over all cores: a pool of module Web Workers, each running whole chunks.
 * In the page this is the engine of choice on a software WebGPU adapter (SPEC 2.2). Pools are kept
 * between sweeps (`CpuPool.shared`), so a re-run pays no worker start-up.
 */
import type { ChunkOutputs } from './cpu-chunk.ts';
import type { CpuJob } from './cpu-worker.ts';
import type { SweepSpec } from './spec.ts';

/** Logical cores the page may use (at least 1). */
export function availableThreads(): number {
  return Math.max(1, (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 1);
}

type Reply = { id: number; out?: ChunkOutputs; error?: string };

class PoolWorker {
  readonly worker = new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module' });
  // Replies are matched by job id, so one message handler serves every sweep that uses the worker.
  private readonly pending = new Map<number, { resolve: (o: ChunkOutputs) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.onmessage = (e: MessageEvent<Reply>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.error) p.reject(new Error(e.data.error));
      else p.resolve(e.data.out!);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`CPU worker failed: ${e.message}`));
      this.pending.clear();
    };
  }

  job(job: CpuJob): Promise<ChunkOutputs> {
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

  /** The page-wide pool of `threads` workers, created on first use. */
  static shared(threads: number): CpuPool {
    let pool = CpuPool.pools.get(threads);
    if (!pool) CpuPool.pools.set(threads, (pool = new CpuPool(threads)));
    return pool;
  }

  constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) this.workers.push(new PoolWorker());
  }

  /**
   * Runs each range on a free worker, calling `onDone` as each finishes. On abort no new range
   * starts; the ones already on a worker finish (within one chunk) and are kept, not thrown away.
   */
  async run(spec: SweepSpec, ranges: readonly [number, number][], onDone: (out: ChunkOutputs) => void, signal?: AbortSignal): Promise<void> {
    let next = 0;
    const drain = async (w: PoolWorker) => {
      while (next < ranges.length && !signal?.aborted) {
        const [begin, end] = ranges[next++];
        onDone(await w.job({ id: this.nextId++, spec, begin, end }));
      }
    };
    await Promise.all(this.workers.map(drain));
  }
}
