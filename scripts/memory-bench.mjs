#!/usr/bin/env node
// `npm run bench:memory`: wall time and peak RSS of `gradgap run` (CPU twin) on one sweep of
// L = 4, 3 iterations, 20 cells, at 10k, 100k and 1M runs (issue 14). Not a test: it prints a
// Markdown table and ends with one JSON line. Peak RSS is the CLI process's own maximum resident
// set size (process.resourceUsage().maxRSS at exit, worker threads included), as /usr/bin/time -v
// reports it.
//   node scripts/memory-bench.mjs [--runs 10000,100000,1000000] [--threads N] [--root DIR]
// --root runs another checkout's bin/gradgap.mjs (e.g. an older commit, for the "before" row).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = flag('runs', '10000,100000,1000000').split(',').map(Number);
const threads = flag('threads', undefined);
const root = resolve(flag('root', '.'));
const CELLS = 20;
if (sizes.some((n) => !(n >= CELLS && n % CELLS === 0))) {
  console.error(`bench:memory: --runs must be multiples of ${CELLS} (the cells)`);
  process.exit(2);
}

// Loaded before the CLI: prints the process's peak RSS (kB) on stderr as it exits.
const PEAK = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(2, `\\npeak-rss-kb ${process.resourceUsage().maxRSS}\\n`));")}`;

const stepSizes = Array.from({ length: CELLS }, (_, i) => Number((0.5 * 1.5 ** i).toPrecision(4)));
function notebook(runs) {
  const spec = {
    title: `memory bench: ${runs} runs`,
    base: { V: 8, d: 6, L: 4, J0: 0.2, G: 8, advantage: 'group-std', aggregation: 'seq-sum', iterations: 3, recordEvery: 1 },
    grid: { stepSize: stepSizes },
    seeds: runs / CELLS,
  };
  return `<!doctype html>\n<notebook version="1">\n  <title>memory bench</title>\n  <script id="sweep" type="application/vnd.gradgap.sweep+json">\n    ${JSON.stringify(spec)}\n  </script>\n</notebook>\n`;
}

const rows = [];
for (const runs of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'gradgap-membench-'));
  const file = join(dir, 'bench.html');
  writeFileSync(file, notebook(runs));
  const out = join(dir, 'out');
  const cli = ['run', file, '--out', out, '--backend', 'cpu', '--quiet', ...(threads ? ['--threads', threads] : [])];
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', PEAK, join(root, 'bin/gradgap.mjs'), ...cli], { cwd: root, encoding: 'utf8' });
  const wallS = (performance.now() - started) / 1000;
  const kb = Number(/^peak-rss-kb (\d+)$/m.exec(r.stderr)?.[1]);
  if (r.status !== 0 || !kb) {
    console.error(r.error ?? r.stderr);
    process.exit(1);
  }
  rows.push({ runs, wallS: Number(wallS.toFixed(1)), peakRssMB: Math.round((kb * 1024) / 1e6) });
  console.log(`${runs} runs: ${wallS.toFixed(1)} s, peak RSS ${Math.round((kb * 1024) / 1e6)} MB`);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n| runs | wall (s) | peak RSS (MB) |\n|---:|---:|---:|`);
for (const r of rows) console.log(`| ${r.runs.toLocaleString('en')} | ${r.wallS} | ${r.peakRssMB} |`);
console.log(JSON.stringify({ root, threads: threads ?? 'all', rows }));
