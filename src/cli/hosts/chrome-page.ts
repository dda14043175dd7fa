/**
 * The page side of the `chrome` host: the engine in a real browser, driven by Playwright. The CLI
 * calls `gradgapHost.run(…)` with page.evaluate; progress comes back through an exposed function.
 * One GPU device is acquired per page and kept for every sweep.
 */
import { acquireGpu, type BackendChoice, type GpuContext, type Progress, type SweepSpec } from '../../engine/index.ts';
import { runRange } from '../run-range.ts';
import { toWire, type WireResult } from './wire-format.ts';

declare global {
  interface Window {
    gradgapHost: { run: typeof run; adapter: () => Promise<string> };
    gradgapProgress?: (p: Progress) => void; // exposed by the host
  }
}

let gpu: Promise<GpuContext> | undefined;

async function run(spec: SweepSpec, range: [number, number] | null, backend: BackendChoice, threads?: number, chunkRuns?: number): Promise<WireResult> {
  let context: GpuContext | undefined;
  if (backend !== 'cpu') {
    gpu ??= acquireGpu();
    context = await gpu.catch((error) => {
      gpu = undefined;
      if (backend === 'webgpu') throw error;
      return undefined;
    });
  }
  const result = await runRange(spec, range, { backend: context || backend === 'cpu' ? backend : 'cpu', gpu: context, threads, chunkRuns, onProgress: (p) => window.gradgapProgress?.(p) });
  return toWire(result);
}

window.gradgapHost = {
  run,
  adapter: async () => (await (gpu ??= acquireGpu())).adapterName,
};
