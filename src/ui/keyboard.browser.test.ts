/**
 * The keyboard alone: "Open file…" is a button that Tab reaches and Enter opens (the File System
 * Access picker where the browser has one, the file input's otherwise); adding a cell with Enter
 * puts the focus in the new cell's editor, not on the page's body; after a move the focus stays
 * on the moved cell's button. Keys are real key presses (vitest's userEvent, through CDP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import './gg-app.ts';
import type { GgApp } from './gg-app.ts';
import { button, cellSection, findCellSection, mountApp, settle, until } from './test-fixtures.ts';

/** Tab until `target` has the focus (at most 200 presses): it is in the tab order. */
async function tabTo(target: HTMLElement) {
  (document.activeElement as HTMLElement | null)?.blur();
  for (let i = 0; i < 200 && document.activeElement !== target; i++) await userEvent.keyboard('{Tab}');
  expect(document.activeElement, `${target.textContent?.trim()} reached with Tab`).toBe(target);
}

/** Adds a cell of `kind` below `after` with the keyboard: Enter on "Add cell below", Enter on the kind. */
async function addWithEnter(app: GgApp, after: string, kind: string): Promise<string> {
  const before = new Set(app.session!.notebook.cells.map((c) => c.id));
  button(cellSection(app, after), 'Add cell below').focus();
  await userEvent.keyboard('{Enter}');
  await settle(app);
  button(cellSection(app, after), kind).focus();
  await userEvent.keyboard('{Enter}');
  await until(`a new ${kind} cell`, () => !!app.session!.notebook.cells.find((c) => !before.has(c.id)));
  const id = app.session!.notebook.cells.find((c) => !before.has(c.id))!.id;
  await until(`the focus in #${id}`, () => !!findCellSection(app, id)?.contains(document.activeElement));
  return id;
}

const realOpenPicker = (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;

beforeAll(() => localStorage.setItem('gradgap:backend', 'cpu'));
afterAll(() => {
  (window as { showOpenFilePicker?: unknown }).showOpenFilePicker = realOpenPicker;
  localStorage.removeItem('gradgap:backend');
  document.querySelectorAll('gg-app').forEach((a) => a.remove());
  history.replaceState(null, '', location.pathname);
});

describe('the keyboard alone', () => {
  it('"Open file…" is reached with Tab and Enter opens the picker; without the File System Access API, the file input', async () => {
    const app = await mountApp('');
    await settle(app);
    const open = button(app, 'Open file…');
    expect(open.tabIndex).toBe(0);
    await tabTo(open);

    const picked: string[] = [];
    (window as { showOpenFilePicker?: unknown }).showOpenFilePicker = () => {
      picked.push('picker');
      return Promise.reject(new DOMException('cancelled', 'AbortError')); // the reader cancels
    };
    await userEvent.keyboard('{Enter}');
    await until('the picker', () => picked.length === 1);

    // A browser without the API (saving needs showSaveFilePicker too): the hidden input's dialog.
    const realSave = (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    (window as { showSaveFilePicker?: unknown }).showSaveFilePicker = undefined;
    const input = app.querySelector<HTMLInputElement>('.open-file input[type=file]')!;
    const onClick = (e: Event) => {
      picked.push('input');
      e.preventDefault(); // no real dialog in a test
    };
    input.addEventListener('click', onClick);
    try {
      open.focus();
      await userEvent.keyboard(' ');
      await until('the file input', () => picked.includes('input'));
    } finally {
      input.removeEventListener('click', onClick);
      (window as { showSaveFilePicker?: unknown }).showSaveFilePicker = realSave;
    }
    expect(picked).toEqual(['picker', 'input']);
  });

  it('a cell added with Enter takes the focus in its editor (Markdown, Sweep, Plot), in your own notebook and in a built-in one', async () => {
    const app = await mountApp('');
    button(app, 'New notebook').click();
    await until('the new notebook', () => app.session?.name.startsWith('user:') ?? false);
    await settle(app);

    const md = await addWithEnter(app, 'intro', 'Markdown');
    expect(document.activeElement?.tagName).toBe('TEXTAREA');
    expect(document.activeElement?.getAttribute('aria-label')).toBe(`Markdown source of #${md}`);
    await userEvent.keyboard('Typed at once');
    await until('the typing applied', () => app.session!.cell(md)!.cell.value.includes('Typed at once'));

    const sweep = await addWithEnter(app, md, 'Sweep');
    expect(['INPUT', 'SELECT', 'TEXTAREA']).toContain(document.activeElement?.tagName);
    expect(document.activeElement!.closest('gg-sweep-cell')?.getAttribute('cell-id')).toBe(sweep);

    const plot = await addWithEnter(app, sweep, 'Plot');
    expect(['INPUT', 'SELECT', 'TEXTAREA']).toContain(document.activeElement?.tagName);
    expect(document.activeElement!.closest('gg-config-editor')?.getAttribute('cell-id')).toBe(plot);

    // A move keeps the focus on the moved cell's button, so a second Enter moves it again.
    button(cellSection(app, plot), 'Move up').focus();
    await userEvent.keyboard('{Enter}');
    await until('the move', () => app.session!.notebook.cells.findIndex((c) => c.id === plot) === 2);
    await settle(app);
    await until('the focus on the moved cell', () => document.activeElement === button(cellSection(app, plot), 'Move up'));

    // A built-in notebook becomes your copy on its first structural edit; the focus still lands in the new cell.
    const builtIn = await mountApp('?nb=threshold');
    await settle(builtIn);
    const first = builtIn.session!.notebook.cells[0].id;
    const before = new Set(builtIn.session!.notebook.cells.map((c) => c.id));
    button(cellSection(builtIn, first), 'Add cell below').focus();
    await userEvent.keyboard('{Enter}');
    await settle(builtIn);
    button(cellSection(builtIn, first), 'Markdown').focus();
    await userEvent.keyboard('{Enter}');
    await until('the copy', () => builtIn.session!.name.startsWith('user:') && builtIn.session!.notebook.cells.some((c) => !before.has(c.id)));
    const added = builtIn.session!.notebook.cells.find((c) => !before.has(c.id))!.id;
    await until(`the focus in #${added}`, () => !!findCellSection(builtIn, added)?.contains(document.activeElement));
    expect(document.activeElement?.tagName).toBe('TEXTAREA');
  });
});
