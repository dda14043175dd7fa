/**
 * Reading one GPU chunk back: sequence.wgsl's RunState structs (laid out as webgpu-utils reflects
 * the WGSL), its records buffer ([block][record][run], blocks in RUN_OUTPUTS order) and
 * reduce.wgsl's per-cell statistics, decoded into the chunk's per-run outputs and cell stats.
 * The GPU host (sequence.ts) writes the same structs through runStateWords before dispatch.
 *
 * @example
 *   const { outputs, stats } = decodeReadback(defs, mapped, { n, R, begin, end, recordsAt, statsAt }, spec, firstCell, reduced);
 */
import type { IntrinsicDefinition, ShaderDataDefinitions } from 'webgpu-utils';
import type { SweepSpec } from '../spec/index.ts';
import type { CellStats } from './results.ts';
import { allocateRunArrays, deriveOutputs, KERNEL_RECORD_OUTPUTS, KERNEL_STATE_OUTPUTS, type RunChunk } from './run-outputs.ts';

/** The f32 slots reduce.wgsl writes per cell, in its order (its STATS). */
export const REDUCED_STATS = ['meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90', 'finite', 'diverged', 'collapsed'] as const;

/** Where a chunk's blocks lie in the mapped readback buffer, and the chunk's size. */
export interface ReadbackLayout {
  n: number; // runs in the chunk
  R: number; // recorded steps
  begin: number;
  end: number;
  recordsAt: number; // byte offset of the records block (the RunStates start at 0)
  statsAt: number; // byte offset of the cell stats
}

/**
 * Word views of `n` RunState structs in `buffer`, laid out as webgpu-utils reflects the WGSL
 * struct: `field(name)` gives the f32 or u32 view that field is read through and its word index per run.
 */
export function runStateWords(defs: ShaderDataDefinitions, buffer: ArrayBuffer, byteOffset: number, n: number) {
  const struct = defs.structs.RunState;
  const stride = struct.size / 4;
  const f32 = new Float32Array(buffer, byteOffset, n * stride);
  const u32 = new Uint32Array(buffer, byteOffset, n * stride);
  return {
    f32,
    field(name: string) {
      const field = struct.fields[name];
      if (!field) throw new Error(`sequence.wgsl's RunState has no field ${name} (run-outputs.ts declares it a kernel state output)`);
      const word = field.offset / 4;
      return { words: (field.type as IntrinsicDefinition).type === 'u32' ? u32 : f32, at: (i: number) => i * stride + word };
    },
  };
}

/** The chunk's per-run outputs and the stats of its `reduced` whole cells from `firstCell` on. */
export function decodeReadback(
  defs: ShaderDataDefinitions,
  bytes: ArrayBuffer,
  layout: ReadbackLayout,
  spec: SweepSpec,
  firstCell: number,
  reduced: number,
): { outputs: RunChunk; stats: CellStats[] } {
  const { n, R, begin, end } = layout;
  const outputs: RunChunk = { ...allocateRunArrays(n, R), begin, end };
  const finalState = runStateWords(defs, bytes, 0, n);
  for (const name of KERNEL_STATE_OUTPUTS) {
    const { words, at } = finalState.field(name);
    const into = outputs[name];
    const flag = into instanceof Uint8Array; // a u32 flag in the kernel, 0/1 here
    for (let i = 0; i < n; i++) into[i] = flag ? (words[at(i)] ? 1 : 0) : words[at(i)];
  }
  const records = new Float32Array(bytes, layout.recordsAt, KERNEL_RECORD_OUTPUTS.length * R * n);
  KERNEL_RECORD_OUTPUTS.forEach((name, block) => {
    const into = outputs[name];
    for (let i = 0; i < n; i++) for (let r = 0; r < R; r++) into[i * R + r] = records[(block * R + r) * n + i];
  });
  deriveOutputs(outputs, R);
  const rawStats = new Float32Array(bytes, layout.statsAt, reduced * REDUCED_STATS.length);
  const stats: CellStats[] = [];
  for (let c = 0; c < reduced; c++) {
    const s = Object.fromEntries(REDUCED_STATS.map((k, i) => [k, rawStats[c * REDUCED_STATS.length + i]])) as Record<(typeof REDUCED_STATS)[number], number>;
    if (s.finite === 0) for (const q of ['meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90'] as const) s[q] = NaN; // no finite run in the cell
    const { meanFinalJ, q10, q25, q50, q75, q90, finite, diverged, collapsed } = s;
    stats.push({
      cell: firstCell + c,
      runs: spec.seeds,
      finite,
      diverged,
      meanFinalJ,
      q10,
      q25,
      q50,
      q75,
      q90,
      collapsed,
      collapseProbability: collapsed / spec.seeds,
    });
  }
  return { outputs, stats };
}
