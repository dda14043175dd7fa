/// <reference lib="webworker" />
/** Web Worker entry: runs a range of runs with the CPU twin and transfers the arrays back. */
import { simulateChunkCpu } from './cpu-chunk.ts';
import { runArrayBuffers } from './run-outputs.ts';
import type { SweepSpec } from '../spec/index.ts';

export interface CpuJob {
  id: number;
  spec: SweepSpec;
  begin: number;
  end: number;
}

self.onmessage = (event: MessageEvent<CpuJob>) => {
  const { id, spec, begin, end } = event.data;
  try {
    const out = simulateChunkCpu(spec, begin, end);
    (self as unknown as Worker).postMessage({ id, out }, runArrayBuffers(out));
  } catch (error) {
    (self as unknown as Worker).postMessage({ id, error: String((error as Error)?.message ?? error) });
  }
};
