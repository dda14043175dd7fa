/** The distribution of final J draws every run of a cell up to MAX_DOTS_PER_CELL seeds, and every k-th seed above, saying so on its axis and in its key. */
import { beforeAll, describe, expect, it } from 'vitest';
import { installSvgDom } from '../cli/svg-dom.ts';
import { summarizeSweep } from '../results/summary.ts';
import { distributionPlot, MAX_DOTS_PER_CELL } from './distribution.ts';
import { figureKey } from './figure-key.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

const base = { L: 2, V: 4, d: 2, G: 4, theta0: [0.1, 0.2], iterations: 1, recordEvery: 1 };
const dotsOf = (figure: Element) => figure.querySelectorAll('circle').length;
const finite = (diverged: Uint8Array, every: number) => Array.from(diverged).filter((d, run) => !d && (run % (diverged.length / 2)) % every === 0).length;

describe('distributionPlot', () => {
  beforeAll(() => installSvgDom());

  it('draws one dot per run up to MAX_DOTS_PER_CELL seeds a cell', async () => {
    const summary = await summarizeSweep(await runSweep({ base, grid: { stepSize: [1, 100] }, seeds: 256 }, { backend: 'cpu' }));
    const figure = distributionPlot(summary, {}) as Element;
    expect(dotsOf(figure)).toBe(finite(summary.diverged, 1));
    expect(figure.textContent).toMatch(/one dot per run/);
  });

  it('draws every k-th seed above it, and says so', async () => {
    const seeds = 3 * MAX_DOTS_PER_CELL - 10; // k = 3
    const summary = await summarizeSweep(await runSweep({ base, grid: { stepSize: [1, 100] }, seeds }, { backend: 'cpu' }));
    const figure = distributionPlot(summary, {}) as Element;
    expect(dotsOf(figure)).toBe(finite(summary.diverged, 3));
    expect(dotsOf(figure)).toBeLessThanOrEqual(2 * MAX_DOTS_PER_CELL);
    expect(figure.textContent).toMatch(/one dot per 3 seeds/);
    // The key says the same as the axis, not "one dot per run".
    const key = figureKey({ view: 'distribution', seeds }).find((e) => e.mark === 'runs')!.label;
    expect(key).toMatch(/^one dot per 3 seeds \(seeds 0, 3, 6, …\): /);
    expect(figure.textContent).toContain(key.slice(0, key.indexOf(':')));
  });

  it('says in its key what a dot stands for, as its axis does', () => {
    const runsLabel = (seeds: number) => figureKey({ view: 'distribution', seeds }).find((e) => e.mark === 'runs')!.label;
    expect(runsLabel(256)).toMatch(/^one dot per run: /);
    expect(runsLabel(MAX_DOTS_PER_CELL)).toMatch(/^one dot per run: /);
    expect(runsLabel(MAX_DOTS_PER_CELL + 1)).toMatch(/^one dot per 2 seeds \(seeds 0, 2, 4, …\): /);
    expect(runsLabel(3 * MAX_DOTS_PER_CELL - 10)).toMatch(/^one dot per 3 seeds/);
    expect(runsLabel(50_000)).toMatch(/^one dot per 25 seeds/);
    expect(runsLabel(50_000)).not.toMatch(/per run/);
  });
});
