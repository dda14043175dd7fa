/**
 * The prompt views in a notebook page (SPEC 1.8), on a small N = 4 sweep run by the CPU twin: the
 * layout toggle of prompts-solved, prompts-lost and prompts-mean (none for prompts-run, which
 * draws one run), a toggle that edits the cell and redraws it, and prompts-run's replayed lines
 * and caption.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { promptMeanClass } from '../plots/prompt-mean.ts';
import { PROMPT_LINE_CLASS } from '../plots/prompt-run.ts';
import { cellSection, mountSession } from './test-fixtures.ts';

const plot = (id: string, config: object) => `  <script id="${id}" type="application/vnd.gradgap.plot+json">
    ${JSON.stringify(config)}
  </script>`;

const NOTEBOOK = `<!doctype html>
<notebook theme="air" version="1">
  <title>Prompt views under test</title>
  <script id="s" type="application/vnd.gradgap.sweep+json">
    {"base": {"V": 6, "d": 4, "L": 4, "N": 4, "B": 4, "J0": 0.3, "G": 4, "iterations": 20, "recordEvery": 5}, "grid": {"stepSize": [3, 100]}, "seeds": 4}
  </script>
${plot('solved', { view: 'prompts-solved', sweep: 's' })}
${plot('lost', { view: 'prompts-lost', sweep: 's' })}
${plot('mean', { view: 'prompts-mean', sweep: 's' })}
${plot('run', { view: 'prompts-run', sweep: 's', where: { stepSize: 100 }, seed: 1 })}
</notebook>
`;

const mount = () => mountSession('test', NOTEBOOK);

const layoutSelect = (el: Element, id: string) =>
  [...cellSection(el, id).querySelectorAll<HTMLLabelElement>('.plot-tools label')]
    .find((l) => l.textContent?.trim().startsWith('layout'))
    ?.querySelector('select');

afterEach(() => document.querySelectorAll('gg-notebook').forEach((n) => n.remove()));

describe('prompt views in a notebook', () => {
  it('offer the layout toggle per η for the share and mean views, not for one run', async () => {
    const { el } = await mount();
    for (const id of ['solved', 'lost', 'mean']) {
      const select = layoutSelect(el, id);
      expect(select, `#${id}`).toBeTruthy();
      expect([...select!.options].map((o) => o.value)).toEqual(['', 'overlay', 'small-multiples']);
    }
    expect(layoutSelect(el, 'run')).toBeUndefined();
    expect(el.querySelectorAll('.field-error')).toHaveLength(0);
  });

  it('redraws prompts-mean overlaid when the toggle says so, and keeps it in the cell', async () => {
    const { el, session, settled } = await mount();
    const figure = () => cellSection(el, 'mean').querySelector('.figure')!;
    expect(figure().querySelectorAll(`.${promptMeanClass('J')} path`)).toHaveLength(2); // one per η
    expect(figure().querySelectorAll('[aria-label="frame"]').length).toBeGreaterThan(0); // small multiples: a frame per panel
    const select = layoutSelect(el, 'mean')!;
    select.value = 'overlay';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await settled();
    expect(JSON.parse(session.cell('mean')!.cell.value).layout).toBe('overlay');
    expect(figure().querySelectorAll('[aria-label="frame"]')).toHaveLength(0);
    expect(figure().querySelectorAll(`.${promptMeanClass('J')} path`)).toHaveLength(2);
  });

  it('draws one replayed line per prompt for prompts-run, with the caption naming the run and the sweep’s final J', async () => {
    const { el } = await mount();
    const figure = cellSection(el, 'run').querySelector('.figure')!;
    expect(figure.querySelectorAll(`.${PROMPT_LINE_CLASS} path`)).toHaveLength(4);
    expect(figure.textContent).toMatch(
      /run 5 \(η = 100, seed 1\) replayed on the CPU twin from its seed; final J ([\d.e+-]+) \(the sweep's: \1, bit for bit\)/,
    );
  });
});
