#!/usr/bin/env node
// `npm run bench`: workload W1 on every engine, in headless Chromium with WebGPU. Serves
// scripts/bench.html with Vite on 127.0.0.1, prints the page's log, and ends with one JSON line.
// Options pass through as query parameters: --reps 5 --gpu-runs 64 --cpu-runs 128.
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const query = new URLSearchParams();
for (let i = 0; i < args.length; i += 2) {
  const key = args[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
  if (!['reps', 'gpuRuns', 'cpuRuns'].includes(key) || !(Number(args[i + 1]) > 0)) {
    console.error(`bench: unknown or bad option ${args[i]} ${args[i + 1] ?? ''} (allowed: --reps N, --gpu-runs N, --cpu-runs N; N ≥ 1)`);
    process.exit(2);
  }
  query.set(key, args[i + 1]);
}
const chrome = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!chrome || !existsSync(chrome)) {
  console.error('bench: no Chromium found; install it (apt-get install chromium) or set CHROME_PATH');
  process.exit(2);
}
const server = await createServer({ logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
await server.listen();
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: chrome,
  headless: true,
  args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.error(m.text()));
  await page.goto(`http://127.0.0.1:${port}/scripts/bench.html?${query}`);
  const result = await page.waitForFunction(() => window.benchResult, null, { timeout: 0, polling: 500 }).then((h) => h.jsonValue());
  if (result.error) throw new Error(result.error);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
