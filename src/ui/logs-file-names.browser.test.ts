/**
 * Files opened into a logs cell keep a name the cell's own check accepts: a browser calls a
 * second download "runs (1).csv", and a file may hold any character. Before, the page wrote such
 * a name into the cell, its check refused it, and the logs form (with its "Open logs…" button)
 * was gone: nothing left to open another file with.
 */
import { describe, expect, it } from 'vitest';
import './gg-notebook.ts'; // registers the cell elements
import type { GgNotebook } from './gg-notebook.ts';
import { LOGS_TABLE_CLASS } from './gg-logs-cell.ts';
import { storeLogFiles } from './logs-files.ts';
import { memoryCache } from './result-cache.ts';
import { NotebookSession } from './session.ts';

const CSV = 'label,learning_rate,step,acc\nslow,1e-5,0,0.2\nslow,1e-5,5,0.5\nfast,1e-4,0,0.2\nfast,1e-4,5,0\n';
const OTHER = 'label,learning_rate,step,acc\nmid,3e-5,0,0.2\nmid,3e-5,5,0.4\n';
const notebook = `<!doctype html>
<notebook theme="air" version="1">
  <title>Logs file names</title>
  <script id="runs" type="application/vnd.gradgap.logs+json">
    {"files": ["file-names-first.csv"], "mapping": {"run": "label", "learningRate": "learning_rate", "step": "step"}, "metric": "acc"}
  </script>
</notebook>
`;

async function waitFor<T>(find: () => T | null | undefined, what: string, ms = 20_000): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('logs cell: names of opened files', () => {
  it('opens "runs (1).csv" and "résumé #2.csv": the cell keeps names its check accepts, the form stays and the runs are read', async () => {
    await storeLogFiles([{ name: 'file-names-first.csv', text: CSV }]);
    const session = await NotebookSession.open({ name: `logs-names-${Math.random()}`, fileText: notebook, cache: memoryCache(), persist: false });
    const el = document.createElement('gg-notebook') as GgNotebook;
    el.session = session;
    document.body.append(el);
    await waitFor(() => el.querySelector(`table.${LOGS_TABLE_CLASS}`), 'the first table');

    const input = el.querySelector<HTMLInputElement>('gg-logs-cell input[type=file]')!;
    const picked = new DataTransfer();
    picked.items.add(new File([CSV], 'runs (1).csv', { type: 'text/csv' }));
    picked.items.add(new File([OTHER], 'résumé #2.csv', { type: 'text/csv' }));
    input.files = picked.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));

    const cell = await waitFor(() => {
      const c = session.cell('runs');
      return c?.kind === 'logs' && c.config && (c.config.files as string[]).includes('runs (1).csv') ? c : null;
    }, 'the cell to name the opened files');
    expect(cell.config!.files).toEqual(['runs (1).csv', 'r_sum_ _2.csv']);
    expect(cell.issues).toEqual([]);
    // The form is still there (another file can be opened) and the runs of both files are read.
    await waitFor(() => el.querySelector('gg-logs-cell .logs-form input[type=file]'), 'the logs form');
    const table = await waitFor(() => {
      const t = el.querySelector(`table.${LOGS_TABLE_CLASS}`);
      return t && t.querySelectorAll('tbody tr').length === 3 ? t : null;
    }, 'a table of three runs');
    expect([...table.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td')?.textContent?.trim())).toEqual(
      expect.arrayContaining(['slow', 'fast', 'mid']),
    );
    expect(el.querySelector('gg-logs-cell .field-error')).toBeNull();
    el.remove();
  });
});
