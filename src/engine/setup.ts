/**
 * Per-run setup shared by every backend: which instance a run uses, its packed form, and θ0.
 * Instances are cached by (shape, seed index) so cells that differ only in η, G or the
 * advantage reuse one instance and one θ0 (paired design, see model/instance.ts).
 */
import { initialTheta, makeInstance } from '../model/index.ts';
import { packInstance, type PackedInstance } from './packing.ts';
import type { Cell, RunParams, SweepSpec } from '../spec/index.ts';

/** Fields that change the instance itself (not the algorithm run on it). */
export function instanceKey(p: RunParams, seedIndex: number): string {
  return `${p.family}|${p.features}|${p.reward}|${p.V}|${p.L}|${p.N}|${p.K}|${p.d}|${p.eos ? `eos${p.targetLength}` : ''}|${seedIndex}`;
}

export interface RunSetup {
  run: number; // global run index
  cell: Cell;
  seedIndex: number;
  instanceId: number; // index into `instances`
  theta0: Float32Array;
}

export interface ChunkSetup {
  instances: PackedInstance[];
  runs: RunSetup[];
}

/** Instances and θ0 for runs [begin, end) of the sweep. */
export function setupRuns(spec: SweepSpec, cells: readonly Cell[], begin: number, end: number): ChunkSetup {
  const instances: PackedInstance[] = [];
  const byKey = new Map<string, { id: number; inst: ReturnType<typeof makeInstance>; theta0: Map<string, Float32Array> }>();
  const runs: RunSetup[] = [];
  for (let run = begin; run < end; run++) {
    const cell = cells[Math.floor(run / spec.seeds)];
    const seedIndex = run % spec.seeds;
    const key = instanceKey(cell.params, seedIndex);
    let entry = byKey.get(key);
    if (!entry) {
      const inst = makeInstance(cell.params, spec.seed, seedIndex);
      entry = { id: instances.length, inst, theta0: new Map() };
      instances.push(packInstance(inst));
      byKey.set(key, entry);
    }
    const initKey = cell.params.theta0 ? 'theta0' : String(cell.params.J0);
    let theta0 = entry.theta0.get(initKey);
    if (!theta0) {
      theta0 = Float32Array.from(initialTheta(entry.inst, cell.params));
      entry.theta0.set(initKey, theta0);
    }
    runs.push({ run, cell, seedIndex, instanceId: entry.id, theta0 });
  }
  return { instances, runs };
}
