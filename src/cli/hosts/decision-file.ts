/**
 * Where the command line remembers `auto`'s measured decisions: one small JSON file,
 * `$XDG_CACHE_HOME/gradgap/backend-choice.json` (else `~/.cache/gradgap/…`), shared by both hosts
 * (the chrome host's page reaches it through exposed functions). An unreadable or unwritable file
 * only means measuring again.
 *
 * @example
 *   const store = fileDecisionStore(); // or fileDecisionStore('/tmp/test-choices.json') in a test
 *   await runSweep(spec, { auto: { store } });
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseChoice, type DecisionStore, type MeasuredChoice } from '../../engine/index.ts';
import { readInputFile } from '../input-file.ts';

/** The cache file's path: under $XDG_CACHE_HOME when set, else ~/.cache. */
export function defaultDecisionPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gradgap', 'backend-choice.json');
}

export function fileDecisionStore(path = defaultDecisionPath()): DecisionStore {
  const read = async (): Promise<Record<string, MeasuredChoice>> => {
    try {
      const value = JSON.parse(readInputFile(path, 'cache')); // the read rule: a FIFO or a huge file there is ignored, not waited on
      return value && typeof value === 'object' ? value : {};
    } catch {
      return {};
    }
  };
  return {
    get: async (key) => parseChoice((await read())[key]),
    async set(key, choice) {
      try {
        await mkdir(dirname(path), { recursive: true });
        // Written whole and renamed into place, so a concurrent reader never sees half a file.
        const temp = `${path}.${process.pid}.tmp`;
        await writeFile(temp, `${JSON.stringify({ ...(await read()), [key]: choice }, null, 2)}\n`);
        await rename(temp, path);
      } catch {
        // a read-only home: the next run measures again
      }
    },
  };
}
