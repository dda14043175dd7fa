/**
 * One small key–value store over IndexedDB for what the page keeps between reloads: opened files,
 * the reader's own notebooks, logs files and cached results. Each call opens the database and
 * closes it again, so a store costs nothing while idle. Without IndexedDB (private mode, storage
 * turned off, quota) a write reports `false` and a read finds nothing: callers say what that means.
 *
 * @example
 *   const files = browserStore<string>('gradgap-logs', 'files');
 *   await files.put('sweep.csv', text); // false: this browser keeps nothing past a reload
 *   await files.get('sweep.csv');
 */
export interface BrowserStore<T> {
  put(key: string, value: T): Promise<boolean>;
  putAll(entries: readonly (readonly [string, T])[]): Promise<boolean>; // one transaction
  get(key: string): Promise<T | undefined>;
  all(): Promise<T[]>;
}

/** An IndexedDB request as a promise. */
function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
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

export function browserStore<T>(dbName: string, storeName: string): BrowserStore<T> {
  /** Runs `use` on an open database; `otherwise` when there is none or the call fails. */
  async function withDb<R>(use: (db: IDBDatabase) => Promise<R>, otherwise: R): Promise<R> {
    const db = await openDb(dbName, storeName);
    if (!db) return otherwise;
    try {
      return await use(db);
    } catch {
      return otherwise;
    } finally {
      db.close();
    }
  }
  const putAll = (entries: readonly (readonly [string, T])[]) =>
    withDb(async (db) => {
      const tx = db.transaction(storeName, 'readwrite');
      for (const [key, value] of entries) tx.objectStore(storeName).put(value, key);
      await new Promise<void>((resolve, reject) => ((tx.oncomplete = () => resolve()), (tx.onerror = () => reject(tx.error))));
      return true;
    }, false);
  return {
    putAll,
    put: (key, value) => putAll([[key, value]]),
    get: (key) => withDb(async (db) => (await request(db.transaction(storeName).objectStore(storeName).get(key))) as T | undefined, undefined),
    all: () => withDb(async (db) => (await request(db.transaction(storeName).objectStore(storeName).getAll())) as T[], []),
  };
}
