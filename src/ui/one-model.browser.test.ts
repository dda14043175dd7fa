/**
 * One model per cell: a plot cell's Form, its JSON view and its header menus read and write one
 * state. Random sequences of edits, made as a person makes them (a Form menu changed, a header
 * menu changed, JSON typed — sometimes through a broken prefix first), and after each: the Form,
 * the JSON, the header and the config the notebook applied all say the same fill and x axis.
 * The bug this catches: fill set in the Form, then the header's fill changed and changed back —
 * the plot and header said one fill, the Form and JSON another.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLOT_FILLS, PLOT_X } from '../notebook/index.ts';
import type { GgConfigEditor } from './config-editor.ts';
import type { GgPlotCell } from './gg-plot-cell.ts';
import { mountSession } from './test-fixtures.ts';

const PLOT = { view: 'phase', sweep: 'a' };
const NOTEBOOK = `<!doctype html>
<notebook theme="air" version="1">
  <title>One model</title>
  <script id="a" type="application/vnd.gradgap.sweep+json">
    {"base": {"L": 4, "iterations": 10, "recordEvery": 5}, "grid": {"stepSize": [1, 10]}, "seeds": 2}
  </script>
  <script id="plot" type="application/vnd.gradgap.plot+json">
    ${JSON.stringify(PLOT)}
  </script>
</notebook>
`;

type Key = 'fill' | 'x';
const CHOICES: Record<Key, readonly string[]> = { fill: PLOT_FILLS, x: PLOT_X };
const DEFAULT: Record<Key, string> = { fill: 'meanFinalJ', x: 'stepSize' };
/** Where the header's menu for a key sits: its label's text. */
const HEADER_LABEL: Record<Key, string> = { fill: 'fill', x: 'x' };

type Edit =
  | { where: 'form'; key: Key; value: string }
  | { where: 'header'; key: Key; value: string }
  | { where: 'json'; key: Key; value: string | undefined; brokenFirst: boolean };

const editArb: fc.Arbitrary<Edit> = fc.constantFrom<Key>('fill', 'x').chain((key) =>
  fc.oneof(
    fc.record({ where: fc.constant('form' as const), key: fc.constant(key), value: fc.constantFrom('', ...CHOICES[key]) }),
    fc.record({ where: fc.constant('header' as const), key: fc.constant(key), value: fc.constantFrom(...CHOICES[key]) }),
    fc.record({
      where: fc.constant('json' as const),
      key: fc.constant(key),
      value: fc.option(fc.constantFrom(...CHOICES[key]), { nil: undefined }),
      brokenFirst: fc.boolean(),
    }),
  ),
);

let mounted: Awaited<ReturnType<typeof mountSession>>;

const editor = () => mounted.el.querySelector<GgConfigEditor>('gg-config-editor[cell-id="plot"]')!;
const plotCell = () => mounted.el.querySelector<GgPlotCell>('gg-plot-cell[cell-id="plot"]')!;
const headerSelect = (key: Key) =>
  [...plotCell().querySelectorAll<HTMLLabelElement>('.plot-tools label')]
    .find((l) => l.firstChild?.textContent?.trim() === HEADER_LABEL[key])!
    .querySelector('select')!;

async function settle() {
  await mounted.settled();
  await editor().updateComplete;
  await plotCell().updateComplete;
}

async function tab(name: 'Form' | 'JSON') {
  [...editor().querySelectorAll<HTMLButtonElement>('[role="tab"]')].find((b) => b.textContent?.trim() === name)!.click();
  await editor().updateComplete;
}

function choose(select: HTMLSelectElement, value: string) {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

async function typeJson(text: string) {
  const area = editor().querySelector<HTMLTextAreaElement>('textarea.source')!;
  area.value = text;
  area.dispatchEvent(new Event('input', { bubbles: true }));
  await editor().updateComplete;
}

async function apply(edit: Edit) {
  if (edit.where === 'form') {
    await tab('Form');
    choose(editor().querySelector<HTMLSelectElement>(`.plot-form select[name="${edit.key}"]`)!, edit.value);
  } else if (edit.where === 'header') {
    choose(headerSelect(edit.key), edit.value);
  } else {
    await tab('JSON');
    const current = JSON.parse(editor().querySelector<HTMLTextAreaElement>('textarea.source')!.value) as Record<string, unknown>;
    const next = { ...current, [edit.key]: edit.value };
    if (edit.value === undefined) delete next[edit.key];
    const text = JSON.stringify(next, null, 2);
    if (edit.brokenFirst) await typeJson(text.slice(0, text.length - 2)); // half typed: not applied
    await typeJson(text);
  }
  await settle();
}

/** What each view says the key is: `undefined` where a view says "(default)" or the key is absent. */
async function views(key: Key) {
  await tab('Form');
  const form = editor().querySelector<HTMLSelectElement>(`.plot-form select[name="${key}"]`)!.value || undefined;
  await tab('JSON');
  const json = (JSON.parse(editor().querySelector<HTMLTextAreaElement>('textarea.source')!.value) as Record<string, string | undefined>)[key];
  const header = headerSelect(key).value;
  const applied = (mounted.session.cell('plot')!.config as Record<string, string | undefined>)[key];
  return { form, json, header, applied };
}

beforeAll(async () => {
  mounted = await mountSession('one-model', NOTEBOOK);
  editor().querySelector<HTMLButtonElement>('button.toggle-config')!.click();
  await settle();
});
afterAll(() => document.querySelectorAll('gg-notebook').forEach((n) => n.remove()));

describe('a plot cell has one model', () => {
  it('the reported sequence: Form fill, header fill away and back', async () => {
    await apply({ where: 'form', key: 'fill', value: 'collapseProbability' });
    await apply({ where: 'form', key: 'fill', value: 'meanFinalJ' });
    await apply({ where: 'header', key: 'fill', value: 'collapseProbability' });
    await apply({ where: 'header', key: 'fill', value: 'meanFinalJ' });
    expect(await views('fill')).toEqual({ form: 'meanFinalJ', json: 'meanFinalJ', header: 'meanFinalJ', applied: 'meanFinalJ' });
  });

  it('Form, JSON, header and the applied config agree after every edit of any random sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 12 }), async (edits) => {
        await mounted.session.edit('plot', JSON.stringify(PLOT)); // each sequence starts from the file's config
        await settle();
        for (const edit of edits) {
          await apply(edit);
          for (const key of ['fill', 'x'] as const) {
            const v = await views(key);
            // Form, JSON and the applied config hold the same raw value; the header shows its effective value.
            expect({ form: v.form, json: v.json }, `${key} after ${JSON.stringify(edit)}`).toEqual({ form: v.applied, json: v.applied });
            expect(v.header, `${key} header after ${JSON.stringify(edit)}`).toBe(v.applied ?? DEFAULT[key]);
          }
          // The edit itself took: the value written is the value every view shows.
          const shown = (await views(edit.key)).applied;
          const wrote = edit.where === 'form' ? edit.value || undefined : edit.value;
          expect(shown ?? DEFAULT[edit.key]).toBe(wrote ?? DEFAULT[edit.key]);
        }
      }),
      { numRuns: 40, seed: 21 },
    );
  });
});
