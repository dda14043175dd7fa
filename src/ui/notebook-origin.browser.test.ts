/**
 * What the page says a notebook is (issue 21): a notebook opened from a file is named as such, not
 * "As published"; the tab title follows a rename; the "Add cell below" button is a "+" every font
 * draws (not the full-width "＋"). Clicked and typed as a reader does, in real Chromium.
 */
import { describe, expect, it } from 'vitest';
import { parseNotebook } from '../notebook/index.ts';
import { button, mountApp, until } from './test-fixtures.ts';
import authoredText from './fixtures/authored-notebook.html?raw';

const bar = (app: Element) => app.querySelector('.notebook-bar')?.textContent?.replace(/\s+/g, ' ') ?? '';

describe('where a notebook came from, and its title', () => {
  it('a notebook opened from a file says so, with the file name, and the tab shows its title', async () => {
    const app = await mountApp('');
    expect(bar(app)).toContain('As published.'); // the built-in notebook is
    const input = app.querySelector<HTMLInputElement>('input[type=file]')!;
    const files = new DataTransfer();
    files.items.add(new File([authoredText], 'my-steps.html', { type: 'text/html' }));
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until('the opened file', () => app.session?.name.startsWith('file:') ?? false);
    app.session!.sweepIds().forEach((id) => app.session!.cancel(id));
    const nb = app.querySelector('gg-notebook') as HTMLElement & { updateComplete: Promise<boolean> };
    await nb.updateComplete;
    expect(bar(app)).toContain('Opened from the file my-steps.html.');
    expect(bar(app)).not.toContain('As published');
    expect(document.title).toBe(`${parseNotebook(authoredText).notebook.title} · gradgap`);
    app.remove();
  });

  it('renaming a notebook renames the tab; the add button is a plain "+"', async () => {
    const app = await mountApp('');
    button(app, 'New notebook').click();
    await until('the new notebook', () => app.session?.name.startsWith('user:') ?? false);
    const nb = app.querySelector('gg-notebook') as HTMLElement & { updateComplete: Promise<boolean> };
    await nb.updateComplete;
    expect(document.title).toBe('Untitled notebook · gradgap');
    const title = app.querySelector<HTMLInputElement>('input.title-input')!;
    title.value = 'Step sizes, renamed';
    title.dispatchEvent(new Event('change', { bubbles: true }));
    await until('the tab title', () => document.title === 'Step sizes, renamed · gradgap');
    const add = [...app.querySelectorAll('button')].filter((b) => b.getAttribute('aria-label') === 'Add cell below');
    expect(add.length).toBeGreaterThan(0);
    for (const b of add) expect(b.textContent!.trim()).toMatch(/^\+( Add a cell)?$/);
    app.remove();
  });
});
