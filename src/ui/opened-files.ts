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
import { browserStore } from './browser-store.ts';

export interface OpenedFile {
  name: string; // the file's name as picked
  text: string;
  openedAt: number; // ms since the epoch
}

const files = (dbName: string) => browserStore<OpenedFile>(dbName, 'files');
const DB = 'gradgap-files';

/** Id of an opened file: the first 16 hex digits of SHA-256 over its name and text. */
export async function openedFileId(name: string, text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${name}\n${text}`));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Stores a file; `stored` is false when this browser keeps nothing (the page must say a reload loses it). */
export async function storeOpenedFile(name: string, text: string, dbName = DB): Promise<{ id: string; stored: boolean }> {
  const id = await openedFileId(name, text);
  return { id, stored: await files(dbName).put(id, { name, text, openedAt: Date.now() }) };
}

/** A stored file by id; undefined when this browser does not have it. */
export async function loadOpenedFile(id: string, dbName = DB): Promise<OpenedFile | undefined> {
  const found = await files(dbName).get(id);
  return found && typeof found.text === 'string' ? found : undefined;
}
