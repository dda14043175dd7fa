/**
 * The stagnation table of notebook 9 (SPEC 1.8, issue 11): runs a notebook's "stagnation" sweep
 * (its published seeds) on the CPU twin and prints, per advantage × η, the mean final J, the mean
 * share of prompts lost at the last step, the share of runs on a plateau, and the lost share's part
 * of the shortfall 1 − J, each with a 95% percentile-bootstrap interval over seeds (2000 resamples).
 *
 *   npx tsx scripts/stagnation-table.ts [notebook name, default many-prompts] [--seeds N]
 *
 * A run is on a plateau when its J moved by less than 0.01 over the last third of training
 * (|J(T) − J(2T/3)| < 0.01, at the recorded steps nearest) and ended below 0.95.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../src/engine/index.ts');
const { expandGrid, withDefaults } = await import('../src/spec/index.ts');
const { resolveNotebook } = await import('../src/notebook/index.ts');

const args = process.argv.slice(2);
const seedsAt = args.indexOf('--seeds');
const name = args.find((a, i) => !a.startsWith('--') && i !== seedsAt + 1) ?? 'many-prompts';
const text = readFileSync(join(resolve(import.meta.dirname, '..'), 'notebooks', `${name}.html`), 'utf8');
const nb = resolveNotebook(text, { seeds: 'published' });
const sweep = nb.sweeps.find((s) => s.id === 'stagnation');
if (!sweep) throw new Error(`${name}.html has no sweep cell "stagnation"`);
const spec = withDefaults(seedsAt >= 0 ? { ...sweep.publishedSpec, seeds: Number(args[seedsAt + 1]) } : sweep.publishedSpec);

const t0 = performance.now();
const result = await runSweep(spec, { backend: 'cpu' });
const runs = result.runs;
const R = runs.recordSteps.length;
const T = runs.recordSteps[R - 1];
const third = runs.recordSteps.reduce((best, s, i) => (Math.abs(s - (2 * T) / 3) < Math.abs(runs.recordSteps[best] - (2 * T) / 3) ? i : best), 0);

/** A deterministic uniform stream (mulberry32) for the bootstrap. */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mean and 95% percentile-bootstrap interval of a statistic over seeds. */
function interval(values: number[], stat: (v: number[]) => number = (v) => v.reduce((a, b) => a + b, 0) / v.length): string {
  const u = uniforms(12345);
  const draws: number[] = [];
  for (let b = 0; b < 2000; b++) draws.push(stat(values.map(() => values[Math.floor(u() * values.length)])));
  draws.sort((a, b) => a - b);
  return `${stat(values).toFixed(3)} [${draws[49].toFixed(3)}, ${draws[1949].toFixed(3)}]`;
}

const rows: string[] = [
  '| advantage | η | mean final J | share of prompts lost | share of runs on a plateau | lost share ÷ (1 − J) on plateaus | plateaus with some prompts lost, the rest solved |',
  '|---|---|---|---|---|---|---|',
];
for (const cell of expandGrid(spec)) {
  const finals: number[] = [];
  const lost: number[] = [];
  const plateau: number[] = [];
  const explained: number[] = [];
  let partial = 0; // plateau runs with 0 < lost share < 1 and every prompt either lost or solved
  for (let s = 0; s < spec.seeds; s++) {
    const run = cell.index * spec.seeds + s;
    if (runs.diverged[run]) continue;
    const J = runs.trajectory[run * R + R - 1];
    const flat = Math.abs(J - runs.trajectory[run * R + third]) < 0.01 && J < 0.95;
    finals.push(J);
    lost.push(runs.lostShare[run * R + R - 1]);
    plateau.push(flat ? 1 : 0);
    if (flat) explained.push(runs.lostShare[run * R + R - 1] / (1 - J));
    const lostShare = runs.lostShare[run * R + R - 1];
    if (flat && lostShare > 0 && lostShare < 1 && Math.abs(lostShare + runs.solvedShare[run * R + R - 1] - 1) < 1e-6) partial++;
  }
  const ex = explained.length ? `${interval(explained)} (${explained.length} runs)` : '—';
  rows.push(
    `| ${cell.params.advantage} | ${cell.params.stepSize} | ${interval(finals)} | ${interval(lost)} | ${interval(plateau)} | ${ex} | ${partial} of ${explained.length} |`,
  );
}
console.log(
  `${name}.html #stagnation: ${runs.runCount} runs, ${spec.seeds} seeds a cell, T = ${T}, plateau window steps ${runs.recordSteps[third]}–${T}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
console.log(rows.join('\n'));
