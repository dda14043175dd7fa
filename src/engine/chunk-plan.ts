/**
 * How a sweep is cut into GPU chunks (SPEC 2.2): the kernel's workgroup-array sizes for a set of
 * cells, and chunks of whole cells that respect the device's buffer, dispatch and workgroup-memory
 * limits. Pure: it reads only the limits, so it is tested without a GPU.
 */
import { recordSteps, tableShape, type Cell, type RunParams, type SweepSpec } from '../spec/index.ts';
import { KERNEL_RECORD_OUTPUTS } from './run-outputs.ts';

/** Largest shapes of a chunk: they size the kernel's workgroup arrays. */
export interface KernelShape {
  D: number;
  PK: number;
  P: number;
  K: number;
  S: number; // responses per step, B·G
  B: number;
  TOK: number; // tokens per step, B·G·L
  BETA: number; // β scratch floats per run (storage memory): (L+1)·K for final-answer runs, else 1
  OPT: number; // optimizer-state floats per vector (m, v): d for momentum, Adam and AdamW, else 1
  DRAW: number; // the prompt draw's shuffle (SPEC 1.8): the prompt count when B is less, else 1
}

const F32 = 4;
/** Runs per chunk at most: bounds one chunk's readback and keeps progress and cancel responsive. */
export const MAX_CHUNK_RUNS = 16_384;

type Limits = Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxComputeWorkgroupsPerDimension' | 'maxComputeWorkgroupStorageSize'>;

export function shapeOf(p: RunParams): KernelShape {
  const { P, K, L } = tableShape(p);
  const d = p.features === 'tabular' ? (p.family === 'bandit' ? p.K : p.V * p.V) : p.d;
  const S = p.mode === 'sampled' ? p.B * p.G : 1;
  return {
    D: d,
    PK: P * K,
    P,
    K,
    S,
    B: p.B,
    TOK: p.mode === 'sampled' ? S * L : 1,
    BETA: p.family === 'token' && p.reward === 'final-answer' ? (L + 1) * K : 1,
    OPT: p.optimizer === 'sgd' ? 1 : d,
    DRAW: p.mode === 'sampled' && p.B < promptCount(p) ? promptCount(p) : 1,
  };
}

/** Prompts a step draws from: the bandit's rows, or the token family's N start tokens. */
function promptCount(p: RunParams): number {
  return p.family === 'bandit' ? tableShape(p).P : p.N;
}

export function maxShape(cells: readonly Cell[]): KernelShape {
  const out: KernelShape = { D: 1, PK: 1, P: 1, K: 1, S: 1, B: 1, TOK: 1, BETA: 1, OPT: 1, DRAW: 1 };
  for (const c of cells) {
    const s = shapeOf(c.params);
    for (const k of Object.keys(out) as (keyof KernelShape)[]) out[k] = Math.max(out[k], s[k]);
  }
  return out;
}

/** Workgroup bytes the sequence kernel needs for a shape (its var<workgroup> arrays). */
export function workgroupBytes(s: KernelShape): number {
  return F32 * (2 * s.D + 2 * s.PK + s.TOK + 3 * s.S + s.B + s.P + 2 * s.K + 2 * s.OPT + s.DRAW + 15);
}

/** Rough work units of one run-step, for sizing dispatches well under a GPU watchdog (~2 s). */
export function workPerRunStep(p: RunParams): number {
  const { P, K, L } = tableShape(p);
  return 2 * P * K * shapeOf(p).D + p.B * p.G * L * (K + 40) + 50;
}

/** Chunks of whole cells, as many runs as the limits and MAX_CHUNK_RUNS allow; throws when no chunk fits. */
export function planChunks(spec: SweepSpec, cells: readonly Cell[], limits: Limits, chunkRuns?: number): [number, number][] {
  const shape = maxShape(cells);
  if (workgroupBytes(shape) > limits.maxComputeWorkgroupStorageSize) {
    throw new Error(
      `this sweep needs ${workgroupBytes(shape)} bytes of workgroup memory per run; the device allows ${limits.maxComputeWorkgroupStorageSize}. ` +
        'Use fewer responses per step (B·G·L) or a smaller table, or the CPU backend.',
    );
  }
  const records = recordSteps(spec.base.iterations, spec.base.recordEvery).length;
  // The largest per-run buffer: Φ (an upper bound: runs share instances), the records, θ, or the scratch (β and the optimizer state; the schedules' λ tables are per chunk, not per run).
  const perRunBytes = Math.max(shape.PK * shape.D * F32, KERNEL_RECORD_OUTPUTS.length * records * F32, shape.D * F32, (shape.BETA + 2 * shape.OPT) * F32);
  const byMemory = Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / perRunBytes);
  const capacity = Math.max(1, Math.min(byMemory, limits.maxComputeWorkgroupsPerDimension, MAX_CHUNK_RUNS, chunkRuns ?? Infinity));
  const total = cells.length * spec.seeds;
  const ranges: [number, number][] = [];
  // A cell larger than a chunk is split; its statistics are then reduced on the host.
  const step = spec.seeds > capacity ? capacity : Math.floor(capacity / spec.seeds) * spec.seeds;
  for (let b = 0; b < total; b += step) ranges.push([b, Math.min(total, b + step)]);
  return ranges;
}
