/** GPU host of shaders/sequence.wgsl — being written; see run-sweep.ts for how it is driven. */
import type { GpuContext } from './device.ts';
import type { ChunkOutputs } from './cpu-chunk.ts';
import type { CellStats } from './results.ts';
import type { Cell, SweepSpec } from './spec.ts';

export class GpuEngine {
  constructor(readonly ctx: GpuContext) {}
  planChunks(_spec: SweepSpec, _cells: Cell[], _chunkRuns?: number): [number, number][] {
    throw new Error('GPU engine not implemented yet');
  }
  async runChunk(_spec: SweepSpec, _cells: Cell[], _begin: number, _end: number): Promise<{ outputs: ChunkOutputs; stats: CellStats[] }> {
    throw new Error('GPU engine not implemented yet');
  }
}
