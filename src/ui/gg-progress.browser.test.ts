import { describe, expect, it } from 'vitest';
import './gg-progress.ts'; // registers <gg-progress> (a type-only import would be elided)
import type { GgProgress } from './gg-progress.ts';

// Lit on Vite 8: legacy decorators can silently break reactivity (ENVIRONMENT.md). These elements
// use `static properties` with `declare` fields; this test changes a property and checks the DOM.
describe('Lit reactivity', () => {
  it('re-renders when a property changes', async () => {
    const el = document.createElement('gg-progress') as GgProgress;
    document.body.append(el);
    await el.updateComplete;
    expect(el.querySelector('progress')).toBeNull();
    el.status = 'running';
    el.progress = { runsDone: 10, runsTotal: 40, chunksDone: 1, chunksTotal: 4, elapsedMs: 1000 };
    await el.updateComplete;
    expect(el.querySelector('progress')?.value).toBe(0.25);
    expect(el.querySelector('.progress-text')?.textContent).toMatch(/10 \/ 40 runs · 1\.0 s elapsed · about 3\.0 s left/);
    expect(el.querySelector('button.cancel')).not.toBeNull();
    el.progress = { ...el.progress, runsDone: 40, elapsedMs: 4000 };
    el.status = 'done';
    await el.updateComplete;
    expect(el.querySelector('.progress-text')?.textContent).toMatch(/40 \/ 40 runs · 4\.0 s elapsed$/);
    expect(el.querySelector('button.cancel')).toBeNull();
    el.backend = { kind: 'cpu', threads: 2, adapter: 'google / swiftshader', fallbackAdapter: true, reason: 'auto: software adapter' };
    await el.updateComplete;
    expect(el.querySelector('.adapter')?.textContent).toBe('CPU twin, 2 threads');
    expect(el.querySelector('.adapter-note')?.textContent).toMatch(/swiftshader, is a software one/);
    el.remove();
  });
});
