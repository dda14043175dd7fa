#!/usr/bin/env node
// The page's memory on a large sweep (issue 14), measured by hand: serves scripts/page-memory.html
// with Vite, runs one sweep of --runs runs (20 cells, L = 2, 2 iterations: 3 recorded steps) in
// headless Chromium through the page's runner — over RUN_SERIES_LIMIT, so its runs CSV rows go to
// IndexedDB chunk by chunk — and samples the JS heap over CDP (Runtime.getHeapUsage: used heap,
// plus ArrayBuffer backing stores where Chromium reports them) every 100 ms: before, peak while the
// sweep runs, peak while the Runs CSV Blob is assembled, and after a forced GC. Prints one JSON line.
//   node scripts/page-memory.mjs [--runs 1000000] [--keep | --limit N | --no-store] [--cap MB]
// --keep: series kept in memory, nothing stored; --limit N: the series limit lowered to N values (a quick check);
// --no-store: a runner without a cell, which stores nothing (the baseline); --cap MB: V8's old space capped at MB in
// every isolate, to show the sweep completes within it.
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 1_000_000);
const keep = args.includes('--keep');
const noStore = args.includes('--no-store') ? '&nostore=1' : ''; // run as a runner without a cell: nothing stored (the baseline)
const cap = args.includes('--cap') ? [`--js-flags=--max-old-space-size=${Number(args[args.indexOf('--cap') + 1])}`] : []; // every isolate's old space capped (MB)
const limit = args.includes('--limit') ? `&limit=${Number(args[args.indexOf('--limit') + 1])}` : ''; // a smoke test: store a small sweep
// No HMR and no file watching: an edit elsewhere in the tree must not reload the page mid-measurement.
const server = await createServer({ logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false, watch: { ignored: ['**/*'] } } });
await server.listen();
const { port } = server.httpServer.address();
const profile = mkdtempSync(join(tmpdir(), 'gradgap-page-memory-'));
// As src/cli/hosts/browser-path.ts (a .ts file: this script runs on plain Node).
const chrome = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const args0 = ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const context = await chromium.launchPersistentContext(profile, { executablePath: chrome, headless: true, args: [...args0, ...cap] });
const MB = (b) => Number((b / 1e6).toFixed(1));
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => console.error(m.text()));
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    const u = await cdp.send('Runtime.getHeapUsage');
    return u.usedSize + (u.backingStorageSize ?? 0);
  };
  await page.goto(`http://127.0.0.1:${port}/scripts/page-memory.html?runs=${runs}${keep ? '&keep=1' : ''}${limit}${noStore}`);
  await cdp.send('HeapProfiler.enable');
  const peaks = {};
  let beforeBytes;
  let result;
  for (;;) {
    const [bytes, phase, done] = await Promise.all([heap(), page.evaluate(() => window.pagePhase), page.evaluate(() => window.pageMemory)]);
    beforeBytes ??= bytes;
    if (phase) peaks[phase] = Math.max(peaks[phase] ?? 0, bytes);
    if (done) {
      result = done;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (result.error) throw new Error(result.error);
  await cdp.send('HeapProfiler.collectGarbage');
  const afterGc = await heap();
  console.log(
    JSON.stringify({
      ...result,
      heapMB: {
        before: MB(beforeBytes),
        peakSweep: MB(peaks.sweep ?? 0),
        peakAssemble: MB(Math.max(peaks.assemble ?? 0, peaks.done ?? 0)),
        afterGc: MB(afterGc),
      },
    }),
  );
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
