/**
 * Test support: runs CPU code (the twin) with the GPU's own exp, log and sqrt in place of
 * JavaScript's, so a test can ask for bit-for-bit agreement between a kernel and its twin where
 * their only licensed difference is those functions' last bits (WGSL does not promise correct
 * rounding). Every f32 operand the code passes is evaluated on the GPU; the code is rerun until it
 * asks for no operand the GPU has not answered (a later exp may take an earlier one's result), so
 * the final run uses the GPU's values throughout.
 *
 * @example
 *   const { result, rounds } = await withGpuMath(device, () => twin.addGradient(theta, x, o, w, grad));
 */
import { compileTransformer, readBack, storageBuffer } from './transformer-gpu-kernel.ts';

type Fn = 'exp' | 'log' | 'sqrt';
const FNS: Fn[] = ['exp', 'log', 'sqrt'];

/** fn(x) on the GPU for each x, [fn][i] for the three functions. */
export async function gpuMath(device: GPUDevice, x: Float32Array): Promise<Record<Fn, Float32Array>> {
  const n = Math.max(1, x.length);
  const code = `@group(0) @binding(0) var<storage, read_write> io: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${n}u) { return; }
  let x = io[i];
  io[${n}u + i] = exp(x);
  io[${2 * n}u + i] = log(x);
  io[${3 * n}u + i] = sqrt(x);
}`;
  const p = await compileTransformer(device, code, 'gpu math');
  const data = new Float32Array(4 * n);
  data.set(x);
  const io = storageBuffer(device, data, 'io');
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(p.pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: p.pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: io } }] }));
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  device.queue.submit([encoder.finish()]);
  const out = new Float32Array(await readBack(device, io));
  io.destroy();
  return { exp: out.slice(n, 2 * n), log: out.slice(2 * n, 3 * n), sqrt: out.slice(3 * n, 4 * n) };
}

export interface SubstituteStats {
  rounds: number; // runs of the code until every operand was answered by the GPU
  calls: Record<Fn, number>; // calls in the final run
  differ: Record<Fn, number>; // of those, how many got a value other than JavaScript's (rounded to f32)
}

/** compute() with Math.exp, Math.log and Math.sqrt answered by the GPU for every f32 operand. */
export async function withGpuMath<T>(device: GPUDevice, compute: () => T, maxRounds = 40): Promise<{ result: T } & SubstituteStats> {
  const tables: Record<Fn, Map<number, number>> = { exp: new Map(), log: new Map(), sqrt: new Map() };
  const real: Record<Fn, (x: number) => number> = { exp: Math.exp, log: Math.log, sqrt: Math.sqrt };
  for (let round = 1; round <= maxRounds; round++) {
    const missing = new Set<number>();
    const calls: Record<Fn, number> = { exp: 0, log: 0, sqrt: 0 };
    const differ: Record<Fn, number> = { exp: 0, log: 0, sqrt: 0 };
    for (const fn of FNS) {
      Math[fn] = (x: number) => {
        if (Math.fround(x) !== x && !Number.isNaN(x)) return real[fn](x); // not an f32 operand: not the kernel's
        calls[fn]++;
        const v = tables[fn].get(x);
        if (v === undefined) {
          missing.add(x);
          return real[fn](x);
        }
        if (v !== Math.fround(real[fn](x)) && !(Number.isNaN(v) && Number.isNaN(real[fn](x)))) differ[fn]++;
        return v;
      };
    }
    let result: T;
    try {
      result = compute();
    } finally {
      for (const fn of FNS) Math[fn] = real[fn];
    }
    if (missing.size === 0) return { result, rounds: round, calls, differ };
    const operands = Float32Array.from(missing);
    const values = await gpuMath(device, operands);
    operands.forEach((x, i) => {
      for (const fn of FNS) tables[fn].set(x, values[fn][i]);
    });
  }
  throw new Error(`withGpuMath: operands still unanswered after ${maxRounds} rounds`);
}

/** a/b on the GPU, elementwise. */
export async function gpuDivide(device: GPUDevice, a: Float32Array, b: Float32Array): Promise<Float32Array> {
  const n = a.length;
  const code = `@group(0) @binding(0) var<storage, read_write> io: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${n}u) { return; }
  io[${2 * n}u + i] = io[i] / io[${n}u + i];
}`;
  const p = await compileTransformer(device, code, 'gpu divide');
  const data = new Float32Array(3 * n);
  data.set(a);
  data.set(b, n);
  const io = storageBuffer(device, data, 'io');
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(p.pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: p.pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: io } }] }));
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  device.queue.submit([encoder.finish()]);
  const out = new Float32Array(await readBack(device, io)).slice(2 * n);
  io.destroy();
  return out;
}
