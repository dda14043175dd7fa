// W1 on the CPU twin, one thread, in-process, for comparing two checkouts pair by pair:
//   farm-bench -n 7 --vs "npx tsx scripts/w1-twin.ts /path/to/old-worktree" -- npx tsx scripts/w1-twin.ts .
// W1: token V16 d16 L32 G8 exact-match, GRPO (group-std), seq-sum; 24 runs × 200 iterations. One
// untimed pass for the JIT, then five timed: the median pass is the figure (these machines are noisy).
// The sum of final J is printed so that a speed change can be seen not to be a change of results.
import { resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const { simulateChunkCpu } = await import(`${root}/src/engine/cpu-chunk.ts`);
const { parseSpec } = await import(`${root}/src/spec/index.ts`);
const spec = parseSpec({
  base: {
    family: 'token',
    features: 'gaussian',
    reward: 'exact-match',
    V: 16,
    d: 16,
    L: 32,
    G: 8,
    advantage: 'group-std',
    aggregation: 'seq-sum',
    iterations: 200,
  },
  seeds: 24,
});
let check = 0;
for (const v of simulateChunkCpu(spec, 0, 24).finalJ) check += v;
const seconds: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  simulateChunkCpu(spec, 0, 24);
  seconds.push((performance.now() - t0) / 1000);
}
const s = seconds.sort((a, b) => a - b)[2];
console.log(`${root}: ${((24 * 200) / s).toFixed(0)} run-steps/s (median of 5 passes ${s.toFixed(3)} s), Σ finalJ ${check}`);
