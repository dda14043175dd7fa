/** A logs cell on the page: it reads a file the reader opened (kept in IndexedDB), renders the summary table, and names a bad file. */
import { describe, expect, it } from 'vitest';
import { LOGS_TABLE_CLASS } from './gg-logs-cell.ts';
import { storeLogFiles } from './logs-files.ts';
import { logsNotebook, mountSession, waitFor } from './test-fixtures.ts';

const CSV = 'label,learning_rate,step,acc\nslow,1e-5,0,0.2\nslow,1e-5,5,0.5\nfast,1e-4,0,0.2\nfast,1e-4,5,0\n';
const notebook = (file: string) => logsNotebook('Logs under test', file);
const mount = async (text: string) => (await mountSession(`logs-test-${Math.random()}`, text)).el;

describe('logs cell', () => {
  it('renders one row per run from an opened file, with outcome and the critical learning rate', async () => {
    await storeLogFiles([{ name: 'browser-test-runs.csv', text: CSV }]);
    const el = await mount(notebook('browser-test-runs.csv'));
    const table = await waitFor(() => el.querySelector(`table.${LOGS_TABLE_CLASS}`), 'the table');
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(rows.map((r) => [r[0], r[1], r[5]])).toEqual([
      ['slow', '1e-5', 'converged'],
      ['fast', '1e-4', 'collapsed'],
    ]);
    expect(el.querySelector('.logs-critical')?.textContent).toMatch(/1e-4 \(between 1e-5 and 1e-4\)/);
    el.remove();
  });

  it('names a file that is none of the formats in the cell', async () => {
    await storeLogFiles([{ name: 'browser-test-bad.log', text: 'hello there\nnothing to see\n' }]);
    const el = await mount(notebook('browser-test-bad.log'));
    const error = await waitFor(() => el.querySelector('gg-logs-cell .field-error'), 'the error');
    expect(error.textContent).toMatch(/browser-test-bad\.log.*not a recognised log/);
    el.remove();
  });

  it('opening a trainer_state rebuilds the reader, the mapping and the metric from it; the cell has a JSON view', async () => {
    const el = await mount(notebook('browser-test-runs.csv').replace('"files"', '"format": "csv", "files"'));
    await waitFor(() => el.querySelector(`table.${LOGS_TABLE_CLASS}`), 'the table');
    expect(el.querySelector('gg-config-editor[kind="logs"]')).not.toBeNull(); // the JSON view under the cell
    const state = JSON.stringify({
      log_history: [
        { step: 1, learning_rate: 1e-6, reward: 0.2 },
        { step: 2, learning_rate: 1e-6, reward: 0.4 },
      ],
    });
    const input = el.querySelector('gg-logs-cell input[type="file"]') as HTMLInputElement;
    const dt = new DataTransfer();
    dt.items.add(new File([state], 'trainer_state.json'));
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    const table = await waitFor(() => {
      const t = el.querySelector(`table.${LOGS_TABLE_CLASS}`);
      return t?.textContent?.includes('trainer_state') ? t : null;
    }, 'the trainer_state table');
    expect(table.textContent).toMatch(/1e-6/);
    const reader = el.querySelector('gg-logs-cell .logs-files select') as HTMLSelectElement;
    expect(reader.value).toBe(''); // detect, not the previous file's csv
    const metric = el.querySelector('gg-logs-cell .logs-rules select') as HTMLSelectElement;
    expect(metric.value).toBe('reward');
    expect([...metric.options].map((o) => o.value)).not.toContain('acc');
    el.remove();
  });
});
