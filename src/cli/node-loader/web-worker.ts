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
    // Listeners first, unref() after: Node refs a Worker's message port again whenever a
    // 'message' listener is added, so a thread unref'd before that and never given a job (fewer
    // chunks than threads) kept the process alive for ever after its work was done.
    this.thread.on('message', (data) => {
      if (--this.pending === 0) this.thread.unref();
      this.onmessage?.({ data });
    });
    this.thread.on('error', (error) => {
      this.pending = 0; // the thread is gone; its 'exit' follows
      this.onerror?.({ message: error.message });
    });
    // A thread that exits with jobs in flight (a crash, process.exit in it) will never answer them.
    this.thread.on('exit', (code) => {
      if (this.pending > 0) this.onerror?.({ message: `worker thread exited (code ${code}) with ${this.pending} job(s) unanswered` });
      this.pending = 0;
    });
    this.thread.unref();
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (this.pending++ === 0) this.thread.ref();
    this.thread.postMessage(message, transfer as never);
  }

  terminate(): void {
    this.pending = 0; // as in the page: a terminated worker answers nothing and reports no error
    void this.thread.terminate();
  }
}

/** Defines globalThis.Worker in Node (a no-op where a Worker already exists). */
export function installWebWorker(): void {
  const g = globalThis as { Worker?: unknown };
  g.Worker ??= NodeWebWorker;
}
