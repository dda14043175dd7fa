/**
 * The plot form offers the fields each view reads: `seed` for prompts-run (an integer, or the
 * check names the field and nothing is applied), layout and colour for the views drawn per η
 * (prompts-mean among them), no colour for the distribution, which does not read one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import './config-editor.ts';
import type { GgConfigEditor } from './config-editor.ts';

async function editor(config: Record<string, unknown>) {
  const el = document.createElement('gg-config-editor') as GgConfigEditor;
  el.cellId = 'plot';
  el.kind = 'plot';
  el.cells = [{ id: 's', kind: 'sweep' }];
  el.source = JSON.stringify(config);
  document.body.append(el);
  await el.updateComplete;
  el.querySelector<HTMLButtonElement>('button.toggle-config')!.click();
  await el.updateComplete;
  const edits: string[] = [];
  el.addEventListener('cell-edit', (e) => edits.push((e as CustomEvent<{ value: string }>).detail.value));
  const fields = () => [...el.querySelectorAll<HTMLElement>('.plot-form .field')].map((f) => f.dataset.field);
  return { el, edits, fields };
}

afterEach(() => document.querySelectorAll('gg-config-editor').forEach((e) => e.remove()));

describe('plot form', () => {
  it('prompts-run: a seed field that writes an integer, and names the field when it is not one', async () => {
    const { el, edits, fields } = await editor({ view: 'prompts-run', sweep: 's', where: { stepSize: 30 }, seed: 1 });
    expect(fields()).toEqual(expect.arrayContaining(['view', 'sweep', 'where', 'seed']));
    expect(fields()).not.toContain('layout');
    const seed = el.querySelector<HTMLInputElement>('.field[data-field="seed"] input')!;
    expect(seed.value).toBe('1');
    seed.value = '4';
    seed.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(edits.map((e) => JSON.parse(e).seed)).toEqual([4]);
    seed.value = '4.5';
    seed.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(edits).toHaveLength(1); // nothing applied
    expect(el.querySelector('.field[data-field="seed"] .field-error')?.textContent).toMatch(/seed = "4\.5": must be an integer in \[0, seeds\)/);
  });

  it('prompts-mean offers layout and colour; distribution offers no colour', async () => {
    const mean = await editor({ view: 'prompts-mean', sweep: 's' });
    expect(mean.fields()).toEqual(expect.arrayContaining(['sweep', 'color', 'layout', 'where']));
    expect(mean.fields()).not.toContain('seed');
    mean.el.remove();
    const dist = await editor({ view: 'distribution', sweep: 's' });
    expect(dist.fields()).toContain('sweep');
    expect(dist.fields()).not.toContain('color');
  });
});
