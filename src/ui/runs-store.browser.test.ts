/**
 * Runs CSV of a sweep too large to keep its series (here: over a test-lowered limit): the page's
 * runner stores each finished chunk's rows in IndexedDB, and the Blob "Runs CSV" downloads is,
 * byte for byte, runSeriesCsv of the same sweep run keeping its series. Also: the button's title
 * and state, a cancelled sweep's rows, rows deleted when the cell runs again, and what the button
 * says without IndexedDB or past the quota (the sweep itself unaffected).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSpec, recordSteps, runSweep, type RunChunk } from '../engine/index.ts';
import { runSeriesCsv, runSeriesMissing, summarizeSweep, type SweepSummary } from '../results/index.ts';
import './gg-sweep-cell.ts';
import type { GgSweepCell } from './gg-sweep-cell.ts';
import { forgetLookup, MAX_STORED_SWEEPS, runsStore, RunsRecorder, storedRuns, type StoredRuns } from './runs-store.ts';
import { engineRunner, type RunOptions } from './sweep-runner.ts';

// 3 cells × 40 seeds × 5 recorded steps = 600 values a series; the limit is lowered to 599, just under it.
const spec = { base: { L: 3, V: 4, d: 2, G: 4, iterations: 4, recordEvery: 1 }, grid: { stepSize: [1, 30, 1000] }, seeds: 40, seed: 7 };
const LIMIT = 599;
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  backend: 'cpu',
  signal: new AbortController().signal,
  onProgress: () => {},
  onBackend: () => {},
  ...extra,
});
const cellName = () => `runs-store-test#${Math.random().toString(36).slice(2)}`;
const found = (s: StoredRuns) => {
  if ('reason' in s) throw new Error(`expected stored rows, got: ${s.reason}`);
  return s;
};

/** The cell's exports once its stored-rows lookup has rendered. */
async function renderedCell(summary: SweepSummary): Promise<GgSweepCell> {
  const el = document.createElement('gg-sweep-cell') as GgSweepCell;
  el.cellId = 'big';
  el.source = JSON.stringify(spec);
  el.state = { status: summary.complete ? 'done' : 'cancelled', summary, origin: 'run', stale: false, auto: false };
  document.body.append(el);
  for (let i = 0; i < 200 && /looking for rows/.test(el.querySelector('.export-note')?.textContent ?? 'looking for rows'); i++) {
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 10));
  }
  return el;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe('runs of a sweep over the series limit, stored in IndexedDB', () => {
  it('downloads a Runs CSV byte-identical to runSeriesCsv of the sweep that kept its series', async () => {
    const parsed = parseSpec(spec);
    expect(3 * parsed.seeds * recordSteps(parsed.base.iterations, parsed.base.recordEvery).length).toBe(LIMIT + 1);
    const kept = await engineRunner(spec, options());
    expect(kept.runSeries).toBeDefined();
    const expected = runSeriesCsv(kept);

    const stored = await engineRunner(spec, options({ cell: cellName(), seriesLimit: LIMIT }));
    expect(stored.runSeries).toBeUndefined(); // the stored path
    expect(stored.trajectoryHash).toBe(kept.trajectoryHash);
    const rows = found(await storedRuns(stored));
    expect(rows.manifest.chunks).toBeGreaterThan(3); // CPU chunks split the cells
    expect(rows.manifest.runsStored).toBe(120);
    const blob = await rows.csv();
    expect(blob.size).toBe(new Blob([expected]).size);
    expect(await blob.text()).toBe(expected);

    // The button: enabled, says where the rows come from, and downloads that Blob; Runs JSON says why it is off.
    const el = await renderedCell(stored);
    const csvButton = el.querySelector<HTMLButtonElement>('button.runs-csv')!;
    const jsonButton = el.querySelector<HTMLButtonElement>('button.runs-json')!;
    expect(csvButton.disabled).toBe(false);
    expect(csvButton.title).toMatch(
      /every run's recorded series, one row per run and recorded step: 120 runs \(.* MB\), assembled from this browser's IndexedDB/,
    );
    expect(jsonButton.disabled).toBe(true);
    expect(jsonButton.title).toMatch(/one document whose list of runs holds every run at once/);
    expect(el.querySelector('.export-note')!.textContent).toMatch(/Runs CSV is assembled from the rows this browser stored as the sweep ran/);
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (created.push(b as Blob), 'blob:test'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    csvButton.click();
    for (let i = 0; i < 100 && !created.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(created).toHaveLength(1);
    expect(await created[0].text()).toBe(expected);
  });

  it('stores the same bytes from WebGPU chunks', async () => {
    const gpuSpec = { ...spec, seed: 21 };
    const kept = await engineRunner(gpuSpec, options({ backend: 'webgpu' }));
    const stored = await engineRunner(gpuSpec, options({ backend: 'webgpu', cell: cellName(), seriesLimit: LIMIT }));
    expect(stored.backend.kind).toBe('webgpu');
    expect(stored.runSeries).toBeUndefined();
    expect(await (await found(await storedRuns(stored)).csv()).text()).toBe(runSeriesCsv(kept));
  });

  it("a cell's new run deletes the rows its last run stored", async () => {
    const cell = cellName();
    // Seeds no other test runs: rows are found by what they are (spec, J(t) hash, runs done), whichever cell stored them.
    const first = await engineRunner({ ...spec, seed: 11 }, options({ cell, seriesLimit: LIMIT }));
    const rows = found(await storedRuns(first));
    const other = await engineRunner({ ...spec, seed: 12 }, options({ cell, seriesLimit: LIMIT }));
    found(await storedRuns(other));
    await expect(rows.csv()).rejects.toThrow(/the stored rows are gone \(0 of \d+ parts found\)/);
    forgetLookup(first);
    expect(await storedRuns(first)).toEqual({ reason: expect.stringMatching(/not stored in this browser for these results/), none: true });
    // A run that keeps its series in memory replaces the results too: the stored rows go.
    await engineRunner({ ...spec, seeds: 2 }, options({ cell, seriesLimit: LIMIT }));
    forgetLookup(other);
    expect('reason' in (await storedRuns(other))).toBe(true);
  });

  it("a cancelled sweep's rows cover the runs that finished in run order, and its title says so", async () => {
    const controller = new AbortController();
    const big = { ...spec, seeds: 400 }; // 1,200 runs in chunks of a few runs: cancelled after the first progress
    const summary = await engineRunner(big, options({ cell: cellName(), seriesLimit: LIMIT, signal: controller.signal, onProgress: () => controller.abort() }));
    expect(summary.complete).toBe(false);
    const rows = found(await storedRuns(summary));
    const { runsStored } = rows.manifest;
    expect(runsStored).toBeGreaterThan(0);
    expect(runsStored).toBeLessThanOrEqual(summary.runsDone);
    // Its rows are the first runs of the whole sweep's CSV.
    const whole = runSeriesCsv(await summarizeSweep(await runSweep(big, { backend: 'cpu' }))).split('\n');
    const R = 5;
    expect(await (await rows.csv()).text()).toBe(whole.slice(0, 1 + runsStored * R).join('\n') + '\n');
    const el = await renderedCell(summary);
    expect(el.querySelector<HTMLButtonElement>('button.runs-csv')!.title).toMatch(
      new RegExp(
        `the rows of runs 0–${(runsStored - 1).toLocaleString('en-US')}: the ${runsStored.toLocaleString('en-US')} of ${summary.runsDone.toLocaleString('en-US')} runs done that finished in run order before the sweep stopped`,
      ),
    );
  });

  it('results under the series limit that kept no series (baked, cached) say once how to get them', async () => {
    // The page never stores rows for such results: "none stored in this browser" would only repeat the note.
    const summary = await engineRunner({ ...spec, seed: 21 }, options());
    const bandsOnly: SweepSummary = { ...summary, runSeries: undefined };
    expect(await storedRuns(bandsOnly)).toMatchObject({ none: true });
    const el = await renderedCell(bandsOnly);
    expect(el.querySelector<HTMLButtonElement>('button.runs-csv')!.disabled).toBe(true);
    expect(el.querySelector('.export-note')!.textContent).toBe(runSeriesMissing(bandsOnly));
  });

  it('without IndexedDB the sweep runs and the button says why there are no rows', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const summary = await engineRunner(spec, options({ cell: cellName(), seriesLimit: LIMIT }));
    expect(summary.complete).toBe(true);
    expect(summary.cellStats).toHaveLength(3);
    expect(await storedRuns(summary)).toEqual({ reason: expect.stringMatching(/^per-run rows not stored: this browser keeps no IndexedDB here/) });
    const el = await renderedCell(summary);
    expect(el.querySelector<HTMLButtonElement>('button.runs-csv')!.disabled).toBe(true);
    expect(el.querySelector('.export-note')!.textContent).toMatch(/keeps no IndexedDB here/);
    expect(el.querySelector<HTMLButtonElement>('.exports button')!.disabled).toBe(false); // the cell's own CSV still exports
  });

  it('past the quota the rows written are deleted and the reason kept; the sweep is unaffected', async () => {
    const store = runsStore(`gradgap-runs-test-${Math.random()}`);
    let writes = 0;
    const full = {
      ...store,
      write: async (entries: Parameters<typeof store.write>[0]) =>
        ++writes > 3 ? "the browser's storage quota for this site is exceeded" : store.write(entries),
    };
    const parsed = parseSpec(spec);
    const recorder = new RunsRecorder('quota#sweep', parsed, 120, recordSteps(4, 1), full);
    const chunks: RunChunk[] = [];
    const result = await runSweep(spec, { backend: 'cpu', keepSeries: false, onRuns: (c) => (chunks.push(c), recorder.add(c)) });
    const summary = await summarizeSweep(result);
    const manifest = await recorder.finish(summary);
    expect(summary.complete).toBe(true);
    expect(chunks.length).toBeGreaterThan(3);
    expect(manifest.state).toBe('failed');
    expect(manifest.reason).toMatch(/^the browser's storage quota for this site is exceeded after [\d,]+ runs' rows/);
    expect(await store.range(['rows', 'quota#sweep'], ['rows', 'quota#sweep', []])).toEqual([]);
    expect(await storedRuns(summary, store)).toEqual({
      reason: expect.stringMatching(/^per-run rows not stored: the browser's storage quota for this site is exceeded/),
    });
  });

  it(`keeps rows for at most ${MAX_STORED_SWEEPS} cells: the oldest give theirs up`, async () => {
    const store = runsStore(`gradgap-runs-test-${Math.random()}`);
    const parsed = parseSpec(spec);
    const summaries: SweepSummary[] = [];
    for (let i = 0; i <= MAX_STORED_SWEEPS; i++) {
      const recorder = new RunsRecorder(`cap#${i}`, parsed, 120, recordSteps(4, 1), store);
      const summary = await summarizeSweep(await runSweep({ ...spec, seed: 100 + i }, { backend: 'cpu', keepSeries: false, onRuns: (c) => recorder.add(c) }));
      await recorder.finish(summary);
      summaries.push(summary);
    }
    const stored = await Promise.all(summaries.map((s) => storedRuns(s, store)));
    expect(stored.map((s) => !('reason' in s))).toEqual([false, ...Array(MAX_STORED_SWEEPS).fill(true)]);
  });
});
