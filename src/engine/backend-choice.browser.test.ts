/**
 * `auto` by measurement on SwiftShader in headless Chromium: it picks the CPU twin on the real
 * clock, WebGPU when the clock is skewed in its favour; either way the kept results are bit for
 * bit the winner's alone, and the decision is remembered so the next sweep does not measure.
 */
import { describe, expect, it } from 'vitest';
import { memoryDecisionStore, type DecisionStore } from './backend-choice.ts';
import { acquireGpu } from './device.ts';
import { runSweep } from './run-sweep.ts';
import type { BackendInfo, BackendKind, SweepResult } from './results.ts';

// 3 cells × 16 seeds: enough runs that each backend times more than one chunk.
const spec = { base: { iterations: 20, recordEvery: 5 }, grid: { stepSize: [1, 10, 100] }, seeds: 16 };
const bits = (r: SweepResult) => [Array.from(new Uint32Array(r.runs.finalJ.buffer)), Array.from(new Uint32Array(r.runs.trajectory.buffer)), r.cellStats];
const rates = /WebGPU [\d.]+[kM]? run-steps\/s, CPU twin [\d.]+[kM]? on \d+ threads?: /;

/** The two rates a measured reason states, in run-steps/s: [WebGPU, CPU twin]. */
function measuredRates(reason: string): [number, number] {
  const value = (text: string) => parseFloat(text) * ({ k: 1e3, M: 1e6 }[text.slice(-1)] ?? 1);
  const m = /WebGPU ([\d.]+[kM]?) run-steps\/s, CPU twin ([\d.]+[kM]?) on/.exec(reason);
  if (!m) throw new Error(`no rates in: ${reason}`);
  return [value(m[1]), value(m[2])];
}

/** A clock that runs `factor[kind]` times as fast as real time while `kind` is timed, counting its calls. */
function skewedClock(factor: Record<BackendKind, number>) {
  const clock = (kind: BackendKind) => (clock.calls++, performance.now() * factor[kind]);
  clock.calls = 0;
  return clock;
}

describe('auto by measurement', () => {
  // On the real clock the winner depends on how busy the machine is (SwiftShader shares the cores
  // with the twin), so the verdict is that auto kept the backend its own measurement favoured, and
  // that backend's runs alone: never which one won.
  it('on SwiftShader picks the faster of its two measured rates, says both, and keeps runs bit-identical to that backend alone', async () => {
    const gpu = await acquireGpu();
    expect(gpu.fallbackAdapter).toBe(true);
    const store = memoryDecisionStore();
    const seen: BackendInfo[] = [];
    const auto = await runSweep(spec, { gpu, auto: { store, measureAboveS: 0, budgetMs: 300 }, onBackend: (b) => seen.push(b) });
    expect(auto.backend.reason).toMatch(/^auto, measured on this sweep's first runs: /);
    expect(auto.backend.reason).toMatch(rates);
    const [gpuRate, cpuRate] = measuredRates(auto.backend.reason);
    // The reason rounds to two figures: where both read the same, either may have won.
    if (gpuRate !== cpuRate) expect(auto.backend.kind).toBe(gpuRate > cpuRate ? 'webgpu' : 'cpu');
    const winner = auto.backend.kind;
    expect(auto.backend.reason).toMatch(winner === 'cpu' ? /: CPU twin$/ : /: WebGPU$/);
    expect(seen).toEqual([auto.backend]); // told once, when decided
    expect(auto.complete).toBe(true);
    const alone = winner === 'cpu' ? await runSweep(spec, { backend: 'cpu' }) : await runSweep(spec, { backend: 'webgpu', gpu });
    expect(bits(auto)).toEqual(bits(alone));
  });

  it('with the clock skewed for WebGPU it picks WebGPU, and the kept runs are bit-identical to WebGPU alone (none of the CPU twin’s)', async () => {
    const gpu = await acquireGpu();
    const clock = skewedClock({ webgpu: 1e-4, cpu: 1 });
    const auto = await runSweep(spec, { gpu, auto: { store: memoryDecisionStore(), clock, measureAboveS: 0, budgetMs: 300 } });
    expect(auto.backend.kind).toBe('webgpu');
    expect(auto.backend.threads).toBe(1);
    expect(auto.backend.reason).toMatch(rates);
    expect(auto.backend.reason).toMatch(/: WebGPU$/);
    const [gpuAlone, cpuAlone] = [await runSweep(spec, { backend: 'webgpu', gpu }), await runSweep(spec, { backend: 'cpu' })];
    expect(bits(gpuAlone)).not.toEqual(bits(cpuAlone)); // else this test could not tell whose runs were kept
    expect(bits(auto)).toEqual(bits(gpuAlone));
  });

  it('and skewed for the CPU twin it picks the CPU twin', async () => {
    const gpu = await acquireGpu();
    const auto = await runSweep(spec, {
      gpu,
      auto: { store: memoryDecisionStore(), clock: skewedClock({ webgpu: 1, cpu: 1e-4 }), measureAboveS: 0, budgetMs: 300 },
    });
    expect(auto.backend.kind).toBe('cpu');
    expect(bits(auto)).toEqual(bits(await runSweep(spec, { backend: 'cpu' })));
  });

  it('remembers the decision: the next sweep of the shape class, large or small, does not measure', async () => {
    const gpu = await acquireGpu();
    const stored: string[] = [];
    const memory = memoryDecisionStore();
    const store: DecisionStore = { get: memory.get, set: async (key, c) => (stored.push(key), memory.set(key, c)) };
    const clock = skewedClock({ webgpu: 1e-4, cpu: 1 }); // a decision the rule would not make on a software adapter
    const first = await runSweep(spec, { gpu, auto: { store, clock, measureAboveS: 0, budgetMs: 300 } });
    expect(first.backend.kind).toBe('webgpu');
    expect(stored).toHaveLength(1);
    const callsAfterFirst = clock.calls;
    const again = await runSweep(spec, { gpu, auto: { store, clock, measureAboveS: 0, budgetMs: 300 } });
    expect(clock.calls).toBe(callsAfterFirst); // not timed again
    expect(stored).toHaveLength(1);
    expect(again.backend.kind).toBe('webgpu');
    expect(again.backend.reason).toMatch(/^auto, measured before on this adapter for token sampled, work 2\^\d+ per run-step: /);
    expect(again.backend.reason).toMatch(rates);
    expect(bits(again)).toEqual(bits(first));
    // A small sweep of the same shape class (fewer seeds, under the threshold) uses the decision too.
    const small = await runSweep({ ...spec, seeds: 2 }, { gpu, auto: { store, clock } });
    expect(small.backend.kind).toBe('webgpu');
    // Another shape class under the threshold falls back to the rule: CPU twin on a software adapter.
    const other = await runSweep({ ...spec, base: { ...spec.base, L: 3 }, seeds: 2 }, { gpu, auto: { store, clock } });
    expect(other.backend.kind).toBe('cpu');
    expect(other.backend.reason).toMatch(/software adapter/);
  });

  it('a cancel while the backends are timed says no choice was made and remembers nothing', async () => {
    const gpu = await acquireGpu();
    const remembered: string[] = [];
    const store: DecisionStore = { get: async () => undefined, set: async (key) => void remembered.push(key) };
    const controller = new AbortController();
    // Cancel during WebGPU's timing: after its first timed chunk (the clock is read before and after each chunk).
    const clock = (kind: BackendKind) => {
      if (kind === 'webgpu' && ++clock.calls === 3) controller.abort();
      return performance.now();
    };
    clock.calls = 0;
    const seen: BackendInfo[] = [];
    const result = await runSweep(spec, {
      gpu,
      signal: controller.signal,
      auto: { store, clock, measureAboveS: 0, budgetMs: 300 },
      onBackend: (b) => seen.push(b),
    });
    expect(result.stopReason).toBe('cancelled');
    expect(result.backend.reason).toMatch(
      /^auto: cancelled while timing the backends on this sweep's first runs, before a choice \(WebGPU [\d.]+[kM]? run-steps\/s, CPU twin not timed\); nothing remembered$/,
    );
    expect(seen).toEqual([result.backend]);
    expect(remembered).toEqual([]);
    expect(result.runsDone).toBeLessThan(48);
  });

  it('the override still wins over a remembered decision', async () => {
    const gpu = await acquireGpu();
    const store = memoryDecisionStore();
    await runSweep(spec, { gpu, auto: { store, clock: skewedClock({ webgpu: 1e-4, cpu: 1 }), measureAboveS: 0, budgetMs: 300 } });
    const forced = await runSweep(spec, { gpu, backend: 'cpu', auto: { store } });
    expect(forced.backend.kind).toBe('cpu');
    expect(forced.backend.reason).toBe('user override: CPU twin');
  });
});
