/**
 * Writing a notebook from nothing through the page, as a reader does, with the buttons by their
 * names: New notebook → a Markdown cell → a Sweep cell (3 step sizes × 8 seeds) → a Plot cell
 * (phase) → the plot → a reference to the sweep's critical step size, stale after an edit and
 * fresh after the re-run → a reload keeps everything → Download gives a file that parses and
 * round-trips. The file is fixtures/authored-notebook.html, and the page's per-cell results are
 * fixtures/authored-notebook.cells.csv; authored-notebook.test.ts runs `gradgap run` on the same
 * file and compares. Also: move, duplicate, delete + undo, unique ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNotebook, serializeNotebook } from '../notebook/index.ts';
import { formatNumber } from '../plots/index.ts';
import { PHASE_CELL_CLASS } from '../plots/phase-diagram.ts';
import { sweepCsv } from '../results/index.ts';
import './gg-app.ts';
import type { GgApp } from './gg-app.ts';
import { button, cellSection, mountApp, settle, until } from './test-fixtures.ts';
import { thresholdsOf } from './theory-memo.ts';
import authoredText from './fixtures/authored-notebook.html?raw';
import authoredCells from './fixtures/authored-notebook.cells.csv?raw';

/** The app on a fresh "New notebook", with the default notebook's sweeps cancelled. */
async function newNotebook(): Promise<GgApp> {
  const app = await mountApp('');
  button(app, 'New notebook').click();
  await until('the new notebook', () => app.session?.name.startsWith('user:') ?? false);
  await settle(app);
  return app;
}

/** Adds a cell of `kind` below `after` with the cell's buttons; resolves to the new cell's id. */
async function addBelow(app: GgApp, after: string, kind: string): Promise<string> {
  const before = new Set(app.session!.notebook.cells.map((c) => c.id));
  button(cellSection(app, after), 'Add cell below').click();
  await settle(app);
  button(cellSection(app, after), kind).click();
  await until(`a new ${kind} cell`, () => app.session!.notebook.cells.some((c) => !before.has(c.id)));
  await settle(app);
  return app.session!.notebook.cells.find((c) => !before.has(c.id))!.id;
}

function typeInto(el: HTMLInputElement | HTMLTextAreaElement, text: string) {
  el.value = text;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

let downloads: { name: string; text: Promise<string> }[] = [];
const realCreate = URL.createObjectURL;

beforeAll(() => {
  localStorage.setItem('gradgap:backend', 'cpu');
  history.replaceState(null, '', location.pathname);
  // Download notebook: an <a download> with a blob URL; catch the blob as it is made.
  URL.createObjectURL = (blob: Blob | MediaSource) => {
    downloads.push({ name: '', text: (blob as Blob).text() });
    return realCreate.call(URL, blob);
  };
});
afterAll(() => {
  URL.createObjectURL = realCreate;
  localStorage.removeItem('gradgap:backend');
  document.querySelectorAll('gg-app').forEach((n) => n.remove());
  history.replaceState(null, '', location.pathname);
});

describe('writing a notebook in the app', () => {
  it('from New notebook to a downloaded file, with a reference that follows the results', async () => {
    const app = await mountApp(''); // the default notebook, its sweeps cancelled: nothing to run here
    button(app, 'New notebook').click();
    await until('the new notebook', () => app.session?.name.startsWith('user:') ?? false);
    await settle(app);
    const userId = new URLSearchParams(location.search).get('user');
    expect(app.session!.name).toBe(`user:${userId}`);
    expect(app.session!.notebook.cells.map((c) => c.id)).toEqual(['intro']);
    expect(app.querySelector<HTMLInputElement>('input.title-input')!.value).toBe('Untitled notebook');

    // Rename by editing the title.
    const title = app.querySelector<HTMLInputElement>('input.title-input')!;
    title.value = 'Step sizes, written in the app';
    title.dispatchEvent(new Event('change', { bubbles: true }));
    await until('the title', () => app.session!.notebook.title === 'Step sizes, written in the app');

    const md = await addBelow(app, 'intro', 'Markdown');
    expect(md).toBe('markdown-1');
    const sweep = await addBelow(app, md, 'Sweep');
    expect(sweep).toBe('sweep-1');
    await until('the sweep to run', () => app.session!.sweeps.get(sweep)?.status === 'done');
    const plot = await addBelow(app, sweep, 'Plot');
    expect(plot).toBe('plot-1');
    expect(JSON.parse(app.session!.cell(plot)!.cell.value)).toEqual({ view: 'phase', sweep: 'sweep-1' }); // refers to the sweep above
    await settle(app);
    const config = JSON.parse(app.session!.cell(sweep)!.cell.value);
    expect(config.grid.stepSize).toHaveLength(3);
    expect(config.seeds).toBe(8);
    await until('the phase plot', () => cellSection(app, plot).querySelectorAll(`g.${PHASE_CELL_CLASS} rect`).length === 3);

    // The reference: the sweep's critical step size, as the plot's thresholds have it.
    button(cellSection(app, md), 'Edit text').click(); // it closed when the next cell was added
    await settle(app);
    const textarea = cellSection(app, md).querySelector<HTMLTextAreaElement>('textarea')!;
    typeInto(
      textarea,
      'The critical step size here is η* = {{sweep-1.critical.value}}; with its interval, {{sweep-1.critical}}. A typo: {{sweep-2.critical}}.',
    );
    await settle(app);
    const ref = () => cellSection(app, md).querySelector<HTMLElement>('.preview [data-ref="sweep-1.critical.value"]')!;
    const crossing = () => thresholdsOf(app.session!.sweeps.get(sweep)!.summary!).rows[0].meanCrossing;
    expect(ref().dataset.state).toBe('fresh');
    const shown = ref().textContent;
    expect(shown).toMatch(/^[<>]? ?\d/);
    if (crossing().stepSize !== null) expect(shown).toBe(formatNumber(crossing().stepSize)); // as the plot's label writes it
    const bad = cellSection(app, md).querySelector<HTMLElement>('.preview [data-ref="sweep-2.critical"]')!;
    expect(bad.dataset.state).toBe('error');
    expect(bad.textContent).toBe('{{sweep-2.critical}}: no cell #sweep-2');
    typeInto(textarea, 'The critical step size here is η* = {{sweep-1.critical}}.');
    await settle(app);

    // An edit of the sweep makes the quoted number stale; the re-run makes it fresh again.
    const seeds = cellSection(app, sweep).querySelector<HTMLInputElement>('input[name="seeds"]')!;
    typeInto(seeds, '12');
    const quoted = () => cellSection(app, md).querySelector<HTMLElement>('[data-ref="sweep-1.critical"]');
    await until('the reference to go stale', () => quoted()?.dataset.state === 'stale');
    expect(quoted()!.textContent).toMatch(/stale$/);
    await until('the re-run', () => app.session!.sweeps.get(sweep)?.status === 'done' && !app.session!.sweeps.get(sweep)!.stale);
    await settle(app);
    expect(quoted()!.dataset.state).toBe('fresh');
    expect(app.session!.sweeps.get(sweep)!.summary!.spec.seeds).toBe(12);
    typeInto(seeds, '8'); // back to the starting sweep (its results are cached)
    await until('the sweep back at 8 seeds', () => app.session!.sweeps.get(sweep)?.summary?.spec.seeds === 8 && !app.session!.sweeps.get(sweep)!.stale);
    await settle(app);
    const pageCells = sweepCsv(app.session!.sweeps.get(sweep)!.summary!);
    const shownBefore = quoted()!.textContent;
    const cellsBefore = app.session!.notebook.cells;
    app.remove();

    // A reload: the same URL, a fresh page.
    const reloaded = await mountApp();
    await settle(reloaded);
    expect(reloaded.session!.name).toBe(`user:${userId}`);
    expect(reloaded.session!.notebook.title).toBe('Step sizes, written in the app');
    expect(reloaded.session!.notebook.cells).toEqual(cellsBefore);
    await until('the plot after the reload', () => cellSection(reloaded, plot).querySelectorAll(`g.${PHASE_CELL_CLASS} rect`).length === 3);
    await until(
      'the reference after the reload',
      () => cellSection(reloaded, md).querySelector<HTMLElement>('[data-ref="sweep-1.critical"]')?.dataset.state === 'fresh',
    );
    expect(cellSection(reloaded, md).querySelector('[data-ref="sweep-1.critical"]')!.textContent).toBe(shownBefore);
    expect(reloaded.querySelector('.own-notebooks, nav a.own')).not.toBeNull();

    // Download: the file parses without problems and round-trips byte for byte.
    downloads = [];
    button(reloaded, 'Download notebook').click();
    expect(downloads).toHaveLength(1);
    const text = await downloads[0].text;
    const parsed = parseNotebook(text);
    expect(parsed.issues).toEqual([]);
    expect(serializeNotebook(parsed.notebook)).toBe(text);
    expect(text).toBe(authoredText); // the file the node test runs `gradgap run` on
    expect(pageCells).toBe(authoredCells); // and the per-cell results it must match
    reloaded.remove();
  });

  it('moves, duplicates, deletes with Undo, and keeps ids unique', async () => {
    const app = await newNotebook();
    const ids = () => app.session!.notebook.cells.map((c) => c.id);
    const a = await addBelow(app, 'intro', 'Markdown');
    const b = await addBelow(app, a, 'TeX');
    expect(ids()).toEqual(['intro', 'markdown-1', 'tex-1']);

    button(cellSection(app, b), 'Move up').click();
    await until('the move', () => ids()[1] === 'tex-1');
    expect(ids()).toEqual(['intro', 'tex-1', 'markdown-1']);
    await settle(app);
    button(cellSection(app, 'tex-1'), 'Move down').click();
    await until('the move back', () => ids()[2] === 'tex-1');
    await settle(app);
    expect(button(cellSection(app, 'intro'), 'Move up').disabled).toBe(true);

    button(cellSection(app, 'markdown-1'), 'Duplicate').click();
    await until('the copy', () => ids().length === 4);
    expect(ids()).toEqual(['intro', 'markdown-1', 'markdown-2', 'tex-1']);
    expect(app.session!.cell('markdown-2')!.cell.value).toBe(app.session!.cell('markdown-1')!.cell.value);
    await settle(app);
    button(cellSection(app, 'markdown-2'), 'Duplicate').click();
    await until('another copy', () => ids().length === 5);
    expect(new Set(ids()).size).toBe(5);
    expect(ids()).toContain('markdown-3');
    await settle(app);

    button(cellSection(app, 'tex-1'), 'Delete cell').click();
    await until('the delete', () => !ids().includes('tex-1'));
    await settle(app);
    expect(app.querySelector('.undo-bar')!.textContent).toMatch(/Deleted #tex-1/);
    button(app.querySelector('.undo-bar')!, 'Undo').click();
    await until('the undo', () => ids().includes('tex-1'));
    expect(ids()).toEqual(['intro', 'markdown-1', 'markdown-2', 'markdown-3', 'tex-1']);
    app.remove();
  });

  it("a deleted sweep's dependant states each problem once: in its editor, beside the field, with the body saying where", async () => {
    const app = await newNotebook();
    const sweep = await addBelow(app, 'intro', 'Sweep');
    const plot = await addBelow(app, sweep, 'Plot');
    button(cellSection(app, sweep), 'Delete cell').click();
    await until('the delete', () => !app.session!.cell(sweep));
    await settle(app);
    const section = cellSection(app, plot);
    await until('the open editor', () => !!section.querySelector('gg-config-editor [class~="field-error"]'));
    const lines = [...section.querySelectorAll('.field-error')].map((e) => e.textContent!.trim());
    const naming = lines.filter((l) => l.includes(`"${sweep}"`) || l.includes(`#${sweep}`));
    expect(naming, lines.join(' | ')).toHaveLength(1);
    expect(lines.some((l) => /listed in the editor below/.test(l))).toBe(true);
    app.remove();
  });

  it('a structural edit of a built-in notebook makes a copy of your own and leaves the built-in as it is', async () => {
    const app = await mountApp('?nb=threshold');
    await settle(app);
    const first = app.session!.notebook.cells[0].id;
    const count = app.session!.notebook.cells.length;
    button(cellSection(app, first), 'Add cell below').click();
    await settle(app);
    button(cellSection(app, first), 'Markdown').click();
    await until('the copy', () => app.session?.name.startsWith('user:') ?? false);
    expect(app.session!.notebook.cells).toHaveLength(count + 1);
    expect(app.session!.undo?.label).toBe('Added #markdown-1');
    expect(app.notice).toMatch(/your own copy/);
    app.session!.sweepIds().forEach((id) => app.session!.cancel(id));
    app.remove();
  });

  it('the plot form names the field of each problem, applies only a valid config, and a broken cell is fixed in its JSON view', async () => {
    const app = await newNotebook();
    const sweep = await addBelow(app, 'intro', 'Sweep');
    const plot = await addBelow(app, sweep, 'Plot');
    await settle(app);
    const section = cellSection(app, plot);
    // A cell just added opens its editor (and takes the focus: keyboard.browser.test.ts).
    expect(button(section, 'Close editor').getAttribute('aria-expanded')).toBe('true');
    const editor = section.querySelector('gg-config-editor') as HTMLElement & { updateComplete: Promise<boolean> };
    const field = (name: string) => section.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)!;
    const beside = (name: string) => [...section.querySelectorAll(`[data-field="${name}"] .field-error`)].map((e) => e.textContent);
    const change = async (name: string, value: string) => {
      field(name).value = value;
      field(name).dispatchEvent(new Event('change', { bubbles: true }));
      await editor.updateComplete;
    };
    // Every key of the phase view has a field.
    for (const name of ['view', 'sweep', 'fill', 'x', 'y', 'where', 'critical', 'theory', 'title', 'caption']) expect(field(name), name).not.toBeNull();
    const before = app.session!.cell(plot)!.cell.value;
    await change('where', 'L8');
    expect(beside('where')[0]).toMatch(/^write key=value pairs, e.g. L=8/);
    expect(app.session!.cell(plot)!.cell.value).toBe(before); // nothing applied
    await change('where', '');
    await change('theory', 'theory-9');
    expect(beside('theory')[0]).toMatch(/no cell #theory-9; theory cells here: none/);
    expect(app.session!.cell(plot)!.cell.value).toBe(before);
    await change('theory', '');
    await change('title', 'Where it collapses');
    await settle(app);
    expect(JSON.parse(app.session!.cell(plot)!.cell.value)).toEqual({ view: 'phase', sweep: 'sweep-1', title: 'Where it collapses' });
    // Compare reads sweeps: switching the view carries the sweep across.
    await change('view', 'compare');
    await settle(app);
    expect(JSON.parse(app.session!.cell(plot)!.cell.value)).toMatchObject({ view: 'compare', sweeps: ['sweep-1'] });

    // A cell broken in the file: the editor opens on its JSON with the line, and fixing it applies.
    await app.session!.edit(plot, '{"view": "phase", "sweep": "sweep-1",}');
    await settle(app);
    const broken = cellSection(app, plot);
    const textarea = broken.querySelector<HTMLTextAreaElement>('gg-config-editor textarea')!;
    expect(textarea).not.toBeNull();
    expect(broken.querySelector('gg-config-editor .field-error')!.textContent).toMatch(/line 1: invalid JSON/);
    typeInto(textarea, '{"view": "phase", "sweep": "sweep-1"}');
    await settle(app);
    expect(app.session!.cell(plot)!.issues).toEqual([]);
    await until('the plot', () => cellSection(app, plot).querySelectorAll(`g.${PHASE_CELL_CLASS} rect`).length === 3);
    app.remove();
  });

  it('the built-in notebooks quote their results through references: every one reads a value from the baked results, none is an error', async () => {
    for (const name of ['threshold', 'length', 'success-rate', 'shared-vs-tabular', 'grpo-vs-dr-grpo']) {
      history.replaceState(null, '', `${location.pathname}?nb=${name}`);
      const app = await mountApp();
      await settle(app);
      const refs = [...app.querySelectorAll<HTMLElement>('.ref')];
      expect(refs.length, name).toBeGreaterThan(0);
      expect(
        refs.filter((r) => r.dataset.state !== 'fresh').map((r) => `${r.dataset.ref}: ${r.textContent}`),
        name,
      ).toEqual([]);
      if (name === 'length') {
        const at = (L: number) => app.querySelector<HTMLElement>(`[data-ref="seqsum.critical[L=${L}, rule=collapse-half]"]`)!.textContent!;
        expect(at(2)).toMatch(/^above 1000/);
        expect(at(8)).toMatch(/^2\d(\.\d)? \(95% CI/);
        expect(at(32)).toMatch(/^2\d(\.\d)? \(95% CI/);
      }
      app.session!.sweepIds().forEach((id) => app.session!.cancel(id));
      app.remove();
    }
  });
});
