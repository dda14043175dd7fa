/**
 * The `dawn` host: the engine in this Node process, WebGPU from Dawn (npm `webgpu`), the CPU
 * twin on worker_threads. Dawn takes the platform's GPU driver (Vulkan on Linux, for NVIDIA and
 * AMD servers); where there is none usable (Debian's lavapipe is rejected, ENVIRONMENT.md) it
 * falls back to Dawn's OpenGL ES compatibility adapter on llvmpipe, whose lower limits the
 * engine also respects.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { acquireGpu, type DecisionStore, type GpuContext } from '../../engine/index.ts';
import { installWebWorker } from '../node-loader/web-worker.ts';
import { runRange } from '../run-range.ts';
import type { Host } from './host.ts';

/** An adapter from Dawn: the platform default first, then OpenGL ES in compatibility mode. */
export async function dawnGpu(): Promise<GpuContext> {
  process.env.EGL_PLATFORM ??= 'surfaceless'; // GL ES without a display server
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, … that the engine names
  const failures: string[] = [];
  for (const [flags, options] of [
    [[], undefined],
    [['backend=opengles'], { featureLevel: 'compatibility' }],
  ] as const) {
    try {
      // The context holds the instance: Dawn's GPU object must outlive its device (a collected one
      // takes the device down with it, a segfault at the next submit).
      return await acquireGpu(create([...flags]), options as GPURequestAdapterOptions | undefined);
    } catch (error) {
      failures.push(`${flags.join(' ') || 'default backend'}: ${(error as Error).message.split('.')[0]}`);
    }
  }
  throw new Error(`Dawn found no WebGPU adapter (${failures.join('; ')})`);
}

function packageVersion(name: string): string {
  try {
    return createRequire(import.meta.url)(`${name}/package.json`).version;
  } catch {
    return 'unknown';
  }
}

export async function openDawnHost(decisions: DecisionStore): Promise<Host> {
  installWebWorker();
  let gpu: Promise<GpuContext> | undefined;
  return {
    name: 'dawn',
    runtime: `node ${process.version}, webgpu ${packageVersion('webgpu')} (Dawn)`,
    async run(spec, range, options) {
      const threads = options.threads ?? availableParallelism();
      const common = { threads, chunkRuns: options.chunkRuns, onProgress: options.onProgress, onRuns: options.onRuns, keepSeries: options.keepSeries };
      if (options.backend === 'cpu') return runRange(spec, range, { ...common, backend: 'cpu' });
      gpu ??= dawnGpu();
      let context: GpuContext;
      try {
        context = await gpu;
      } catch (error) {
        if (options.backend === 'webgpu') throw error;
        const result = await runRange(spec, range, { ...common, backend: 'cpu' });
        return { ...result, backend: { ...result.backend, reason: `auto: ${(error as Error).message}` } };
      }
      return runRange(spec, range, { ...common, backend: options.backend, gpu: context, auto: { ...options.auto, store: decisions } });
    },
    async close() {
      if (gpu) (await gpu.catch(() => undefined))?.device.destroy();
    },
  };
}
