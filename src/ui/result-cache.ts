/**
 * Results cached by spec hash in IndexedDB, so reloading a page does not recompute. Only complete
 * sweeps are stored. When IndexedDB is unavailable the cache lives in memory for the session.
 *
 * @example
 *   const cache = openResultCache();
 *   (await cache.get(hash)) ?? cache.put(await summarizeSweep(await runSweep(spec)));
 */
import type { SweepSummary } from '../results/index.ts';
import { browserStore } from './browser-store.ts';

export interface ResultCache {
  get(specHash: string): Promise<SweepSummary | undefined>;
  put(summary: SweepSummary): Promise<void>;
}

const DB = 'gradgap';

export function memoryCache(): ResultCache {
  const map = new Map<string, SweepSummary>();
  return { get: async (h) => map.get(h), put: async (s) => void map.set(s.specHash, s) };
}

/** The IndexedDB cache, with this session's memory behind it when IndexedDB keeps nothing. */
export function openResultCache(name = DB): ResultCache {
  const stored = browserStore<SweepSummary>(name, 'results');
  const fallback = memoryCache();
  return {
    async get(specHash) {
      const found = (await stored.get(specHash)) ?? (await fallback.get(specHash));
      // Stored before summaries carried ‖g‖(t) or length bands: a miss, so the sweep re-runs or the baked file is used.
      return found?.gapBands && found.lengthBands ? found : undefined;
    },
    async put(summary) {
      if (!summary.complete) return;
      if (!(await stored.put(summary.specHash, summary))) await fallback.put(summary); // private mode or quota: keep it for this session
    },
  };
}
