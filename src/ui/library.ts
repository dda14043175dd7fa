/**
 * The built-in notebooks: their sources (bundled as text), their baked results (fetched when a
 * page needs them) and the shaders' hash, through Vite's import.meta.glob. Order follows
 * NOTEBOOK_ORDER; notebooks not listed there come after, by name.
 *
 * @example
 *   const entry = library().find((n) => n.name === 'threshold');
 *   const baked = await loadBaked('threshold');
 */
import { parseNotebook } from '../notebook/index.ts';
import { decodeBaked, wgslHash, type BakedNotebook } from '../results/index.ts';

export const NOTEBOOK_ORDER = [
  'threshold',
  'length',
  'success-rate',
  'shared-vs-tabular',
  'grpo-vs-dr-grpo',
  'optimizer',
  'real-runs',
  'length-bias',
  'many-prompts',
  'ppo-loop',
];
export const DEFAULT_NOTEBOOK = 'threshold';

const sources = import.meta.glob('/notebooks/*.html', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const bakedUrls = import.meta.glob('/notebooks/*.results.json', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const shaders = import.meta.glob('/shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface LibraryEntry {
  name: string; // file name without .html; the page is <name>.html
  title: string;
  summary: string; // first paragraph of the first Markdown cell (Markdown; render with sanitizeHtml)
  source: string;
}

const nameOf = (path: string) => path.replace(/^.*\//, '').replace(/\.html$/, '');

function summaryOf(source: string): string {
  const first = parseNotebook(source).notebook.cells.find((c) => c.type === 'text/markdown');
  const paragraph = first?.value.split(/\n\s*\n/).find((p) => p.trim() && !p.trim().startsWith('#')) ?? '';
  return paragraph.trim();
}

export function library(): LibraryEntry[] {
  const entries = Object.entries(sources).map(([path, source]) => ({
    name: nameOf(path),
    title: parseNotebook(source).notebook.title,
    summary: summaryOf(source),
    source,
  }));
  const rank = (n: string) => (NOTEBOOK_ORDER.includes(n) ? NOTEBOOK_ORDER.indexOf(n) : NOTEBOOK_ORDER.length);
  return entries.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** The baked results of a built-in notebook; null when it has none. Throws with the reason when they are unreadable. */
export async function loadBaked(name: string): Promise<BakedNotebook | null> {
  const url = bakedUrls[`/notebooks/${name}.results.json`];
  if (!url) return null;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return decodeBaked(await response.text());
}

/** SHA-256 over this build's shaders, as the bake script computes it. */
export function currentWgslHash(): Promise<string> {
  return wgslHash(Object.entries(shaders).map(([path, text]) => ({ name: path.replace(/^.*\//, ''), text })));
}
