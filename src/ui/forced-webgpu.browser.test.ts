/**
 * The engine menu forced to WebGPU in a browser with no WebGPU adapter (requestAdapter resolving
 * null, as a browser without a usable GPU answers): an edit's re-run refuses, and the cell says
 * so — nothing ran, the results shown are the earlier ones ("Run to update", never "re-running"),
 * and how to run on the CPU twin; it no longer claims a fallback that does not happen. Choosing
 * the CPU twin and pressing Run then runs, and the results are fresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GgSweepCell } from './gg-sweep-cell.ts';
import { memoryCache } from './result-cache.ts';
import { NotebookSession } from './session.ts';
import { mountNotebook } from './test-fixtures.ts';

const NOTEBOOK = `<!doctype html>
<notebook theme="air" version="1">
  <title>Forced WebGPU</title>
  <script id="a" type="application/vnd.gradgap.sweep+json" pinned="">
    {"base": {"L": 4, "iterations": 10, "recordEvery": 5}, "grid": {"stepSize": [1, 10]}, "seeds": 4}
  </script>
</notebook>
`;

const gpu = navigator.gpu as GPU & { requestAdapter: GPU['requestAdapter'] };
beforeAll(() => {
  // No adapter: what navigator.gpu answers in a browser without a usable GPU.
  Object.defineProperty(gpu, 'requestAdapter', { configurable: true, value: () => Promise.resolve(null) });
});
afterAll(() => {
  delete (gpu as unknown as Record<string, unknown>).requestAdapter; // the prototype's again
  document.querySelectorAll('gg-notebook').forEach((n) => n.remove());
});

describe('WebGPU forced where there is none', () => {
  it('refuses with a message that matches what happened; the CPU twin then runs', async () => {
    const session = await NotebookSession.open({
      name: 'forced',
      fileText: NOTEBOOK,
      cache: memoryCache(),
      persist: false,
      autoRunDelayMs: 0,
      backend: 'auto',
    });
    const { el, settled } = await mountNotebook(session);
    await settled();
    expect(session.sweeps.get('a')!.status).toBe('done'); // auto: no adapter, so the CPU twin ran
    expect(session.sweeps.get('a')!.backend!.kind).toBe('cpu');
    expect(session.sweeps.get('a')!.backend!.reason).toMatch(/WebGPU is not available: the browser offers no WebGPU adapter.*The CPU twin runs instead/);

    session.backend = 'webgpu'; // what the engine menu does
    const cell = el.querySelector<GgSweepCell>('gg-sweep-cell[cell-id="a"]')!;
    const seeds = cell.querySelector<HTMLInputElement>('input[name="seeds"]')!;
    seeds.value = '8';
    seeds.dispatchEvent(new Event('input', { bubbles: true }));
    await settled();
    await cell.updateComplete;

    const state = session.sweeps.get('a')!;
    expect(state.status).toBe('error');
    expect(state.stale).toBe(true);
    const status = cell.querySelector('.sweep-status')!.textContent!.replace(/\s+/g, ' ');
    expect(status).not.toMatch(/re-running|falls back|meanwhile/);
    expect(status).toMatch(/stale .*this spec has 8 — Run to update/);
    const alert = cell.querySelector('.sweep-status [role="alert"]')!.textContent!;
    expect(alert).toMatch(/^Nothing ran: the engine menu asks for WebGPU, and WebGPU is not available: the browser offers no WebGPU adapter\./);
    expect(alert).toMatch(/choose "auto" or "CPU twin" in the engine menu/);

    session.backend = 'cpu';
    [...cell.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Run')!.click();
    await settled();
    await cell.updateComplete;
    const after = session.sweeps.get('a')!;
    expect(after.status).toBe('done');
    expect(after.stale).toBe(false);
    expect(after.summary!.spec.seeds).toBe(8);
    expect(after.backend!.kind).toBe('cpu');
    expect(cell.querySelector('.sweep-status [role="alert"]')).toBeNull();
  });
});
