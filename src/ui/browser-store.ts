/**
 * One small key–value store over IndexedDB for what the page keeps between reloads: opened files,
 * the reader's own notebooks, logs files, cached results and a large sweep's per-run rows. Each
 * call opens the database and closes it again, so a store costs nothing while idle. Without
 * IndexedDB (private mode, storage turned off, quota) a write reports `false` (or, from `write`,
 * why) and a read finds nothing: callers say what that means.
 *
 * @example
 *   const files = browserStore<string>('gradgap-logs', 'files');
 *   await files.put('sweep.csv', text); // false: this browser keeps nothing past a reload
 *   await files.get('sweep.csv');
 *   const rows = browserStore<Blob, [string, number]>('gradgap-runs', 'rows');
 *   await rows.range(['sweep', 0], ['sweep', Infinity]); // values in key order
 */
export interface BrowserStore<T, K extends IDBValidKey = string> {
  put(key: K, value: T): Promise<boolean>;
  putAll(entries: readonly (readonly [K, T])[]): Promise<boolean>; // one transaction
  write(entries: readonly (readonly [K, T])[]): Promise<string | undefined>; // putAll saying why it failed (undefined: written)
  get(key: K): Promise<T | undefined>;
  all(): Promise<T[]>;
  range(lower: K, upper: K): Promise<T[]>; // values with lower ≤ key ≤ upper, in key order
  deleteRange(lower: K, upper: K): Promise<boolean>;
  available(): Promise<boolean>; // whether this browser opens the database at all
}

/** Why a write found no database: what the reader can do about it. */
export const NO_INDEXEDDB = 'this browser keeps no IndexedDB here (private mode, or site storage turned off)';

/** An IndexedDB request as a promise. */
function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** A transaction's end: an abort (the quota, a failed request) rejects with its error. */
function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('the IndexedDB transaction was aborted'));
  });
}

/** A failed write in words: the quota by name, anything else by its message. */
function writeError(error: unknown): string {
  const e = error as DOMException | null;
  if (e?.name === 'QuotaExceededError') return "the browser's storage quota for this site is exceeded";
  return `IndexedDB refused the write: ${e?.message || e?.name || String(error)}`;
}

/** Opens `name` (version 1) with its one object store, created on first open; null without IndexedDB. */
function openDb(name: string, store: string): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    try {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(store);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

export function browserStore<T, K extends IDBValidKey = string>(dbName: string, storeName: string): BrowserStore<T, K> {
  /** Runs `use` on an open database; `otherwise` when there is none or the call fails. */
  async function withDb<R>(use: (db: IDBDatabase) => Promise<R>, otherwise: R, failed: (error: unknown) => R = () => otherwise): Promise<R> {
    const db = await openDb(dbName, storeName);
    if (!db) return otherwise;
    try {
      return await use(db);
    } catch (error) {
      return failed(error);
    } finally {
      db.close();
    }
  }
  const write = (entries: readonly (readonly [K, T])[]) =>
    withDb<string | undefined>(
      async (db) => {
        const tx = db.transaction(storeName, 'readwrite');
        for (const [key, value] of entries) tx.objectStore(storeName).put(value, key);
        await done(tx);
        return undefined;
      },
      NO_INDEXEDDB,
      writeError,
    );
  const putAll = async (entries: readonly (readonly [K, T])[]) => (await write(entries)) === undefined;
  return {
    write,
    putAll,
    put: (key, value) => putAll([[key, value]]),
    get: (key) => withDb(async (db) => (await request(db.transaction(storeName).objectStore(storeName).get(key))) as T | undefined, undefined),
    all: () => withDb(async (db) => (await request(db.transaction(storeName).objectStore(storeName).getAll())) as T[], []),
    range: (lower, upper) =>
      withDb(async (db) => (await request(db.transaction(storeName).objectStore(storeName).getAll(IDBKeyRange.bound(lower, upper)))) as T[], []),
    deleteRange: (lower, upper) =>
      withDb(async (db) => {
        const tx = db.transaction(storeName, 'readwrite');
        tx.objectStore(storeName).delete(IDBKeyRange.bound(lower, upper));
        await done(tx);
        return true;
      }, false),
    available: () => withDb(async () => true, false),
  };
}
