/**
 * WebGPU device acquisition, with a message that says what to do when there is none, and the
 * facts the backend choice needs (is the adapter a software one?).
 */

export interface GpuContext {
  gpu: GPU; // held so the GPU object outlives the device (Dawn in Node crashes once it is collected)
  device: GPUDevice;
  adapterName: string; // vendor / architecture / description, as the adapter reports it
  fallbackAdapter: boolean; // SwiftShader, llvmpipe, WARP…: a GPU emulated on the CPU
}

/** No WebGPU here. What the caller does then is the caller's to say: `auto` runs the CPU twin, a forced `webgpu` stops. */
export class WebGpuUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `WebGPU is not available: ${detail}. Use Chrome or Chromium 113+ (headless Chromium needs --enable-unsafe-webgpu; ` +
        'Linux desktops may need chrome://flags/#enable-unsafe-webgpu), served from http://localhost or https.',
    );
    this.name = 'WebGpuUnavailableError';
  }
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|warp|basic render/i;

export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length);
  return parts.length ? parts.join(' / ') : 'unnamed adapter';
}

/** Requests an adapter and a device with the adapter's own limits (bigger buffers, more workgroup memory). */
export async function acquireGpu(gpu: GPU | undefined = globalThis.navigator?.gpu, adapterOptions?: GPURequestAdapterOptions): Promise<GpuContext> {
  if (!gpu) throw new WebGpuUnavailableError('navigator.gpu is missing in this browser');
  const adapter = await gpu.requestAdapter(adapterOptions);
  if (!adapter) throw new WebGpuUnavailableError('the browser offers no WebGPU adapter');
  const info = adapter.info;
  const name = describeAdapter(info);
  const fallback = Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter) || SOFTWARE.test(name);
  const wanted: Record<string, number> = {};
  for (const key of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage'] as const) {
    wanted[key] = adapter.limits[key];
  }
  const device = await adapter.requestDevice({ requiredLimits: wanted });
  return { gpu, device, adapterName: name, fallbackAdapter: fallback };
}
