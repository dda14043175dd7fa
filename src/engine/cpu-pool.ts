/**
 * The CPU twin spread over all cores: a pool of module Web Workers, each running whole chunks.
 * In the page this is the engine of choice on a software WebGPU adapter (SPEC 2.2).
 */
import type { ChunkOutputs } from './cpu-chunk.ts';
import type { CpuJob } from './cpu-worker.ts';
import type { SweepSpec } from './spec.ts';

/** Logical cores the page may use (at least 1). */
export function availableThreads(): number {
  return Math.max(1, (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 1);
}

export class CpuPool {
  private readonly workers: Worker[] = [];
  private nextId = 0;

  constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) {
      this.workers.push(new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module' }));
    }
  }

  /** Runs each range on a free worker; resolves in range order, calling `onDone` as each finishes. */
  async run(
    spec: SweepSpec,
    ranges: readonly [number, number][],
    onDone: (out: ChunkOutputs) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    let next = 0;
    const worker = async (w: Worker) => {
      while (next < ranges.length && !signal?.aborted) {
        const [begin, end] = ranges[next++];
        const out = await this.job(w, { id: this.nextId++, spec, begin, end }, signal);
        if (out) onDone(out);
      }
    };
    await Promise.all(this.workers.map(worker));
  }

  private job(w: Worker, job: CpuJob, signal?: AbortSignal): Promise<ChunkOutputs | null> {
    return new Promise((resolve, reject) => {
      const onAbort = () => resolve(null);
      signal?.addEventListener('abort', onAbort, { once: true });
      w.onmessage = (e: MessageEvent<{ id: number; out?: ChunkOutputs; error?: string }>) => {
        signal?.removeEventListener('abort', onAbort);
        if (e.data.error) reject(new Error(e.data.error));
        else resolve(e.data.out!);
      };
      w.onerror = (e) => reject(new Error(`CPU worker failed: ${e.message}`));
      w.postMessage(job);
    });
  }

  terminate(): void {
    for (const w of this.workers) w.terminate();
  }
}
