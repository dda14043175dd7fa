/**
 * Undo and Redo, clicked as a person clicks: one history for every change — typing in a cell (a
 * run of keystrokes is one step), a plot's header menu, "Revert to file" (which Undo takes back,
 * so it can no longer lose work for good), and structural edits; in the reader's own notebook
 * ("New notebook") there is no file to revert to, so no "Revert to file" is offered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button as buttonNamed, buttonsNamed, mountApp, mountSession, settle, until } from './test-fixtures.ts';

const NOTEBOOK = `<!doctype html>
<notebook theme="air" version="1">
  <title>Undo</title>
  <script id="intro" type="text/markdown">
    As published.
  </script>
  <script id="a" type="application/vnd.gradgap.sweep+json">
    {"base": {"L": 4, "iterations": 10, "recordEvery": 5}, "grid": {"stepSize": [1, 10]}, "seeds": 2}
  </script>
  <script id="plot" type="application/vnd.gradgap.plot+json">
    {"view": "phase", "sweep": "a"}
  </script>
</notebook>
`;

// The page's own Undo and Redo come before an undo bar's: the first button of a name.
const button = (root: ParentNode, name: string) => buttonNamed(root, name, 'first');
const maybeButton = (root: ParentNode, name: string) => buttonsNamed(root, name)[0];

function typeInto(el: HTMLTextAreaElement, text: string) {
  el.value = text;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

beforeAll(() => localStorage.setItem('gradgap:backend', 'cpu'));
afterAll(() => {
  localStorage.removeItem('gradgap:backend');
  document.querySelectorAll('gg-notebook, gg-app').forEach((n) => n.remove());
  history.replaceState(null, '', location.pathname);
});

describe('Undo and Redo', () => {
  it('in a published notebook: typing, a header menu and Revert to file are each one step back, and Redo takes them again', async () => {
    const { el, session, settled } = await mountSession('undo-test', NOTEBOOK);
    const intro = () => session.cell('intro')!.cell.value.trim();
    const fill = () => (session.cell('plot')!.config as { fill?: string }).fill;
    expect(button(el, 'Undo').disabled).toBe(true);
    expect(button(el, 'Redo').disabled).toBe(true);

    // Typing: three keystrokes' worth of text, one step.
    button(el.querySelector('section[data-cell-id="intro"]')!, 'Edit text').click();
    await settled();
    const area = el.querySelector<HTMLTextAreaElement>('section[data-cell-id="intro"] textarea')!;
    for (const text of ['M', 'My', 'My words.']) {
      typeInto(area, text);
      await settled();
    }
    expect(intro()).toBe('My words.');
    // The header's fill menu.
    const menu = [...el.querySelectorAll<HTMLLabelElement>('gg-plot-cell .plot-tools label')]
      .find((l) => l.firstChild?.textContent?.trim() === 'fill')!
      .querySelector('select')!;
    menu.value = 'collapseProbability';
    menu.dispatchEvent(new Event('change', { bubbles: true }));
    await settled();
    expect(fill()).toBe('collapseProbability');
    expect(button(el, 'Undo').title).toBe('Undo: Edited #plot');

    // Revert to file: the work goes — and Undo brings it back, all of it.
    button(el, 'Revert to file').click();
    await settled();
    expect([intro(), fill()]).toEqual(['As published.', undefined]);
    expect(el.querySelector('.undo-bar')!.textContent).toMatch(/Reverted to file \(the edits of 2 cells dropped\)/);
    button(el.querySelector('.undo-bar')!, 'Undo').click();
    await settled();
    expect([intro(), fill()]).toEqual(['My words.', 'collapseProbability']);
    expect(area.value).toBe('My words.'); // the open editor shows it too
    expect(menu.value).toBe('collapseProbability');

    // Redo reverts again; Undo once more and back, then step by step to the file.
    expect(button(el, 'Redo').title).toMatch(/^Redo: Reverted to file/);
    button(el, 'Redo').click();
    await settled();
    expect([intro(), fill()]).toEqual(['As published.', undefined]);
    button(el, 'Undo').click();
    await settled();
    button(el, 'Undo').click(); // the fill
    await settled();
    expect([intro(), fill()]).toEqual(['My words.', undefined]);
    expect(menu.value).toBe('meanFinalJ');
    button(el, 'Undo').click(); // the typing, all of it
    await settled();
    expect([intro(), fill()]).toEqual(['As published.', undefined]);
    expect(area.value.trim()).toBe('As published.');
    expect(button(el, 'Undo').disabled).toBe(true);
    // Redo walks forward through the same steps.
    button(el, 'Redo').click();
    await settled();
    button(el, 'Redo').click();
    await settled();
    expect([intro(), fill()]).toEqual(['My words.', 'collapseProbability']);
    // A new change after Undo drops what Redo had.
    button(el, 'Undo').click();
    await settled();
    typeInto(area, 'Other words.');
    await settled();
    expect(button(el, 'Redo').disabled).toBe(true);
    el.remove();
  });

  it('in your own notebook: no Revert to file; Undo takes back structural and cell edits alike, Redo redoes them', async () => {
    const app = await mountApp('');
    button(app, 'New notebook').click();
    await until('the new notebook', () => app.session?.name.startsWith('user:') ?? false);
    const s = () => app.session!;
    await settle(app);
    const ids = () => s().notebook.cells.map((c) => c.id);

    // Add a Markdown cell and type into it.
    button(app.querySelector('section[data-cell-id="intro"]')!, 'Add cell below').click();
    await settle(app);
    button(app.querySelector('section[data-cell-id="intro"]')!, 'Markdown').click();
    await until('the new cell', () => ids().length === 2);
    await settle(app);
    const added = ids()[1];
    typeInto(app.querySelector<HTMLTextAreaElement>(`section[data-cell-id="${added}"] textarea`)!, 'Notes of mine.');
    await settle(app);
    expect(s().edits[added]).toBe('Notes of mine.');
    expect(maybeButton(app, 'Revert to file')).toBeUndefined(); // nothing published to go back to
    expect(app.querySelector('.notebook-bar')!.textContent).toMatch(/Your notebook, kept in this browser/);

    // Delete it: then Undo (the delete), Undo (the typing), Undo (the add).
    button(app.querySelector(`section[data-cell-id="${added}"]`)!, 'Delete cell').click();
    await until('the delete', () => ids().length === 1);
    await settle(app);
    button(app, 'Undo').click();
    await until('the cell back', () => ids().length === 2);
    await settle(app);
    expect(s().cell(added)!.cell.value).toBe('Notes of mine.');
    button(app, 'Undo').click();
    await settle(app);
    expect(s().cell(added)!.cell.value).not.toBe('Notes of mine.');
    button(app, 'Undo').click();
    await until('the add undone', () => ids().length === 1);
    await settle(app);
    // And Redo all three.
    for (let i = 0; i < 3; i++) {
      button(app, 'Redo').click();
      await settle(app);
    }
    expect(ids()).toEqual(['intro']);
    expect(button(app, 'Redo').disabled).toBe(true);
    button(app, 'Undo').click(); // the delete, once more
    await until('the cell back again', () => ids().length === 2);
    expect(s().cell(added)!.cell.value).toBe('Notes of mine.');
    app.remove();
  });
});
