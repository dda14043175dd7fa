/**
 * Text the page must not cut or break (issue 21): a select shows its whole chosen label ("gaussian
 * (default)", not "gaussian (defau"); a run name stays one token on one line ("…-lr3e-6", never
 * "…-lr3e-" / "6"); a value in a prose table stays on one line ("0.943 [0.926, 0.958]"). Measured on
 * the built-in notebooks as the page lays them out with its own stylesheet, in real Chromium.
 */
import { afterAll, describe, expect, it } from 'vitest';
import './app.css';
import './gg-app.ts';
import type { GgApp } from './gg-app.ts';
import type { GgNotebook } from './gg-notebook.ts';
import { storeLogFiles } from './logs-files.ts';
import { memoryCache } from './result-cache.ts';
import { NotebookSession } from './session.ts';

const until = async (what: string, ok: () => boolean, ms = 60_000) => {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function open(nb: string): Promise<GgApp> {
  document.querySelectorAll('gg-app').forEach((n) => n.remove());
  history.replaceState(null, '', `${location.pathname}?nb=${nb}`);
  const app = document.createElement('gg-app') as GgApp;
  document.body.style.width = '1200px';
  document.body.append(app);
  await until(`notebook ${nb}`, () => app.session?.name === nb && !!app.querySelector('section.cell'));
  app.session!.sweepIds().forEach((id) => app.session!.cancel(id));
  await new Promise((r) => setTimeout(r, 300));
  return app;
}

/** Lines a piece of text takes where it is laid out. */
function lines(el: Element): number {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
}

afterAll(() => {
  document.querySelectorAll('gg-app').forEach((n) => n.remove());
  history.replaceState(null, '', location.pathname);
});

describe('text the page does not cut or break', () => {
  it('every select of the sweep form is as wide as its chosen label', async () => {
    const app = await open('threshold');
    const selects = [...app.querySelectorAll<HTMLSelectElement>('section.cell[data-cell-id="sweep"] .field select')];
    expect(selects.length).toBeGreaterThan(5);
    const probe = document.createElement('span');
    document.body.append(probe);
    for (const s of selects) {
      const style = getComputedStyle(s);
      probe.style.font = style.font;
      probe.style.whiteSpace = 'pre';
      probe.textContent = s.selectedOptions[0].textContent;
      // The label plus the padding and the drop-down arrow (about 16 px) must fit inside the select.
      const needed = probe.getBoundingClientRect().width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 16;
      expect(s.getBoundingClientRect().width, `${s.closest('.field')?.textContent?.trim().slice(0, 30)}: "${probe.textContent}"`).toBeGreaterThanOrEqual(
        needed,
      );
    }
    probe.remove();
  });

  it('run names of a logs cell stay on one line', async () => {
    // The real-runs notebook's file, opened in the page (a file the reader picked is kept in IndexedDB).
    const names = ['qwen2.5-0.5b-grpo-lr3e-6', 'qwen2.5-0.5b-grpo-lr1.5e-5', 'qwen2.5-0.5b-grpo-lr2e-4'];
    const csv =
      ['label,learning_rate,step,acc', ...names.flatMap((n, i) => [`${n},${[3e-6, 1.5e-5, 2e-4][i]},0,0.2`, `${n},${[3e-6, 1.5e-5, 2e-4][i]},5,0.5`])].join(
        '\n',
      ) + '\n';
    await storeLogFiles([{ name: 'layout-test-runs.csv', text: csv }]);
    const text = `<!doctype html>
<notebook theme="air" version="1">
  <title>Run names</title>
  <script id="runs" type="application/vnd.gradgap.logs+json">
    {"files": ["layout-test-runs.csv"], "mapping": {"run": "label", "learningRate": "learning_rate", "step": "step"}, "metric": "acc"}
  </script>
</notebook>
`;
    const session = await NotebookSession.open({ name: 'layout-test', fileText: text, cache: memoryCache(), persist: false });
    const el = document.createElement('gg-notebook') as GgNotebook;
    el.session = session;
    el.style.display = 'block';
    el.style.width = '800px';
    document.body.append(el);
    await until('the runs table', () => el.querySelectorAll('td.run-name').length === names.length);
    for (const n of el.querySelectorAll('td.run-name')) {
      expect(lines(n), n.textContent!).toBe(1);
      expect(n.getAttribute('title')).toBe(n.textContent);
    }
    el.remove();
  });

  it('each value of notebook 9’s closing table stays on one line', async () => {
    const app = await open('many-prompts');
    const cells = [...app.querySelectorAll('section.cell[data-cell-id="note"] .prose td')];
    expect(cells.length).toBeGreaterThan(50);
    for (const td of cells) expect(lines(td), td.textContent!).toBe(1);
  });
});
