/**
 * Where a reader's edits live: localStorage (autosave, survives a reload) and the URL fragment
 * (a link reopens the same state). Both hold only the cells that differ from the file, by id.
 * JSON cells go into the URL compacted and come back formatted. Both are keyed by the notebook's
 * identity (a built-in name, or `file:<id>` for an opened file): the URL names it (`#nb=…&cell.…`),
 * and a link's edits for another notebook are not applied (links without `nb=` still are).
 *
 * @example
 *   const edits = loadEdits('threshold', location.hash);   // URL first, then autosave
 *   saveEdits('threshold', edits);                          // both places
 */
import { formatJson } from '../notebook/index.ts';

export type CellEdits = Record<string, string>; // cell id → edited source

const storageKey = (notebook: string) => `gradgap:edits:${notebook}`;
const PREFIX = 'cell.';
const OWNER = 'nb=';

/** Compact form for the URL: minified JSON when the source is JSON, else the text. */
function compact(source: string): string {
  try {
    return JSON.stringify(JSON.parse(source));
  } catch {
    return source;
  }
}

function expand(text: string): string {
  try {
    return formatJson(JSON.parse(text));
  } catch {
    return text;
  }
}

/** `#cell.sweep=…&cell.phase=…`, led by `nb=<notebook>` when the notebook is given. */
export function editsToHash(edits: CellEdits, notebook?: string): string {
  const parts = Object.entries(edits).map(([id, source]) => `${PREFIX}${encodeURIComponent(id)}=${encodeURIComponent(compact(source))}`);
  if (parts.length && notebook !== undefined) parts.unshift(`${OWNER}${encodeURIComponent(notebook)}`);
  return parts.length ? `#${parts.join('&')}` : '';
}

/** The notebook a fragment's edits were made in (`nb=`), when it names one. */
export function hashNotebook(hash: string): string | undefined {
  const part = hash
    .replace(/^#/, '')
    .split('&')
    .find((p) => p.startsWith(OWNER));
  if (part === undefined) return undefined;
  try {
    return decodeURIComponent(part.slice(OWNER.length));
  } catch {
    return undefined;
  }
}

export function editsFromHash(hash: string): CellEdits {
  const edits: CellEdits = {};
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0 || !part.startsWith(PREFIX)) continue;
    try {
      edits[decodeURIComponent(part.slice(PREFIX.length, eq))] = expand(decodeURIComponent(part.slice(eq + 1)));
    } catch {
      // A mangled fragment (bad percent-encoding) is ignored rather than breaking the page.
    }
  }
  return edits;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed frame)
  }
}

/**
 * Edits for a notebook: the URL's when it has any (a shared link) made in this notebook, else the
 * autosaved ones. `ignored` names the notebook a link's edits belong to when it is another one.
 */
export function loadEdits(notebook: string, hash: string): { edits: CellEdits; from: 'url' | 'autosave' | 'none'; ignored?: string } {
  const fromUrl = editsFromHash(hash);
  const owner = hashNotebook(hash);
  const foreign = owner !== undefined && owner !== notebook && Object.keys(fromUrl).length > 0;
  if (Object.keys(fromUrl).length && !foreign) return { edits: fromUrl, from: 'url' };
  const ignored = foreign ? { ignored: owner } : {};
  try {
    const saved = JSON.parse(storage()?.getItem(storageKey(notebook)) ?? 'null') as CellEdits | null;
    if (saved && typeof saved === 'object' && Object.keys(saved).length) return { edits: saved, from: 'autosave', ...ignored };
  } catch {
    // corrupt autosave: start from the file
  }
  return { edits: {}, from: 'none', ...ignored };
}

/** Autosaves and puts the edits in the URL (replaceState: no history entry per keystroke). */
export function saveEdits(notebook: string, edits: CellEdits): void {
  const store = storage();
  if (Object.keys(edits).length) store?.setItem(storageKey(notebook), JSON.stringify(edits));
  else store?.removeItem(storageKey(notebook));
  if (typeof history !== 'undefined' && typeof location !== 'undefined') {
    history.replaceState(history.state, '', `${location.pathname}${location.search}${editsToHash(edits, notebook)}`);
  }
}
