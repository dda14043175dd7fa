/**
 * Results cached by spec hash in IndexedDB, so reloading a page does not recompute. Only complete
 * sweeps are stored. When IndexedDB is unavailable the cache lives in memory for the session.
 *
 * @example
 *   const cache = openResultCache();
 *   (await cache.get(hash)) ?? cache.put(await summarizeSweep(await runSweep(spec)));
 */
import type { SweepSummary } from '../results/index.ts';

export interface ResultCache {
  get(specHash: string): Promise<SweepSummary | undefined>;
  put(summary: SweepSummary): Promise<void>;
}

const DB = 'gradgap';
const STORE = 'results';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function memoryCache(): ResultCache {
  const map = new Map<string, SweepSummary>();
  return { get: async (h) => map.get(h), put: async (s) => void map.set(s.specHash, s) };
}

export function openResultCache(name = DB): ResultCache {
  if (typeof indexedDB === 'undefined') return memoryCache();
  const fallback = memoryCache();
  const db = new Promise<IDBDatabase | null>((resolve) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => resolve(null); // private mode or quota: fall back to memory
  });
  return {
    async get(specHash) {
      const d = await db;
      if (!d) return fallback.get(specHash);
      try {
        const found = (await request(d.transaction(STORE).objectStore(STORE).get(specHash))) as SweepSummary | undefined;
        // Stored before summaries carried ‖g‖(t) bands: a miss, so the sweep re-runs or the baked file is used.
        return found?.gapBands ? found : undefined;
      } catch {
        return fallback.get(specHash);
      }
    },
    async put(summary) {
      if (!summary.complete) return;
      const d = await db;
      if (!d) return fallback.put(summary);
      try {
        await request(d.transaction(STORE, 'readwrite').objectStore(STORE).put(summary, summary.specHash));
      } catch {
        await fallback.put(summary); // quota exceeded: keep it for this session
      }
    },
  };
}
