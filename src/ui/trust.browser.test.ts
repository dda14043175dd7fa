// "Nothing silently wrong": the page shows what runs. Form and JSON views of one spec, baked
// results only for the exact spec, edits that stay with their notebook, and Cancel in place.
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_RUN_CLASS, PHASE_CELL_CLASS } from '../plots/phase-diagram.ts';
import type { BakedNotebook } from '../results/baked.ts';
import './gg-app.ts';
import type { GgApp } from './gg-app.ts';
import type { GgSweepCell } from './gg-sweep-cell.ts';
import { editsToHash } from './local-edits.ts';
import { loadOpenedFile, storeOpenedFile } from './opened-files.ts';
import { memoryCache } from './result-cache.ts';
import { NotebookSession, type SessionOptions } from './session.ts';
import { engineRunner, type SweepRunner } from './sweep-runner.ts';
import { mountNotebook } from './test-fixtures.ts';

const notebook = (sweepJson: string, title = 'Trust under test', extra = '') => `<!doctype html>
<notebook theme="air" version="1">
  <title>${title}</title>
  <script id="a" type="application/vnd.gradgap.sweep+json" pinned="">
    ${sweepJson}
  </script>
  <script id="plot-a" type="application/vnd.gradgap.plot+json">
    {"view": "phase", "sweep": "a"}
  </script>${extra}
</notebook>
`;

const SMALL = '{"base": {"L": 4, "iterations": 20, "recordEvery": 5}, "grid": {"stepSize": [1, 10, 100]}, "seeds": 4, "publishSeeds": 8}';

async function mount(text: string, options: Partial<SessionOptions> = {}) {
  const specs: Record<string, unknown>[] = [];
  const runner: SweepRunner = (spec, o) => {
    specs.push(spec as Record<string, unknown>);
    return engineRunner(spec, { ...o, backend: 'cpu' });
  };
  const session = await NotebookSession.open({ name: 'trust', fileText: text, runner, cache: memoryCache(), persist: false, autoRunDelayMs: 0, ...options });
  const { el, settled } = await mountNotebook(session);
  const cell = el.querySelector<GgSweepCell>('gg-sweep-cell[cell-id="a"]')!;
  return { el, session, specs, settled, cell };
}

async function typeInto(el: HTMLInputElement | HTMLTextAreaElement, text: string, host: GgSweepCell) {
  el.value = text;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await host.updateComplete;
}

async function showView(cell: GgSweepCell, name: 'Form' | 'JSON') {
  [...cell.querySelectorAll<HTMLButtonElement>('.tabs button')].find((b) => b.textContent === name)!.click();
  await cell.updateComplete;
}

const field = (cell: GgSweepCell, path: string) => cell.querySelector<HTMLInputElement>(`input[name="${path}"]`)!;
const source = (cell: GgSweepCell) => cell.querySelector<HTMLTextAreaElement>('textarea.source')!;

/** A baked file for the small sweep: its published spec (publishSeeds) run on the CPU twin. */
async function bakedFor(sweepJson: string): Promise<BakedNotebook> {
  const { publishSeeds, ...spec } = JSON.parse(sweepJson) as Record<string, unknown>;
  const summary = await engineRunner({ ...spec, seeds: publishSeeds } as never, {
    backend: 'cpu',
    signal: new AbortController().signal,
    onProgress: () => {},
    onBackend: () => {},
  });
  return { notebook: 'trust.html', provenance: { packages: {}, wgslHash: 'test', runtime: 'test', command: 'test' }, sweeps: { a: summary } };
}

afterEach(() => document.querySelectorAll('gg-notebook, gg-app').forEach((n) => n.remove()));

describe('one spec, shown as it runs', () => {
  it('Form ↔ JSON round trip: an edit in either view shows in the other, and the run uses it', async () => {
    const { cell, session, specs, settled } = await mount(notebook(SMALL));
    expect(cell.view).toBe('form');
    await typeInto(field(cell, 'base.iterations'), '30', cell);
    await settled();
    await showView(cell, 'JSON');
    expect(source(cell).value).toMatch(/"iterations": 30/);

    await typeInto(source(cell), source(cell).value.replace('"iterations": 30', '"iterations": 40'), cell);
    await settled();
    await showView(cell, 'Form');
    expect(field(cell, 'base.iterations').value).toBe('40'); // not the 30 typed earlier
    expect((specs.at(-1)!.base as Record<string, unknown>).iterations).toBe(40);
    expect(session.cell('a')!.cell.value).toMatch(/"iterations": 40/);

    // Half-typed text that still means the spec's value stays as typed ("5." is 5) …
    await typeInto(field(cell, 'base.iterations'), '5.', cell);
    expect(field(cell, 'base.iterations').value).toBe('5.');
    // … and the grid's own text survives the round trip through the other view when unchanged.
    await typeInto(field(cell, 'grid.stepSize'), 'logspace(1, 100, 3)', cell);
    await settled();
    await showView(cell, 'JSON');
    expect(source(cell).value).toMatch(/"stepSize": \[1, 10, 100\]/);
    await typeInto(source(cell), source(cell).value.replace('"stepSize": [1, 10, 100]', '"stepSize": [2, 20]'), cell);
    await settled();
    await showView(cell, 'Form');
    expect(field(cell, 'grid.stepSize').value).toBe('2, 20');
    expect((specs.at(-1)!.grid as Record<string, unknown>).stepSize).toEqual([2, 20]);
  });

  it('the form has the optimizer loop: AdamW brings its β and ε, and a clip in the form is the run’s maxGradNorm', async () => {
    const { cell, specs, settled } = await mount(notebook(SMALL));
    expect(field(cell, 'base.beta1')).toBeNull(); // plain SGD: no Adam fields
    const optimizer = cell.querySelector<HTMLSelectElement>('select[name="base.optimizer"]')!;
    optimizer.value = 'adamw';
    optimizer.dispatchEvent(new Event('change', { bubbles: true }));
    await settled();
    expect(field(cell, 'base.beta1')).not.toBeNull();
    expect(field(cell, 'base.momentum')).toBeNull();
    await typeInto(field(cell, 'base.maxGradNorm'), '1', cell);
    await settled();
    expect(specs.at(-1)!.base).toMatchObject({ optimizer: 'adamw', maxGradNorm: 1 });
  });

  it('baked results count only for their exact spec: a seeds edit marks them stale with the reason', async () => {
    const baked = await bakedFor(SMALL);
    const { el, cell, session, settled } = await mount(notebook(SMALL), { baked, autoRunRunSteps: 0 });
    const state = () => session.sweeps.get('a')!;
    const plotText = () => el.querySelector('[data-cell-id="plot-a"]')!.textContent!.replace(/\s+/g, ' ');
    // As in the file: the published run (8 seeds) is what the file says to show, and the page says so.
    expect(state()).toMatchObject({ origin: 'baked', stale: false });
    expect(cell.querySelector('.sweep-status')!.textContent).toMatch(/published run: 8 seeds per cell.*this cell's spec has 4 seeds per cell, which Run uses/s);

    await typeInto(field(cell, 'seeds'), '6', cell);
    await settled();
    expect(state()).toMatchObject({ origin: 'baked', stale: true, staleReason: 'baked for 8 seeds; this spec has 6 — Run to update' });
    expect(cell.querySelector('.sweep-status .stale-reason')!.textContent).toBe('baked for 8 seeds; this spec has 6 — Run to update');
    expect(plotText()).toMatch(/stale: #a changed/);
    expect(plotText()).toMatch(/#a: baked for 8 seeds; this spec has 6 — Run to update/);
    expect(cell.querySelector('.sweep-size')!.textContent).toMatch(/3 cells × 6 seeds/);

    await typeInto(field(cell, 'base.iterations'), '30', cell);
    await settled();
    expect(state().staleReason).toBe('baked for another spec: seeds 8 (this spec: 6); iterations 20 (this spec: 30) — Run to update');

    await typeInto(field(cell, 'base.iterations'), '20', cell);
    await typeInto(field(cell, 'seeds'), '8', cell); // now exactly the baked spec
    await settled();
    expect(state()).toMatchObject({ origin: 'baked', stale: false });
    expect(plotText()).not.toMatch(/stale/);

    await typeInto(field(cell, 'seeds'), '6', cell);
    await settled();
    cell.querySelector<HTMLButtonElement>('button.run')!.click();
    await settled();
    expect(state()).toMatchObject({ origin: 'run', stale: false, status: 'done' });
    expect(state().summary!.spec.seeds).toBe(6);
  });

  it('a link that edits seeds opens with the baked results marked stale, not shown as current', async () => {
    const baked = await bakedFor(SMALL);
    const hash = editsToHash({ a: SMALL.replace('"seeds": 4', '"seeds": 2') }, 'trust');
    const { session } = await mount(notebook(SMALL), { baked, autoRunRunSteps: 0, hash });
    expect(session.editsFrom).toBe('url');
    expect(session.sweeps.get('a')).toMatchObject({ origin: 'baked', stale: true, staleReason: 'baked for 8 seeds; this spec has 2 — Run to update' });
  });

  it('after Cancel the plot keeps the full grid with unfinished cells "not run"; one message; the counts agree', async () => {
    const BIG = '{"grid": {"stepSize": [1, 2, 3, 5, 10, 20, 30, 50]}, "seeds": 256}';
    const table = '\n  <script id="table-a" type="application/vnd.gradgap.table+json">\n    {"sweep": "a"}\n  </script>';
    const { el, cell, session, settled } = await mount(notebook(BIG, 'Cancel', table));
    cell.querySelector<HTMLButtonElement>('button.run')!.click();
    for (let i = 0; i < 1000 && (session.sweeps.get('a')!.progress?.runsDone ?? 0) < 600; i++) await new Promise((r) => setTimeout(r, 5));
    await cell.updateComplete;
    cell.querySelector<HTMLButtonElement>('button.cancel')!.click();
    await settled();
    const s = session.sweeps.get('a')!;
    expect(s.status).toBe('cancelled');
    const done = s.summary!.cellStats.length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(8);
    const plot = el.querySelector('[data-cell-id="plot-a"]')!;
    expect(plot.querySelectorAll(`g.${PHASE_CELL_CLASS} rect`).length).toBe(done);
    expect(plot.querySelectorAll(`g.${NOT_RUN_CLASS} rect`).length).toBe(8 - done);
    expect(plot.textContent).toMatch(/not run/);
    expect(plot.querySelector('.not-run')!.textContent).toMatch(
      new RegExp(`cancelled after ${s.summary!.runsDone.toLocaleString('en-US')} of 2,048 runs; ${8 - done} of 8 grid cells not run`),
    );
    const rows = [...el.querySelectorAll('[data-cell-id="table-a"] tbody tr')];
    expect(rows).toHaveLength(8); // the table keeps every grid cell too
    expect(rows.filter((r) => r.textContent!.includes('not run'))).toHaveLength(8 - done);
    // The progress line and the status line tell the same count, and the message appears once.
    const runs = s.summary!.runsDone.toLocaleString('en-US');
    expect(cell.querySelector('.progress-text')!.textContent).toMatch(new RegExp(`^${runs} / 2,048 runs`));
    const status = cell.querySelector('.sweep-status')!.textContent!;
    expect(status).toMatch(new RegExp(`cancelled after ${runs} of 2,048 runs: ${done} of 8 grid cells complete, ${8 - done} shown as "not run"`));
    expect(status.match(/cancelled/g)).toHaveLength(1);
  });
});

describe('edits stay with their notebook', () => {
  const original = location.href;
  afterEach(() => history.replaceState(null, '', original));

  it('a link carrying another notebook’s edits is not applied here, and says so', async () => {
    const hash = editsToHash({ a: SMALL.replace('"seeds": 4', '"seeds": 2') }, 'file:0123456789abcdef');
    const session = await NotebookSession.open({
      name: 'threshold-like',
      fileText: notebook(SMALL),
      runner: (s, o) => engineRunner(s, { ...o, backend: 'cpu' }),
      cache: memoryCache(),
      persist: false,
      hash,
      autoRunRunSteps: 0,
    });
    expect(session.edits).toEqual({});
    expect(session.editsIgnored).toBe('file:0123456789abcdef');
  });

  it('an opened file is stored by id and comes back after a reload, with its own edits; an unknown id says it cannot', async () => {
    const text = notebook(SMALL, 'An opened file');
    const { id, stored } = await storeOpenedFile('mine.html', text, `gradgap-files-test-${Math.random()}`);
    expect(stored).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{16}$/);

    // Through the page: "Open file…" then a reload (a fresh <gg-app> on the URL it left).
    const app = document.createElement('gg-app') as GgApp;
    document.body.append(app);
    await app.updateComplete;
    const input = app.querySelector<HTMLInputElement>('.open-file input[type=file]')!;
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'mine.html', { type: 'text/html' }));
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    for (let i = 0; i < 400 && !app.session?.notebook.title.includes('An opened file'); i++) await new Promise((r) => setTimeout(r, 10));
    const fileId = new URLSearchParams(location.search).get('file');
    expect(fileId).toMatch(/^[0-9a-f]{16}$/);
    expect(app.session!.name).toBe(`file:${fileId}`);
    expect(app.session!.fileName).toBe('mine.html');
    expect((await loadOpenedFile(fileId!))?.text).toBe(text);
    await app.session!.whenIdle();
    await app.session!.edit('a', SMALL.replace('"seeds": 4', '"seeds": 3'));
    await app.session!.whenIdle();
    expect(location.hash).toMatch(new RegExp(`^#nb=file%3A${fileId}&cell\\.a=`));
    expect(localStorage.getItem(`gradgap:edits:file:${fileId}`)).toMatch(/"seeds\\": 3/);
    app.remove();

    const reloaded = document.createElement('gg-app') as GgApp;
    document.body.append(reloaded);
    for (let i = 0; i < 400 && !reloaded.session; i++) await new Promise((r) => setTimeout(r, 10));
    expect(reloaded.session!.notebook.title).toBe('An opened file');
    expect(reloaded.session!.editsFrom).toBe('url');
    expect(reloaded.session!.cell('a')!.cell.value).toMatch(/"seeds": 3/);
    await reloaded.session!.revert();
    await reloaded.session!.whenIdle();
    reloaded.remove();

    // The built-in notebook never picks up the file's edits from the link.
    history.replaceState(null, '', `${location.pathname}${editsToHash({ a: '{}' }, `file:${fileId}`)}`);
    const builtIn = document.createElement('gg-app') as GgApp;
    document.body.append(builtIn);
    for (let i = 0; i < 400 && !builtIn.session; i++) await new Promise((r) => setTimeout(r, 10));
    expect(builtIn.session!.name).not.toMatch(/^file:/);
    expect(Object.keys(builtIn.session!.edits)).toEqual([]);
    builtIn.session!.sweepIds().forEach((sweepId) => builtIn.session!.cancel(sweepId));
    builtIn.remove();

    history.replaceState(null, '', `${location.pathname}?file=ffffffffffffffff`);
    const missing = document.createElement('gg-app') as GgApp;
    document.body.append(missing);
    for (let i = 0; i < 400 && !missing.error; i++) await new Promise((r) => setTimeout(r, 10));
    await missing.updateComplete;
    expect(missing.session).toBeUndefined();
    expect(missing.querySelector('[role=alert]')!.textContent).toMatch(/opened with “Open file…”.*does not have that file stored.*Open the file again/);
    missing.remove();
  });
});
