/**
 * Shared host plumbing of the transformer kernels: the WGSL source of a shape (its constants,
 * shaders/philox.wgsl, shaders/transformer.wgsl and an entry point), compilation with readable
 * errors, and buffers in and out. The entry points' Dispatch uniforms are laid out by
 * webgpu-utils from their WGSL structs.
 */
import { makeShaderDataDefinitions, makeStructuredView, type ShaderDataDefinitions } from 'webgpu-utils';
import philoxSource from '../../shaders/philox.wgsl?raw';
import modelSource from '../../shaders/transformer.wgsl?raw';
import { transformerConstants, type TransformerGpuLayout } from './transformer-gpu-layout.ts';

export interface TransformerPipeline {
  pipeline: GPUComputePipeline;
  defs: ShaderDataDefinitions;
}

/** The full WGSL of an entry point for the shape of `g`. */
export function transformerCode(g: TransformerGpuLayout, entry: string): string {
  return `${transformerConstants(g)}\n${philoxSource}\n${modelSource}\n${entry}`;
}

/** Compiles `code` (entry point `main`), turning WGSL errors into one readable exception. */
export async function compileTransformer(device: GPUDevice, code: string, label: string): Promise<TransformerPipeline> {
  const module = device.createShaderModule({ code, label });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) throw new Error(`${label} failed to compile:\n${errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' }, label });
  return { pipeline, defs: makeShaderDataDefinitions(code) };
}

/** A storage buffer holding `data` (or `bytes` zeroes), copyable both ways. */
export function storageBuffer(device: GPUDevice, data: ArrayBufferView | number, label: string): GPUBuffer {
  const size = Math.ceil(Math.max(16, typeof data === 'number' ? data : data.byteLength) / 4) * 4;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffer = device.createBuffer({ size, usage, label, mappedAtCreation: typeof data !== 'number' });
  if (typeof data !== 'number') {
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer.unmap();
  }
  return buffer;
}

/** The Dispatch uniform of an entry point with `values`, as webgpu-utils lays it out. */
export function dispatchUniform(device: GPUDevice, defs: ShaderDataDefinitions, values: Record<string, number>): GPUBuffer {
  const view = makeStructuredView(defs.uniforms.dispatch);
  view.set(values);
  const buffer = device.createBuffer({ size: view.arrayBuffer.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'dispatch' });
  device.queue.writeBuffer(buffer, 0, view.arrayBuffer);
  return buffer;
}

/** Copies `buffer` back to the host. */
export async function readBack(device: GPUDevice, buffer: GPUBuffer): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return copy;
}

/**
 * Runs `pipeline` `repeat` times in one submit over `threads` invocations (64 per workgroup), with
 * `buffers` bound at 0, 1, 2, … (the Dispatch uniform first).
 */
export async function dispatchThreads(device: GPUDevice, p: TransformerPipeline, buffers: readonly GPUBuffer[], threads: number, repeat = 1): Promise<void> {
  const bindGroup = device.createBindGroup({
    layout: p.pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  for (let i = 0; i < repeat; i++) {
    const pass = encoder.beginComputePass();
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(threads / 64));
    pass.end();
  }
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
}
