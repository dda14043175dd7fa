/**
 * Where the Chromium binary is: $CHROME_PATH, else the usual install paths. Node-only: the CLI's
 * chrome host launches it, and so do the browser tests (vitest.config.ts); the app itself runs in
 * whatever browser opened it.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Flags that give headless Chromium a WebGPU adapter on a machine without a GPU (ENVIRONMENT.md). */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist; point it at a Chrome or Chromium binary`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`No Chromium found (looked at ${CANDIDATES.join(', ')}). Install it (Debian: apt-get install chromium) or set CHROME_PATH.`);
  return found;
}
