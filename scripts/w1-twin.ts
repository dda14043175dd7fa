// W1 on the CPU twin, one thread, in-process, for comparing two checkouts pair by pair:
//   farm-bench -n 7 --vs "npx tsx scripts/w1-twin.ts /path/to/old-worktree" -- npx tsx scripts/w1-twin.ts .
// W1 is `gradgap bench`'s (this checkout's WORKLOADS, so both trees run the same spec) at 24 runs:
// one untimed pass for the JIT, then five timed; the median pass is the figure (these machines are
// noisy). The sum of final J is printed so that a speed change can be seen not to be a change of results.
import { resolve } from 'node:path';
import { WORKLOADS } from '../src/cli/commands/bench-command.ts';

const RUNS = 24;
const root = resolve(process.argv[2] ?? '.');
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {}; // older trees' engine barrel loads webgpu-utils
// The engine barrel exports parseSpec and simulateChunkCpu in every tree since the first round.
const { parseSpec, simulateChunkCpu } = await import(`${root}/src/engine/index.ts`);
const spec = parseSpec({ ...WORKLOADS.W1, seeds: RUNS });
let check = 0;
for (const v of simulateChunkCpu(spec, 0, RUNS).finalJ) check += v;
const seconds: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  simulateChunkCpu(spec, 0, RUNS);
  seconds.push((performance.now() - t0) / 1000);
}
const s = seconds.sort((a, b) => a - b)[2];
const steps = RUNS * spec.base.iterations;
console.log(`${root}: ${(steps / s).toFixed(0)} run-steps/s (median of 5 passes ${s.toFixed(3)} s), Σ finalJ ${check}`);
