#!/usr/bin/env node
// `npm run bench:memory`: wall time and peak RSS of `gradgap run` (CPU twin) on one sweep of
// L = 4, 3 iterations, 20 cells, at 10k, 100k and 1M runs (issue 14). Not a test: it prints a
// Markdown table and ends with one JSON line. Peak RSS is the CLI process's own maximum resident
// set size (process.resourceUsage().maxRSS at exit, worker threads included), as /usr/bin/time -v
// reports it. The CLI runs with the Node flags of bin/gradgap.mjs's first line, as `npx gradgap` runs it.
//   node scripts/memory-bench.mjs [--runs 10000,100000,1000000] [--threads N] [--root DIR] [--merge N]
// --root runs another checkout's bin/gradgap.mjs (e.g. an older commit, for the "before" row).
// --merge N also runs each size as N shards (`--shard 1/N` … `N/N`) and merges them, a row each,
// and checks that the merged results files equal the unsharded run's byte for byte (merge streams
// the shards' JSON: src/cli/sweep-json-stream.ts; its peak RSS is the row to read).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const shards = Number(flag('merge', 0));
const CELLS = 20;
if (sizes.some((n) => !(n >= CELLS && n % CELLS === 0))) {
  console.error(`bench:memory: --runs must be multiples of ${CELLS} (the cells)`);
  process.exit(2);
}
if (!(Number.isInteger(shards) && shards >= 0 && shards <= 1024)) {
  console.error('bench:memory: --merge takes the number of shards, an integer in [1, 1024]');
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

// Node's flags as the launcher's `#!/usr/bin/env -S node …` line sets them (`npx gradgap` runs it so).
const bin = join(root, 'bin/gradgap.mjs');
const launcherFlags = /^#!.*\bnode\b(.*)$/m.exec(readFileSync(bin, 'utf8').split('\n')[0])?.[1].trim().split(/\s+/).filter(Boolean) ?? [];

/** Runs `gradgap <cli…>` with the peak-RSS hook: wall seconds and peak RSS in MB; exits on failure. */
function gradgap(cli) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [...launcherFlags, '--import', PEAK, bin, ...cli, '--quiet'], { cwd: root, encoding: 'utf8' });
  const wallS = (performance.now() - started) / 1000;
  const kb = Number(/^peak-rss-kb (\d+)$/m.exec(r.stderr)?.[1]);
  if (r.status !== 0 || !kb) {
    console.error(`gradgap ${cli.join(' ')}:`, r.error ?? r.stderr);
    process.exit(1);
  }
  return { wallS: Number(wallS.toFixed(1)), peakRssMB: Math.round((kb * 1024) / 1e6) };
}

/** Names of the results files (sweeps/*) in two output folders that differ, by bytes; provenance and timings are not results. */
function differingResults(a, b) {
  const names = readdirSync(join(a, 'sweeps')).sort();
  const other = readdirSync(join(b, 'sweeps')).sort();
  if (names.join('\n') !== other.join('\n')) return ['the list of files'];
  return names.filter((n) => {
    const [x, y] = [join(a, 'sweeps', n), join(b, 'sweeps', n)];
    return statSync(x).size !== statSync(y).size || !readFileSync(x).equals(readFileSync(y));
  });
}

const rows = [];
const threadFlags = threads ? ['--threads', threads] : [];
for (const runs of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'gradgap-membench-'));
  const file = join(dir, 'bench.html');
  writeFileSync(file, notebook(runs));
  const out = join(dir, 'out');
  const run = gradgap(['run', file, '--out', out, '--backend', 'cpu', ...threadFlags]);
  rows.push({ runs, step: 'run', ...run });
  console.log(`${runs} runs: ${run.wallS} s, peak RSS ${run.peakRssMB} MB`);
  if (shards) {
    const parts = Array.from({ length: shards }, (_, i) => join(dir, `shard-${i + 1}`));
    parts.forEach((part, i) => {
      const shard = gradgap(['run', file, '--out', part, '--backend', 'cpu', '--shard', `${i + 1}/${shards}`, ...threadFlags]);
      rows.push({ runs, step: `shard ${i + 1}/${shards}`, ...shard });
      console.log(`${runs} runs, shard ${i + 1}/${shards}: ${shard.wallS} s, peak RSS ${shard.peakRssMB} MB`);
    });
    const merged = join(dir, 'merged');
    const merge = gradgap(['merge', ...parts, '--out', merged]);
    const differ = differingResults(out, merged);
    rows.push({ runs, step: `merge of ${shards}`, ...merge, identical: differ.length === 0 });
    console.log(
      `${runs} runs, merge of ${shards} shards: ${merge.wallS} s, peak RSS ${merge.peakRssMB} MB; ${differ.length ? `DIFFERS from the unsharded run: ${differ.join(', ')}` : 'results byte-identical to the unsharded run'}`,
    );
    if (differ.length) process.exitCode = 1;
  }
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n| runs | step | wall (s) | peak RSS (MB) |\n|---:|---|---:|---:|`);
for (const r of rows) console.log(`| ${r.runs.toLocaleString('en')} | ${r.step} | ${r.wallS} | ${r.peakRssMB} |`);
console.log(JSON.stringify({ root, threads: threads ?? 'all', shards, rows }));
