/**
 * Test set-up for the page's browser tests: a notebook element on a session, in the document,
 * and a `settled()` that waits until the session is idle and every cell has redrawn.
 *
 * @example
 *   const { el, settled } = await mountNotebook(session);
 */
import './gg-notebook.ts'; // registers the cell elements
import type { GgNotebook } from './gg-notebook.ts';
import type { NotebookSession } from './session.ts';

export async function mountNotebook(session: NotebookSession): Promise<{ el: GgNotebook; settled: () => Promise<void> }> {
  const el = document.createElement('gg-notebook') as GgNotebook;
  el.session = session;
  document.body.append(el);
  const settled = async () => {
    await session.whenIdle();
    await el.updateComplete;
    for (const cell of el.querySelectorAll<HTMLElement & { updateComplete?: Promise<boolean> }>('gg-plot-cell')) await cell.updateComplete;
    await new Promise((r) => setTimeout(r, 0)); // a cell's own follow-up render
    await el.updateComplete;
  };
  await settled();
  return { el, settled };
}
