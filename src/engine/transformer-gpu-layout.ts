/**
 * Where one run's parameters, gradient, optimizer state and activation scratch sit in the
 * transformer kernel's one storage buffer `mem` (shaders/transformer.wgsl), and the WGSL constants
 * that tell the kernel so. Parameter blocks come from src/model/transformer/layout.ts (the one
 * place their offsets are derived); activations mirror TransformerActivations, BackwardScratch and
 * KvCache of the twin, one row per position as there.
 *
 * @example
 *   const g = transformerGpuLayout(shape, 4);      // 4 tokens of per-run scratch for the loop
 *   const code = transformerConstants(g) + model;  // the kernel's shape as WGSL constants
 *   mem.set(theta, run * g.runStride + g.offsets.theta);
 */
import { transformerLayout, type TransformerLayout, type TransformerShape } from '../model/index.ts';

export interface TransformerGpuLayout {
  layout: TransformerLayout;
  /** Offsets inside one run's region of `mem`, in floats. */
  offsets: Record<string, number>;
  /** Floats of one layer's activations (layer l's start at offsets.layer + l·layerStride). */
  layerStride: number;
  /** Offsets of a layer's activations from its start. */
  layerOffsets: Record<string, number>;
  /** Floats per run in `mem`. */
  runStride: number;
}

/** The per-run regions of a shape; `extra` floats of loop scratch come last (offsets.extra). */
export function transformerGpuLayout(shape: TransformerShape, extra = 0): TransformerGpuLayout {
  const layout = transformerLayout(shape);
  const { V, d, T, layers, heads } = shape;
  const Td = T * d;
  const layerOffsets: Record<string, number> = {};
  let at = 0;
  for (const [name, size] of [
    ['a1', Td],
    ['inv1', T],
    ['q', Td],
    ['k', Td],
    ['v', Td],
    ['probs', heads * T * T],
    ['o', Td],
    ['h1', Td],
    ['a2', Td],
    ['inv2', T],
    ['z', 4 * Td],
  ] as const) {
    layerOffsets[name] = at;
    at += size;
  }
  const layerStride = at;
  const offsets: Record<string, number> = {};
  at = 0;
  const P = layout.size;
  for (const [name, size] of [
    ['theta', P],
    ['grad', P],
    ['m', P], // optimizer state (Adam's m, or the momentum buffer)
    ['v', P],
    ['x', (layers + 1) * Td], // residual stream into layer l at x + l·T·d
    ['layer', layers * layerStride],
    ['f', Td],
    ['invF', T],
    ['logp', T * V],
    ['row', 4 * d],
    ['dx', Td],
    ['dh1', Td],
    ['dq', Td],
    ['dk', Td],
    ['dv', Td],
    ['dO', Td],
    ['dRow', d],
    ['dRow2', d],
    ['dz', 4 * d],
    ['dl', V],
    ['dp', T],
    ['keys', layers * Td], // KV cache
    ['values', layers * Td],
    ['kx', d],
    ['ka', d],
    ['kq', d],
    ['ko', d],
    ['ky', d],
    ['kz', 4 * d],
    ['kprobs', heads * T],
    ['kf', d],
    ['klogp', V],
    ['extra', extra],
  ] as const) {
    offsets[name] = at;
    at += size;
  }
  return { layout, offsets, layerStride, layerOffsets, runStride: at };
}

/** f32 x as an exact WGSL constant expression. */
export function wgslF32(x: number): string {
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0];
  return `bitcast<f32>(${bits}u)`;
}

/** The kernel's shape, block offsets and scratch offsets as WGSL constants (prepended to transformer.wgsl). */
export function transformerConstants(g: TransformerGpuLayout): string {
  const { V, d, T, layers, heads } = g.layout.shape;
  const r = Math.fround;
  const scale = r(1 / r(Math.sqrt(d / heads)));
  const lines = [
    `const V: u32 = ${V}u;`,
    `const D: u32 = ${d}u;`,
    `const T: u32 = ${T}u;`,
    `const LAYERS: u32 = ${layers}u;`,
    `const HEADS: u32 = ${heads}u;`,
    `const DH: u32 = ${d / heads}u;`,
    `const NPAR: u32 = ${g.layout.size}u;`,
    `const SCALE: f32 = ${wgslF32(scale)};`,
    `const RUN_STRIDE: u32 = ${g.runStride}u;`,
    `const LAYER_STRIDE: u32 = ${g.layerStride}u;`,
    `const OFF_E: u32 = ${g.layout.embedding.offset}u;`,
    `const OFF_P: u32 = ${g.layout.positions.offset}u;`,
  ];
  // Block offsets of layer l, in the order wq wk wv wo w1 w2, from layout.blocks.
  const layerBlocks = g.layout.layers.flatMap((w) => [w.wq, w.wk, w.wv, w.wo, w.w1, w.w2].map((b) => `${b.offset}u`));
  lines.push(`const LAYER_BLOCKS = array<u32, ${layerBlocks.length}>(${layerBlocks.join(', ')});`);
  for (const [name, at] of Object.entries(g.offsets)) lines.push(`const OFF_${name.toUpperCase()}: u32 = ${at}u;`);
  for (const [name, at] of Object.entries(g.layerOffsets)) lines.push(`const LA_${name.toUpperCase()}: u32 = ${at}u;`);
  return lines.join('\n') + '\n';
}
