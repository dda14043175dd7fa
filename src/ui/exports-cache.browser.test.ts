import { describe, expect, it, vi } from 'vitest';
import { figurePng, figureSvg } from '../plots/export-figure.ts';
import { phaseDiagram, PHASE_CELL_CLASS } from '../plots/phase-diagram.ts';
import { phaseRows } from '../plots/phase-rows.ts';
import { summarizeSweep } from '../results/summary.ts';
import { runSweep } from '../engine/index.ts';
import './gg-notebook.ts';
import type { GgNotebook } from './gg-notebook.ts';
import { memoryCache, openResultCache } from './result-cache.ts';
import { NotebookSession } from './session.ts';
import { engineRunner } from './sweep-runner.ts';

const spec = { base: { iterations: 20, recordEvery: 5 }, grid: { stepSize: [1, 10], L: [2, 4] }, seeds: 4 };

describe('exports and the result cache', () => {
  it('exports a phase diagram with its legend as one standalone SVG, and as a PNG', async () => {
    const summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
    const host = document.createElement('div');
    host.append(phaseDiagram(phaseRows(summary, { y: 'L' }), { fill: 'meanFinalJ' }));
    document.body.append(host);
    const { text, width, height } = figureSvg(host);
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.documentElement.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(doc.querySelectorAll('svg > svg')).toHaveLength(2); // legend ramp + chart
    expect(doc.querySelectorAll(`g.${PHASE_CELL_CLASS} rect`)).toHaveLength(4);
    expect(width).toBeGreaterThan(100);
    expect(height).toBeGreaterThan(100);
    const png = await figurePng(host);
    expect(png.type).toBe('image/png');
    expect(png.size).toBeGreaterThan(1000);
    host.remove();
  });

  it('caches complete results by spec hash in IndexedDB, typed arrays intact', async () => {
    const summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
    const cache = openResultCache(`gradgap-test-${Math.random()}`);
    await cache.put(summary);
    const back = await cache.get(summary.specHash);
    expect(back?.finalJ).toBeInstanceOf(Float32Array);
    expect(back?.finalJ).toEqual(summary.finalJ);
    expect(back?.cellStats).toEqual(summary.cellStats);
    await cache.put({ ...summary, specHash: 'partial', complete: false });
    expect(await cache.get('partial')).toBeUndefined(); // only complete sweeps are cached
  });

  it('Cancel stops a run within a chunk and keeps the finished cells', async () => {
    const text = `<!doctype html>
<notebook theme="air" version="1">
  <title>Cancel</title>
  <script id="big" type="application/vnd.gradgap.sweep+json">
    {"grid": {"stepSize": [1, 2, 3, 5, 10, 20, 30, 50]}, "seeds": 256}
  </script>
</notebook>
`;
    const session = await NotebookSession.open({
      name: 'cancel',
      fileText: text,
      cache: memoryCache(),
      persist: false,
      runner: (s, o) => engineRunner(s, { ...o, backend: 'cpu' }),
    });
    const el = document.createElement('gg-notebook') as GgNotebook;
    el.session = session;
    document.body.append(el);
    await el.updateComplete;
    expect(session.sweeps.get('big')!.auto).toBe(false); // 307 200 run-steps: waits for Run
    expect(el.querySelector('gg-sweep-cell .sweep-size .manual')?.textContent).toMatch(/press Run after an edit \(threshold 200,000 run-steps\)/);
    el.querySelector<HTMLButtonElement>('gg-sweep-cell button.run')!.click();
    for (let i = 0; i < 400 && !(session.sweeps.get('big')!.progress?.runsDone ?? 0); i++) await new Promise((r) => setTimeout(r, 10));
    await el.updateComplete;
    expect(el.querySelector('gg-sweep-cell progress')).not.toBeNull();
    el.querySelector<HTMLButtonElement>('gg-sweep-cell button.cancel')!.click();
    await session.whenIdle();
    const s = session.sweeps.get('big')!;
    expect(s.status).toBe('cancelled');
    expect(s.summary!.complete).toBe(false);
    expect(s.summary!.runsDone).toBeGreaterThan(0);
    expect(s.summary!.runsDone).toBeLessThan(2048);
    expect(s.summary!.message).toMatch(/cancelled after \d+ of 2048 runs/);

    // Issue 21: the cancelled sweep's CSVs say they are partial, in the file name and in a column.
    await el.updateComplete;
    const files: { name: string; text: Promise<string> }[] = [];
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:test'));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      files.push({ name: this.download, text: blobs[blobs.length - 1].text() });
    });
    const exportButton = (label: string) =>
      [...el.querySelectorAll<HTMLButtonElement>('gg-sweep-cell .exports button')].find((b) => b.textContent!.trim() === label)!;
    exportButton('CSV').click();
    exportButton('Runs CSV').click();
    await new Promise((r) => setTimeout(r, 0));
    create.mockRestore();
    click.mockRestore();
    const done = s.summary!.cellStats.length;
    expect(files.map((f) => f.name)).toEqual([
      `big-${s.summary!.specHash.slice(0, 8)}-partial-${done}of8.csv`,
      `big-${s.summary!.specHash.slice(0, 8)}-partial-${done}of8.runs.csv`,
    ]);
    for (const f of files) {
      const lines = (await f.text).trimEnd().split('\n');
      expect(lines[0].split(',').at(-1)).toBe('partial');
      for (const line of lines.slice(1))
        expect(line).toMatch(new RegExp(`,"?partial: cancelled after ${s.summary!.runsDone} of 2048 runs, ${done} of 8 grid cells"?$`));
    }
    el.remove();
  });
});
