/**
 * A Web Worker over Node's worker_threads, so the engine's CpuPool (which spawns module Web
 * Workers on `cpu-worker.ts`) spreads the CPU twin over every core in Node as it does in the page.
 * Only what CpuPool uses is here: onmessage, onerror, postMessage with transfers, terminate.
 *
 * @example
 *   installWebWorker();                 // once, before runSweep({ backend: 'cpu', threads: 8 })
 */
import { Worker as ThreadWorker } from 'node:worker_threads';

const ENTRY = new URL('./web-worker-entry.mjs', import.meta.url);

class NodeWebWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  private readonly thread: ThreadWorker;
  private pending = 0;

  constructor(url: string | URL) {
    this.thread = new ThreadWorker(ENTRY, { workerData: { url: String(url) } });
    // The engine keeps its pool for the next sweep; an idle thread must not keep Node alive, a
    // busy one must. CpuPool answers every job with one message, so count jobs in flight.
    this.thread.unref();
    this.thread.on('message', (data) => {
      if (--this.pending === 0) this.thread.unref();
      this.onmessage?.({ data });
    });
    this.thread.on('error', (error) => this.onerror?.({ message: error.message }));
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (this.pending++ === 0) this.thread.ref();
    this.thread.postMessage(message, transfer as never);
  }

  terminate(): void {
    void this.thread.terminate();
  }
}

/** Defines globalThis.Worker in Node (a no-op where a Worker already exists). */
export function installWebWorker(): void {
  const g = globalThis as { Worker?: unknown };
  g.Worker ??= NodeWebWorker;
}
