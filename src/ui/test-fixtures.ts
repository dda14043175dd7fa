/**
 * Test set-up for the page's browser tests, one copy each so the tests wait and find things alike:
 * a notebook element on a session, in the document, and a `settled()` that waits until the session
 * is idle and every cell has redrawn (mountNotebook, mountSession); the whole page (mountApp) and
 * its settling (settle); waiting on a condition (until, waitFor); a button or a cell by what a
 * reader sees (button, cellSection).
 *
 * @example
 *   const { el, settled } = await mountNotebook(session);
 *   const app = await mountApp('?nb=threshold');
 *   button(cellSection(app, 'intro'), 'Add cell below').click();
 */
import './gg-app.ts';
import type { GgApp } from './gg-app.ts';
import './gg-notebook.ts'; // registers the cell elements
import type { GgNotebook } from './gg-notebook.ts';
import { memoryCache } from './result-cache.ts';
import { NotebookSession } from './session.ts';
import { engineRunner } from './sweep-runner.ts';

type Updating = HTMLElement & { updateComplete?: Promise<boolean> };

export async function mountNotebook(session: NotebookSession): Promise<{ el: GgNotebook; settled: () => Promise<void> }> {
  const el = document.createElement('gg-notebook') as GgNotebook;
  el.session = session;
  document.body.append(el);
  const settled = async () => {
    await session.whenIdle();
    await el.updateComplete;
    for (const cell of el.querySelectorAll<Updating>('gg-plot-cell')) await cell.updateComplete;
    await new Promise((r) => setTimeout(r, 0)); // a cell's own follow-up render
    await el.updateComplete;
  };
  await settled();
  return { el, settled };
}

/**
 * A session on `fileText` kept in memory (a memory cache, nothing persisted), its sweeps run on the
 * CPU twin as soon as they are due, mounted with mountNotebook: a test's notebook and nothing else.
 */
export async function mountSession(name: string, fileText: string) {
  const session = await NotebookSession.open({
    name,
    fileText,
    runner: (spec, options) => engineRunner(spec, { ...options, backend: 'cpu' }),
    cache: memoryCache(),
    persist: false,
    autoRunDelayMs: 0,
  });
  return { session, ...(await mountNotebook(session)) };
}

/** Waits until `ok()`; after `ms` (a hang detector, not a verdict) it fails naming `what`. */
export async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until `find()` finds something and returns it; after `ms` it fails naming `what`. */
export async function waitFor<T>(find: () => T | null | undefined, what: string, ms = 20_000): Promise<T> {
  let found: T | null | undefined;
  await until(what, () => !!(found = find()), ms);
  return found!;
}

/** The buttons inside `root` whose accessible name (aria-label, else its text) is `name`. */
export const buttonsNamed = (root: ParentNode, name: string) =>
  [...root.querySelectorAll('button')].filter((b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name);

/**
 * The button named `name` inside `root`, as a reader finds it by its name; where several share it,
 * the last (a cell's own, after the page's) or the `first` (the page's own Undo before an undo bar's).
 */
export function button(root: ParentNode, name: string, which: 'first' | 'last' = 'last'): HTMLButtonElement {
  const found = buttonsNamed(root, name);
  if (!found.length) throw new Error(`no button named "${name}"`);
  return which === 'first' ? found[0] : found[found.length - 1];
}

/** Cell `id`'s section on the page, or null while it is not drawn (yet). */
export const findCellSection = (root: ParentNode, id: string) => root.querySelector<HTMLElement>(`section.cell[data-cell-id="${id}"]`);

/** Cell `id`'s section on the page; a test that expects it fails naming the cell. */
export function cellSection(root: ParentNode, id: string): HTMLElement {
  const s = findCellSection(root, id);
  if (!s) throw new Error(`no cell #${id}`);
  return s;
}

/**
 * The whole page (gg-app), once it has a session. With `search` ('' or '?nb=…') it replaces any page
 * mounted before at that address, and its sweeps are cancelled (the baked results stay, and nothing
 * runs for minutes under the test); without, it opens at the address the page left, as a reload
 * does. `ms` bounds the wait for the session (a hang detector).
 */
export async function mountApp(search?: string, ms = 60_000): Promise<GgApp> {
  if (search !== undefined) {
    document.querySelectorAll('gg-app').forEach((a) => a.remove());
    history.replaceState(null, '', `${location.pathname}${search}`);
  }
  const app = document.createElement('gg-app') as GgApp;
  document.body.append(app);
  await until('a session', () => !!app.session, ms);
  if (search !== undefined) app.session!.sweepIds().forEach((id) => app.session!.cancel(id));
  return app;
}

/**
 * Waits until the page is still: the session idle, then every element's pending render, a task for
 * the renders those start, and every render again (a plot cell draws after its notebook does).
 */
export async function settle(app: GgApp): Promise<void> {
  await app.session!.whenIdle();
  await app.updateComplete;
  const renders = async () => {
    for (const el of app.querySelectorAll<Updating>('*')) if (el.updateComplete) await el.updateComplete;
  };
  await renders();
  await new Promise((r) => setTimeout(r, 0));
  await renders();
}

/** A notebook of one logs cell (`runs`) reading `file`, its CSV columns mapped as the logs tests write them. */
export const logsNotebook = (title: string, file: string) => `<!doctype html>
<notebook theme="air" version="1">
  <title>${title}</title>
  <script id="runs" type="application/vnd.gradgap.logs+json">
    {"files": ["${file}"], "mapping": {"run": "label", "learningRate": "learning_rate", "step": "step"}, "metric": "acc"}
  </script>
</notebook>
`;
