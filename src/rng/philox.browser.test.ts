import { beforeAll, describe, expect, it } from 'vitest';
import philoxSource from '../../shaders/philox.wgsl?raw';
import { acquireGpu, type GpuContext } from '../engine/device.ts';
import { philox4x32, uniformFromBits } from './philox.ts';
import { PHILOX_KAT } from './philox-kat.ts';

// A test-only entry point around shaders/philox.wgsl: one block per thread, counters and keys from a buffer.
const kernel = `${philoxSource}
@group(0) @binding(0) var<storage, read> inputs: array<vec4<u32>>;   // counter
@group(0) @binding(1) var<storage, read> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> outputs: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> uniforms: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = id.x + id.y * nw.x * 64u;
  if (i >= arrayLength(&inputs)) { return; }
  let x = philox4x32_10(inputs[i], keys[i]);
  outputs[i] = x;
  uniforms[i] = uniform_from_bits(x.x);
}`;

async function runPhilox(ctx: GpuContext, counters: Uint32Array, keys: Uint32Array): Promise<{ words: Uint32Array; uniforms: Float32Array }> {
  const device = ctx.device;
  const n = counters.length / 4;
  const module = device.createShaderModule({ code: kernel });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const make = (data: ArrayBufferView | number, usage: number) => {
    const size = typeof data === 'number' ? data : data.byteLength;
    const b = device.createBuffer({ size, usage, mappedAtCreation: typeof data !== 'number' });
    if (typeof data !== 'number') {
      new Uint8Array(b.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      b.unmap();
    }
    return b;
  };
  const S = GPUBufferUsage.STORAGE;
  const bufs = [make(counters, S), make(keys, S), make(n * 16, S | GPUBufferUsage.COPY_SRC), make(n * 4, S | GPUBufferUsage.COPY_SRC)];
  const read = make(n * 20, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })) }),
  );
  const groups = Math.ceil(n / 64);
  const x = Math.min(groups, 32768);
  pass.dispatchWorkgroups(x, Math.ceil(groups / x));
  pass.end();
  encoder.copyBufferToBuffer(bufs[2], 0, read, 0, n * 16);
  encoder.copyBufferToBuffer(bufs[3], 0, read, n * 16, n * 4);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const bytes = read.getMappedRange().slice(0);
  read.unmap();
  [...bufs, read].forEach((b) => b.destroy());
  return { words: new Uint32Array(bytes, 0, n * 4), uniforms: new Float32Array(bytes, n * 16, n) };
}

describe('Philox4x32-10 in WGSL', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await acquireGpu();
  });

  it('matches the Random123 known-answer vectors', async () => {
    const counters = new Uint32Array(PHILOX_KAT.flatMap(([c]) => c));
    const keys = new Uint32Array(PHILOX_KAT.flatMap(([, k]) => k));
    const { words } = await runPhilox(ctx, counters, keys);
    expect(Array.from(words)).toEqual(PHILOX_KAT.flatMap(([, , want]) => want));
  });

  it('is bit-identical to the TypeScript twin on 10^6 blocks (4·10^6 words) and their uniforms', async () => {
    const n = 1_000_000;
    const counters = new Uint32Array(n * 4);
    const keys = new Uint32Array(n * 2);
    for (let i = 0; i < n; i++) {
      // The engine's layout: (run, step, sample, token) under key (seed, stream); extremes mixed in.
      counters.set([i % 4096, (i / 4096) | 0, i % 8, (i * 2654435761) >>> 0], i * 4);
      keys.set([(i * 40503) >>> 0, i & 1], i * 2);
    }
    const { words, uniforms } = await runPhilox(ctx, counters, keys);
    let mismatches = 0;
    let uniformMismatches = 0;
    for (let i = 0; i < n; i++) {
      const want = philox4x32([counters[i * 4], counters[i * 4 + 1], counters[i * 4 + 2], counters[i * 4 + 3]], [keys[i * 2], keys[i * 2 + 1]]);
      for (let w = 0; w < 4; w++) if (words[i * 4 + w] !== want[w]) mismatches++;
      if (uniforms[i] !== uniformFromBits(want[0])) uniformMismatches++;
    }
    expect(mismatches).toBe(0);
    expect(uniformMismatches).toBe(0);
  });
});
