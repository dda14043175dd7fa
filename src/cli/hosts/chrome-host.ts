/**
 * The `chrome` host: headless Chrome or Chromium ($CHROME_PATH or the usual paths) through
 * Playwright, running the engine in chrome-page.ts served by a Vite dev server on 127.0.0.1
 * (WebGPU needs a secure context; file:// is not one). The CPU twin runs on the page's Web
 * Workers. Vite serves the TypeScript and the `?raw` WGSL as it does for the app. With `onRuns`
 * the page streams each chunk of runs back as it finishes (wire-format.ts) and keeps no series,
 * as the dawn host does.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { CHROMIUM_ARGS, findChromium } from './browser-path.ts';
import type { DecisionStore, Progress, RunChunk } from '../../engine/index.ts';
import { RunError } from '../cli-error.ts';
import { chunkFromWire, fromWire, type WireChunk } from './wire-format.ts';
import type { Host } from './host.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGE = '/src/cli/hosts/chrome-page.html';

export async function openChromeHost(decisions: DecisionStore): Promise<Host> {
  let executablePath: string;
  try {
    executablePath = findChromium();
  } catch (error) {
    throw new RunError((error as Error).message);
  }
  // Own config, not the app's vite.config.ts: the host page needs none of the site's plugins,
  // and its own cache folder keeps it from disturbing a dev server running beside it.
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: ROOT,
    logLevel: 'error',
    cacheDir: 'node_modules/.vite-gradgap-cli',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    worker: { format: 'es' },
    // No dependency pre-bundling: a dependency found late would make Vite reload the page in the
    // middle of a run. The engine's only dependency, webgpu-utils, is plain ESM and loads as is.
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  let browser: Browser | undefined;
  try {
    await server.listen();
    const address = server.httpServer?.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
    const page: Page = await browser.newPage();
    let onProgress: ((p: Progress) => void) | undefined;
    let onRuns: ((chunk: RunChunk) => void) | undefined;
    await page.exposeFunction('gradgapProgress', (p: Progress) => onProgress?.(p));
    await page.exposeFunction('gradgapRuns', (w: WireChunk) => onRuns?.(chunkFromWire(w)));
    // `auto`'s decisions live in Node's cache file; the page reads and writes them as JSON (NaN rates become null).
    await page.exposeFunction('gradgapDecisionGet', async (key: string) => JSON.stringify((await decisions.get(key)) ?? null));
    await page.exposeFunction('gradgapDecisionSet', (key: string, json: string) => decisions.set(key, JSON.parse(json)));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}${PAGE}`);
    await page
      .waitForFunction(() => 'gradgapHost' in window, undefined, { timeout: 60_000 })
      .catch(() => {
        throw new RunError(`the chrome host page did not start${pageErrors.length ? `: ${pageErrors[0]}` : ''}`);
      });
    const runtime = `${browser.browserType().name()} ${browser.version()} (${executablePath})`;
    const opened = browser;
    return {
      name: 'chrome',
      runtime,
      async run(spec, range, options) {
        onProgress = options.onProgress;
        onRuns = options.onRuns;
        try {
          const wire = await page.evaluate(([s, r, b, t, c, a, streamed, k]) => window.gradgapHost.run(s, r, b, t, c, a, streamed, k), [
            spec,
            range,
            options.backend,
            options.threads,
            options.chunkRuns,
            options.auto,
            options.onRuns !== undefined,
            options.keepSeries,
          ] as const);
          return fromWire(wire);
        } finally {
          onProgress = undefined;
          onRuns = undefined;
        }
      },
      async close() {
        await opened.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
