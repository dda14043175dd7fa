/**
 * Files opened into a logs cell keep a name the cell's own check accepts: a browser calls a
 * second download "runs (1).csv", and a file may hold any character. Before, the page wrote such
 * a name into the cell, its check refused it, and the logs form (with its "Open logs…" button)
 * was gone: nothing left to open another file with.
 */
import { describe, expect, it } from 'vitest';
import { LOGS_TABLE_CLASS } from './gg-logs-cell.ts';
import { storeLogFiles } from './logs-files.ts';
import { logsNotebook, mountSession, waitFor } from './test-fixtures.ts';

const CSV = 'label,learning_rate,step,acc\nslow,1e-5,0,0.2\nslow,1e-5,5,0.5\nfast,1e-4,0,0.2\nfast,1e-4,5,0\n';
const OTHER = 'label,learning_rate,step,acc\nmid,3e-5,0,0.2\nmid,3e-5,5,0.4\n';
const notebook = logsNotebook('Logs file names', 'file-names-first.csv');

describe('logs cell: names of opened files', () => {
  it('opens "runs (1).csv" and "résumé #2.csv": the cell keeps names its check accepts, the form stays and the runs are read', async () => {
    await storeLogFiles([{ name: 'file-names-first.csv', text: CSV }]);
    const { el, session } = await mountSession(`logs-names-${Math.random()}`, notebook);
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
