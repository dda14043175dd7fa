/** `auto` by measurement, its pure parts: the timing loop on stubbed backends, the store, the shape class and the reason text. */
import { describe, expect, it } from 'vitest';
import {
  decisionKey,
  fasterBackend,
  formatRate,
  localStorageDecisionStore,
  measureBackends,
  ratesText,
  shapeClass,
  sweepWork,
  type MeasureOptions,
  type RangeRunner,
} from './backend-choice.ts';
import type { BackendKind } from './results.ts';
import { expandGrid, parseSpec } from '../spec/index.ts';

/** Two stub backends on a fake clock: each run costs `msPerRun[kind]`; chunks are tagged with who computed them. */
function stubs(msPerRun: Record<BackendKind, number>) {
  const now = { webgpu: 0, cpu: 0 };
  const ran: Record<BackendKind, [number, number][]> = { webgpu: [], cpu: [] };
  const runner =
    (kind: BackendKind): RangeRunner<{ kind: BackendKind; begin: number; end: number }> =>
    async (begin, end) => {
      now[kind] += (end - begin) * msPerRun[kind];
      ran[kind].push([begin, end]);
      return [{ kind, begin, end }];
    };
  const options: MeasureOptions = {
    first: 100,
    last: 100 + 10_000,
    startRuns: 4,
    maxRuns: { webgpu: 4096, cpu: 5000 },
    budgetMs: 500,
    work: (b, e) => (e - b) * 1000,
    clock: (kind) => now[kind],
  };
  return { run: { webgpu: runner('webgpu'), cpu: runner('cpu') }, options, ran, now };
}

describe('measureBackends', () => {
  for (const [faster, msPerRun] of [
    ['webgpu', { webgpu: 0.5, cpu: 8 }],
    ['cpu', { webgpu: 8, cpu: 0.5 }],
  ] as const) {
    it(`picks the faster backend (${faster}), keeps its runs alone and continues after them`, async () => {
      const { run, options, ran, now } = stubs(msPerRun);
      const m = await measureBackends(run, options);
      expect(m.kind).toBe(faster);
      expect(m.kept.every((c) => c.kind === faster)).toBe(true);
      // The kept chunks are the winner's runs [first, next), contiguous, with nothing of the loser's.
      expect(m.kept.map((c) => [c.begin, c.end])).toEqual(ran[faster]);
      expect(m.kept[0].begin).toBe(100);
      for (let i = 1; i < m.kept.length; i++) expect(m.kept[i].begin).toBe(m.kept[i - 1].end);
      expect(m.next).toBe(m.kept.at(-1)!.end);
      // Rates in work per second, from the last (largest) chunk.
      expect(m.workPerS.webgpu).toBeCloseTo(1e6 / msPerRun.webgpu);
      expect(m.workPerS.cpu).toBeCloseTo(1e6 / msPerRun.cpu);
      // Bounded: each backend spent about the budget at most, and at least one chunk ran on each.
      for (const kind of ['webgpu', 'cpu'] as const) {
        expect(ran[kind].length).toBeGreaterThan(0);
        expect(now[kind]).toBeLessThanOrEqual(options.budgetMs + 4 * msPerRun[kind]);
      }
      // Chunks double: 4, 8, 16…
      expect(ran[faster].slice(0, 3).map(([b, e]) => e - b)).toEqual([4, 8, 16]);
    });
  }

  it('stops at maxRuns, and a WebGPU failure makes the CPU twin win with the error kept', async () => {
    const { run, options, ran } = stubs({ webgpu: 0.001, cpu: 0.001 });
    const m = await measureBackends(run, { ...options, maxRuns: { webgpu: 50, cpu: 60 } });
    expect(ran.webgpu.at(-1)![1]).toBe(150);
    expect(ran.cpu.at(-1)![1]).toBe(160);
    expect(m.next).toBe(m.kind === 'webgpu' ? 150 : 160);
    const failing = await measureBackends({ ...run, webgpu: async () => Promise.reject(new Error('device lost')) }, options);
    expect(failing.kind).toBe('cpu');
    expect(failing.error?.message).toBe('device lost');
    expect(Number.isNaN(failing.workPerS.webgpu)).toBe(true);
  });

  it('times a second chunk after a first that start-up made slow, and takes the rate from it', async () => {
    const { run, options, ran, now } = stubs({ webgpu: 0.5, cpu: 2 });
    let compiled = false;
    const compiling: typeof run.webgpu = async (b, e) => {
      if (!compiled) now.webgpu += 2000; // a compile that outlasts the budget
      compiled = true;
      return run.webgpu(b, e);
    };
    const m = await measureBackends({ ...run, webgpu: compiling }, options);
    expect(ran.webgpu.map(([b, e]) => e - b)).toEqual([4, 4]);
    expect(m.workPerS.webgpu).toBeCloseTo(1e6 / 0.5);
    expect(m.kind).toBe('webgpu');
  });

  it('a cancel stops both timings', async () => {
    const controller = new AbortController();
    controller.abort();
    const { run, options, ran } = stubs({ webgpu: 1, cpu: 1 });
    const m = await measureBackends(run, { ...options, signal: controller.signal });
    expect(ran.webgpu).toEqual([]);
    expect(ran.cpu).toEqual([]);
    expect(m.kept).toEqual([]);
    expect(m.next).toBe(100);
  });
});

describe('the decision', () => {
  it('the faster backend wins; a tie or an unknown rate goes to the CPU twin', () => {
    expect(fasterBackend(2, 1)).toBe('webgpu');
    expect(fasterBackend(1, 2)).toBe('cpu');
    expect(fasterBackend(1, 1)).toBe('cpu');
    expect(fasterBackend(NaN, 1)).toBe('cpu');
    expect(fasterBackend(1, NaN)).toBe('webgpu');
  });

  it('the reason carries both rates', () => {
    expect(ratesText({ kind: 'cpu', webgpu: 4012, cpu: 61_900, threads: 2 })).toBe('WebGPU 4.0k run-steps/s, CPU twin 62k on 2 threads: CPU twin');
    expect(ratesText({ kind: 'webgpu', webgpu: 1.234e7, cpu: 950.2, threads: 1 })).toBe('WebGPU 12M run-steps/s, CPU twin 950 on 1 thread: WebGPU');
    expect(ratesText({ kind: 'cpu', webgpu: NaN, cpu: 1.5e6, threads: 16 })).toBe('WebGPU failed, CPU twin 1.5M on 16 threads: CPU twin');
    expect([999, 1000, 9949, 9950, 123_456, 999_499, 2.5e9].map(formatRate)).toEqual(['999', '1.0k', '9.9k', '10k', '120k', '1.0M', '2500M']);
  });

  it('the shape class ignores the number of seeds, and tells shapes apart by work per run-step', () => {
    const classOf = (input: object) => {
      const spec = parseSpec(input);
      const cells = expandGrid(spec);
      return shapeClass(cells, spec.seeds, 0, cells.length * spec.seeds);
    };
    const token = { base: { family: 'token', L: 32, iterations: 200 } };
    expect(classOf({ ...token, seeds: 16 })).toBe(classOf({ ...token, seeds: 4096 }));
    expect(classOf({ ...token, seeds: 16 })).toMatch(/^token sampled, work 2\^\d+ per run-step$/);
    expect(classOf({ base: { family: 'token', L: 4 }, seeds: 16 })).not.toBe(classOf({ ...token, seeds: 16 }));
    expect(classOf({ base: { family: 'bandit' }, seeds: 16 })).toMatch(/^bandit sampled/);
    expect(decisionKey('SwiftShader', 2, 'token sampled, work 2^14 per run-step')).toBe('SwiftShader | 2 threads | token sampled, work 2^14 per run-step');
  });

  it('sweepWork sums the estimate over the runs of a range, cell by cell', () => {
    const spec = parseSpec({ base: { iterations: 10 }, grid: { L: [2, 8] }, seeds: 4 });
    const cells = expandGrid(spec);
    const all = sweepWork(cells, spec.seeds, 0, 8);
    const parts = [sweepWork(cells, spec.seeds, 0, 3), sweepWork(cells, spec.seeds, 3, 8)];
    expect(all.runSteps).toBe(80);
    expect(parts[0].work + parts[1].work).toBe(all.work);
    expect(sweepWork(cells, spec.seeds, 4, 8).work).toBeGreaterThan(sweepWork(cells, spec.seeds, 0, 4).work); // L = 8 costs more
  });
});

describe('localStorageDecisionStore', () => {
  it('remembers decisions by key in one item, and shrugs off a bad or missing storage', async () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
    const store = localStorageDecisionStore(storage);
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', { kind: 'cpu', webgpu: NaN, cpu: 5, threads: 2 });
    await store.set('b', { kind: 'webgpu', webgpu: 9, cpu: 5, threads: 2 });
    expect(Object.keys(JSON.parse(items.get('gradgap.backend-choice')!))).toEqual(['a', 'b']);
    expect(await localStorageDecisionStore(storage).get('a')).toEqual({ kind: 'cpu', webgpu: NaN, cpu: 5, threads: 2 }); // NaN went through JSON as null
    items.set('gradgap.backend-choice', '{not json');
    expect(await store.get('a')).toBeUndefined();
    const fail = () => {
      throw new Error('denied');
    };
    const broken = localStorageDecisionStore({ getItem: fail, setItem: fail }); // privacy mode, full quota
    await broken.set('a', { kind: 'cpu', webgpu: 1, cpu: 2, threads: 1 });
    expect(await broken.get('a')).toBeUndefined();
  });
});
