/** A logs cell on the page: it reads a file the reader opened (kept in IndexedDB), renders the summary table, and names a bad file. */
import { describe, expect, it } from 'vitest';
import './gg-notebook.ts'; // registers the cell elements
import type { GgNotebook } from './gg-notebook.ts';
import { LOGS_TABLE_CLASS } from './gg-logs-cell.ts';
import { storeLogFiles } from './logs-files.ts';
import { memoryCache } from './result-cache.ts';
import { NotebookSession } from './session.ts';

const CSV = 'label,learning_rate,step,acc\nslow,1e-5,0,0.2\nslow,1e-5,5,0.5\nfast,1e-4,0,0.2\nfast,1e-4,5,0\n';
const notebook = (file: string) => `<!doctype html>
<notebook theme="air" version="1">
  <title>Logs under test</title>
  <script id="runs" type="application/vnd.gradgap.logs+json">
    {"files": ["${file}"], "mapping": {"run": "label", "learningRate": "learning_rate", "step": "step"}, "metric": "acc"}
  </script>
</notebook>
`;

async function mount(text: string) {
  const session = await NotebookSession.open({ name: `logs-test-${Math.random()}`, fileText: text, cache: memoryCache(), persist: false });
  const el = document.createElement('gg-notebook') as GgNotebook;
  el.session = session;
  document.body.append(el);
  return el;
}

async function waitFor<T>(find: () => T | null | undefined, ms = 10_000): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (performance.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('logs cell', () => {
  it('renders one row per run from an opened file, with outcome and the critical learning rate', async () => {
    await storeLogFiles([{ name: 'browser-test-runs.csv', text: CSV }]);
    const el = await mount(notebook('browser-test-runs.csv'));
    const table = await waitFor(() => el.querySelector(`table.${LOGS_TABLE_CLASS}`));
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
    const error = await waitFor(() => el.querySelector('gg-logs-cell .field-error'));
    expect(error.textContent).toMatch(/browser-test-bad\.log.*not a recognised log/);
    el.remove();
  });

  it('opening a trainer_state rebuilds the reader, the mapping and the metric from it; the cell has a JSON view', async () => {
    const el = await mount(notebook('browser-test-runs.csv').replace('"files"', '"format": "csv", "files"'));
    await waitFor(() => el.querySelector(`table.${LOGS_TABLE_CLASS}`));
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
    });
    expect(table.textContent).toMatch(/1e-6/);
    const reader = el.querySelector('gg-logs-cell .logs-files select') as HTMLSelectElement;
    expect(reader.value).toBe(''); // detect, not the previous file's csv
    const metric = el.querySelector('gg-logs-cell .logs-rules select') as HTMLSelectElement;
    expect(metric.value).toBe('reward');
    expect([...metric.options].map((o) => o.value)).not.toContain('acc');
    el.remove();
  });
});
