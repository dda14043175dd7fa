/**
 * The reader's own notebooks: made with "New notebook", or a built-in or opened notebook copied
 * when its cells are added, moved, duplicated or deleted. Kept in IndexedDB (the same pattern as
 * opened-files.ts) under a random id that stays while the text changes; the page names one with
 * `?user=<id>` and its cell edits are keyed `user:<id>` like any notebook's.
 *
 * @example
 *   const id = await createUserNotebook(serializeNotebook(untitledNotebook()));
 *   await saveUserNotebook(id, { text: newText });
 *   for (const n of await listUserNotebooks()) n.title;
 */
import { browserStore } from './browser-store.ts';

export interface UserNotebook {
  id: string;
  title: string; // the notebook's title when last saved (for the list)
  text: string; // the notebook file
  origin?: string; // the built-in it was copied from: its baked results still apply to unchanged sweeps
  fileName?: string; // name to download (and save) it as
  handle?: FileSystemFileHandle; // the file it was opened from, where the browser lets the page write back
  updatedAt: number;
}

const DB = 'gradgap-notebooks';
const notebooks = (dbName: string) => browserStore<UserNotebook>(dbName, 'notebooks');

/** A fresh id: 12 hex digits from crypto.getRandomValues. */
export function newUserNotebookId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Stores (or replaces) a user notebook; false when this browser keeps nothing. */
export async function putUserNotebook(entry: UserNotebook, dbName = DB): Promise<boolean> {
  const store = notebooks(dbName);
  if (await store.put(entry.id, entry)) return true;
  // A file handle this browser cannot store: keep the text without it (else the quota is exceeded).
  const { handle: _handle, ...plain } = entry;
  return store.put(entry.id, plain);
}

export async function loadUserNotebook(id: string, dbName = DB): Promise<UserNotebook | undefined> {
  const found = await notebooks(dbName).get(id);
  return found && typeof found.text === 'string' ? found : undefined;
}

/** Every user notebook, newest first. */
export async function listUserNotebooks(dbName = DB): Promise<UserNotebook[]> {
  const all = await notebooks(dbName).all();
  return all.filter((n) => typeof n?.text === 'string').sort((a, b) => b.updatedAt - a.updatedAt);
}
