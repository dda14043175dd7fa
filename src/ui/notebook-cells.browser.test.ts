import { afterEach, describe, expect, it } from 'vitest';
import { validateSpec } from '../spec/validate.ts';
import { PHASE_CELL_CLASS } from '../plots/phase-diagram.ts';
import './gg-notebook.ts'; // registers the cell elements
import type { GgNotebook } from './gg-notebook.ts';
import type { GgSweepCell } from './gg-sweep-cell.ts';
import { memoryCache } from './result-cache.ts';
import { NotebookSession } from './session.ts';
import { engineRunner, type SweepRunner } from './sweep-runner.ts';

const sweep = (id: string, grid: string) => `  <script id="${id}" type="application/vnd.gradgap.sweep+json" pinned="">
    {"base": {"L": 4, "iterations": 20, "recordEvery": 5}, "grid": ${grid}, "seeds": 4}
  </script>`;
const plot = (id: string, of: string) => `  <script id="${id}" type="application/vnd.gradgap.plot+json">
    {"view": "phase", "sweep": "${of}"}
  </script>`;

const NOTEBOOK = `<!doctype html>
<notebook theme="air" version="1">
  <title>Cells under test</title>
  <script id="intro" type="text/markdown">
    # Two sweeps
  </script>
${sweep('a', '{"stepSize": [1, 10, 100]}')}
${plot('plot-a', 'a')}
${sweep('b', '{"stepSize": [1, 10], "G": [4, 8]}')}
${plot('plot-b', 'b')}
</notebook>
`;

/** Opens the notebook on the CPU twin, counting every dispatch to the engine. */
async function mount(text = NOTEBOOK) {
  const calls: string[] = [];
  const runner: SweepRunner = (spec, options) => {
    calls.push(JSON.stringify(spec));
    return engineRunner(spec, { ...options, backend: 'cpu' });
  };
  const session = await NotebookSession.open({ name: 'test', fileText: text, runner, cache: memoryCache(), persist: false, autoRunDelayMs: 0 });
  const el = document.createElement('gg-notebook') as GgNotebook;
  el.session = session;
  document.body.append(el);
  const events: string[] = [];
  for (const type of ['cell-edit', 'sweep-run']) el.addEventListener(type, () => events.push(type));
  const settled = async () => {
    await session.whenIdle();
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 0));
  };
  await settled();
  return { el, session, calls, events, settled };
}

const phaseCells = (el: Element, plotId: string) => el.querySelectorAll(`[data-cell-id="${plotId}"] g.${PHASE_CELL_CLASS} rect`).length;

/** Types into a form field as a user would: set the text, fire `input`. */
async function type(cell: GgSweepCell, path: string, text: string) {
  const input = cell.querySelector<HTMLInputElement>(`input[name="${path}"]`);
  if (!input) throw new Error(`no input ${path}`);
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await cell.updateComplete;
}

const messageBeside = (cell: Element, path: string) => [...cell.querySelectorAll(`[data-field="${path}"] .field-error`)].map((e) => e.textContent);

afterEach(() => document.querySelectorAll('gg-notebook').forEach((n) => n.remove()));

describe('sweep cells in a notebook', () => {
  it('runs small sweeps on open and draws one phase cell per grid cell', async () => {
    const { el, calls } = await mount();
    expect(calls).toHaveLength(2);
    expect(phaseCells(el, 'plot-a')).toBe(3);
    expect(phaseCells(el, 'plot-b')).toBe(4);
  });

  it('bad input in the form shows the engine message beside the field and dispatches nothing; other cells keep their results', async () => {
    const { el, calls, events, settled } = await mount();
    const a = el.querySelector<GgSweepCell>('gg-sweep-cell[cell-id="a"]')!;
    expect(a.open).toBe(true); // pinned: the form is open
    const before = { calls: calls.length, events: events.length, cellsA: 3 };
    const expectNothingDispatched = async () => {
      await settled();
      expect(calls.length).toBe(before.calls);
      expect(events.length).toBe(before.events);
      expect(phaseCells(el, 'plot-a')).toBe(before.cellsA); // this sweep's last results stay
      expect(phaseCells(el, 'plot-b')).toBe(4); // the other sweep is untouched
    };

    // η = -1
    await type(a, 'grid.stepSize', '-1, 10, 100');
    const eta = validateSpec({ base: { L: 4, iterations: 20, recordEvery: 5 }, grid: { stepSize: [-1, 10, 100] }, seeds: 4 });
    expect(eta).toEqual([{ field: 'grid.stepSize[0]', message: 'stepSize = -1: must be a number in (0, 1000000]' }]);
    expect(messageBeside(a, 'grid.stepSize')).toEqual([eta[0].message]);
    await expectNothingDispatched();

    // L = 0 (with η valid again, that keystroke is an ordinary edit and may dispatch)
    await type(a, 'grid.stepSize', '1, 10, 100');
    await settled();
    before.calls = calls.length;
    before.events = events.length;
    await type(a, 'base.L', '0');
    expect(messageBeside(a, 'base.L')).toEqual(['L = 0: must be an integer in [1, 256]']);
    expect(a.querySelector('[data-field="base.L"] input')?.getAttribute('aria-invalid')).toBe('true');
    await expectNothingDispatched();
    await type(a, 'base.L', '4');
    await settled();

    // A 10^9-run grid: 1000 step sizes × 16 lengths × 65 536 seeds.
    await type(a, 'grid.stepSize', 'logspace(0.01, 100, 1000)');
    await type(a, 'seeds', '65536'); // 65.5M runs: refused already
    await settled();
    before.calls = calls.length;
    before.events = events.length;
    before.cellsA = phaseCells(el, 'plot-a'); // the 1000-η sweep was small enough to run by itself
    const add = a.querySelector<HTMLSelectElement>('.add-axis select')!;
    add.value = 'L';
    add.dispatchEvent(new Event('change', { bubbles: true }));
    await a.updateComplete;
    await type(a, 'grid.L', Array.from({ length: 16 }, (_, i) => i + 1).join(', '));
    expect(messageBeside(a, 'seeds')).toEqual(['16000 cells × 65536 seeds = 1048576000 runs; at most 4194304 runs per sweep (shard bigger sweeps)']);
    expect(a.querySelector<HTMLButtonElement>('button.run')!.disabled).toBe(true);
    await expectNothingDispatched();
  });

  it('a valid edit marks dependent plots stale, re-runs a small sweep, and updates the plot', async () => {
    const { el, session, calls, settled } = await mount();
    const a = el.querySelector<GgSweepCell>('gg-sweep-cell[cell-id="a"]')!;
    await type(a, 'grid.stepSize', '1, 3, 10, 30');
    await el.updateComplete;
    expect(session.edits.a).toContain('"stepSize": [1, 3, 10, 30]');
    await settled();
    expect(calls).toHaveLength(3);
    expect(session.sweeps.get('a')!.stale).toBe(false);
    expect(phaseCells(el, 'plot-a')).toBe(4);
    await session.revert();
    await settled();
    expect(phaseCells(el, 'plot-a')).toBe(3); // back to the file (found in the cache: no new run)
    expect(calls).toHaveLength(3);
  });

  it('edits autosave and survive a reload (a new session), live in the URL, and "revert to file" restores the file', async () => {
    const name = `autosave-${Math.random()}`;
    const open = () =>
      NotebookSession.open({ name, fileText: NOTEBOOK, runner: (s, o) => engineRunner(s, { ...o, backend: 'cpu' }), cache: memoryCache(), hash: '' });
    const first = await open();
    const edited = '{"base": {"L": 4, "iterations": 20, "recordEvery": 5}, "grid": {"stepSize": [2, 20]}, "seeds": 4}';
    await first.edit('a', edited);
    await first.whenIdle();
    expect(location.hash).toContain('cell.a=');
    const reloaded = await open();
    expect(reloaded.editsFrom).toBe('autosave');
    expect(reloaded.cell('a')!.cell.value).toBe(edited);
    expect(reloaded.currentFileText()).toContain('"stepSize": [2, 20]');
    await reloaded.revert();
    expect(location.hash).toBe('');
    expect((await open()).cell('a')!.cell.value).toBe(reloaded.fileSource('a'));
    await reloaded.whenIdle();
  });

  it('a corrupt file shows its problems with line numbers and still shows the cells it could read', async () => {
    const broken = NOTEBOOK.replace('<notebook theme="air" version="1">', '<notebook theme="air" version="3">').replace(
      '  <script id="plot-a" type="application/vnd.gradgap.plot+json">\n    {"view": "phase", "sweep": "a"}\n  </script>',
      '  <script id="plot-a" type="application/vnd.gradgap.plot+json">\n    {"view": "phase", "sweep": "a"',
    );
    const { el } = await mount(broken);
    const banner = el.querySelector('.file-issues')!;
    expect(banner.textContent).toMatch(/line 2.*format version 3, newer than this gradgap reads \(1\)/s);
    expect(banner.textContent).toMatch(/line 10.*cell "plot-a" is never closed with <\/script>/s);
    expect(el.querySelector('h1')?.textContent).toBe('Two sweeps');
    expect(el.querySelector('[data-cell-id="plot-a"] .field-error')?.textContent).toMatch(
      /line \d+: invalid JSON: expected ',' or '}' after a value, found the end of the cell/,
    );
    expect(phaseCells(el, 'plot-b')).toBe(4);
  });
});
