/**
 * The page of `node scripts/page-memory.mjs`: runs one sweep through the page's own runner
 * (engineRunner, as a notebook cell runs it: a sweep over RUN_SERIES_LIMIT stores its runs CSV
 * rows in IndexedDB), then assembles the Runs CSV Blob as the button does, and reports through
 * `window.pageMemory`. The heap is measured from outside (CDP), so nothing here holds on to it.
 */
import { RUN_SERIES_LIMIT } from '../src/results/index.ts';
import { storedRuns } from '../src/ui/runs-store.ts';
import { engineRunner } from '../src/ui/sweep-runner.ts';

const query = new URLSearchParams(location.search);
const runs = Number(query.get('runs') ?? 1_000_000);
const CELLS = 20;
const spec = {
  base: { L: 2, V: 4, d: 2, G: 4, theta0: [0.1, 0.2], iterations: 2, recordEvery: 1 },
  grid: { stepSize: Array.from({ length: CELLS }, (_, i) => Number((0.5 * 1.5 ** i).toPrecision(4))) },
  seeds: runs / CELLS,
  seed: 1,
};
const w = window as unknown as { pageMemory?: unknown; pagePhase?: string };

async function main() {
  const before = (await navigator.storage.estimate()).usage ?? 0;
  const started = performance.now();
  w.pagePhase = 'sweep';
  const summary = await engineRunner(spec, {
    backend: 'cpu',
    signal: new AbortController().signal,
    onProgress: () => {},
    onBackend: () => {},
    ...(query.get('nostore') ? {} : { cell: 'page-memory#sweep' }),
    ...(query.get('keep') ? { seriesLimit: Infinity } : query.get('limit') ? { seriesLimit: Number(query.get('limit')) } : {}),
  });
  const sweepS = (performance.now() - started) / 1000;
  const after = (await navigator.storage.estimate()).usage ?? 0;
  w.pagePhase = 'assemble';
  const found = await storedRuns(summary);
  const t = performance.now();
  const blob = 'reason' in found ? undefined : await found.csv();
  const assembleMs = performance.now() - t;
  // The first and last bytes, to show the Blob is the CSV (read by slices: the whole is never in the heap).
  const head = blob ? await blob.slice(0, 200).text() : '';
  const tail = blob ? await blob.slice(blob.size - 200).text() : '';
  w.pagePhase = 'done';
  w.pageMemory = {
    runs: summary.finalJ.length,
    records: summary.recordSteps.length,
    limit: RUN_SERIES_LIMIT,
    seriesKept: !!summary.runSeries,
    complete: summary.complete,
    trajectoryHash: summary.trajectoryHash,
    sweepS: Number(sweepS.toFixed(1)),
    stored: 'reason' in found ? found.reason : found.manifest,
    storageUsageBytes: { before, after },
    csvBytes: blob?.size,
    assembleMs: Math.round(assembleMs),
    head: head.split('\n').slice(0, 2),
    tail: tail.split('\n').slice(-3),
  };
  (window as unknown as { keep: unknown }).keep = summary; // held, as the page holds a cell's results
}
main().catch((e) => (w.pageMemory = { error: String(e?.stack ?? e) }));
