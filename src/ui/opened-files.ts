/**
 * Notebooks opened with "Open file…", kept in IndexedDB so that the page survives a reload. Each
 * gets an id from its name and text (SHA-256), which the page puts in its URL (`?file=<id>`); the
 * id is also the notebook's identity for its autosaved edits, so edits made to an opened file
 * never land on a built-in notebook. Without IndexedDB nothing is stored and `stored` says so.
 *
 * @example
 *   const { id, stored } = await storeOpenedFile('mine.html', text);
 *   history.replaceState(null, '', `?file=${id}`);
 *   const back = await loadOpenedFile(id); // { name: 'mine.html', text } or undefined
 */

export interface OpenedFile {
  name: string; // the file's name as picked
  text: string;
  openedAt: number; // ms since the epoch
}

const DB = 'gradgap-files';
const STORE = 'files';

/** An IndexedDB request as a promise. */
export function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Opens a database with one object store (`store`), created on first open; null without IndexedDB. */
export function openDb(name: string, store = STORE): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    try {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(store);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => resolve(null); // private mode, storage disabled
    } catch {
      resolve(null);
    }
  });
}

/** Id of an opened file: the first 16 hex digits of SHA-256 over its name and text. */
export async function openedFileId(name: string, text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${name}\n${text}`));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Stores a file; `stored` is false when this browser keeps nothing (the page must say a reload loses it). */
export async function storeOpenedFile(name: string, text: string, dbName = DB): Promise<{ id: string; stored: boolean }> {
  const id = await openedFileId(name, text);
  const db = await openDb(dbName);
  if (!db) return { id, stored: false };
  try {
    await request(
      db
        .transaction(STORE, 'readwrite')
        .objectStore(STORE)
        .put({ name, text, openedAt: Date.now() } satisfies OpenedFile, id),
    );
    return { id, stored: true };
  } catch {
    return { id, stored: false }; // quota exceeded
  } finally {
    db.close();
  }
}

/** A stored file by id; undefined when this browser does not have it. */
export async function loadOpenedFile(id: string, dbName = DB): Promise<OpenedFile | undefined> {
  const db = await openDb(dbName);
  if (!db) return undefined;
  try {
    const found = (await request(db.transaction(STORE).objectStore(STORE).get(id))) as OpenedFile | undefined;
    return found && typeof found.text === 'string' ? found : undefined;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}
