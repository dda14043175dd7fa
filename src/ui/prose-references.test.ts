/** Recorded series quoted in prose (J, ‖g‖, ‖Δθ‖, lengths of SPEC 1.7): the median over seeds and its 10–90% band, or the mean, at the last recorded step or at [step=…]. */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../notebook/index.ts';
import { bandAt, gapBandAt, lengthBandAt, summarizeSweep, updateBandAt, type SweepSummary } from '../results/index.ts';
import { formatNumber } from '../plots/index.ts';
import { EOS_LENGTH_SPEC } from '../plots/test-fixtures.ts';
import { evaluateReference, type ReferenceContext } from './prose-references.ts';
import type { SweepState } from './session.ts';
import { theoryForCell, thresholdsOf } from './theory-memo.ts';

(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

let summary: SweepSummary;
let context: ReferenceContext;
const read = (text: string) => {
  const parsed = parseReference(text);
  if (!('ref' in parsed)) throw new Error(parsed.error);
  return evaluateReference(parsed.ref, context);
};

beforeAll(async () => {
  summary = await summarizeSweep(await runSweep(EOS_LENGTH_SPEC as never, { backend: 'cpu' }));
  context = {
    cell: () => ({ kind: 'sweep', issues: [] }) as never,
    sweep: () => ({ summary, stale: false, status: 'done' }) as unknown as SweepState,
    theory: () => undefined,
  };
});

describe('length references', () => {
  it('quote the median over seeds with its 10–90% band, at the last step or the one named', () => {
    const last = lengthBandAt(summary, 'meanLength', 1, summary.recordSteps.length - 1)!;
    expect(read('s.cell[stepSize=30].meanLength').text).toBe(
      `${formatNumber(last.q50)} (10–90% of seeds: ${formatNumber(last.q10)}–${formatNumber(last.q90)})`,
    );
    const start = lengthBandAt(summary, 'expectedLength', 0, 0)!;
    expect(read('s.cell[stepSize=1, step=0].expectedLength').text).toBe(
      `${formatNumber(start.q50)} (10–90% of seeds: ${formatNumber(start.q10)}–${formatNumber(start.q90)})`,
    );
  });

  it('name what is wrong', () => {
    expect(read('s.cell[stepSize=1, step=5].meanLength').text).toMatch(/step=5: #s records steps 0, 10, 20/);
    expect(read('s.cell[stepSize=1, step=0].meanFinalJ').text).toMatch(/only a recorded series \(J, gapNorm, a length, …\) is read at a recorded step/);
    expect(read('s.cell[stepSize=1].lengths').text).toMatch(
      /or a recorded series, one of J, meanJ, gapNorm, updateNorm, meanLength, meanLengthPassing, meanLengthFailing, expectedLength/,
    );
  });
});

// Issue 21: "the surviving runs' median keeps falling" and typed ‖g‖ values had nothing to bind to.
describe('J, ‖g‖ and ‖Δθ‖ references', () => {
  const band = (b: { q10: number; q50: number; q90: number }) => `${formatNumber(b.q50)} (10–90% of seeds: ${formatNumber(b.q10)}–${formatNumber(b.q90)})`;
  it('quote the median and band of J, or its mean over seeds, at a recorded step', () => {
    const R = summary.recordSteps.length;
    expect(read('s.cell[stepSize=30].J').text).toBe(band(bandAt(summary, 1, R - 1)));
    expect(read('s.cell[stepSize=1, step=10].J').text).toBe(band(bandAt(summary, 0, 1)));
    expect(read('s.cell[stepSize=30, step=10].meanJ').text).toBe(formatNumber(bandAt(summary, 1, 1).mean));
    // The two steps differ, so a reference that ignored step= would fail here.
    expect(bandAt(summary, 1, 1).mean).not.toBe(bandAt(summary, 1, R - 1).mean);
  });
  it('quote ‖g‖ and ‖Δθ‖ over the seeds where they are finite', () => {
    const R = summary.recordSteps.length;
    expect(read('s.cell[stepSize=1].gapNorm').text).toBe(band(gapBandAt(summary, 0, R - 1)!));
    expect(read('s.cell[stepSize=30, step=10].updateNorm').text).toBe(band(updateBandAt(summary, 1, 1)!));
    expect(read('s.cell[stepSize=1].gapNorm').title).toMatch(/median over the \d+ of \d+ seeds with a value/);
  });
  it('say why a one-prompt sweep has no shares of prompts', () => {
    expect(read('s.cell[stepSize=1].meanLostShare').text).toMatch(/no mean share of prompts lost over seeds bands \(a sweep of one prompt\)/);
  });
});

// Issue 21: notebook 8 typed "within a factor of about 1.7" of the effective thresholds; they can now be quoted.
describe('critical step size in effective step size', () => {
  it("scales η* and the grid ends by the series' effective scale (1/E_θ0|o| for seq-mean-token-mean with EOS)", () => {
    const row = thresholdsOf(summary).rows[0];
    expect(row.effectiveScale).not.toBe(1);
    const at = (v: number | null, edge: number) => (v === null ? `> ${formatNumber(edge * row.effectiveScale)}` : formatNumber(v * row.effectiveScale));
    const hi = row.stepSizes[row.stepSizes.length - 1];
    expect(read('s.critical[x=effectiveStepSize].high').text).toBe(at(row.meanCrossing.high, hi));
    expect(read('s.critical[x=effectiveStepSize, rule=collapse-half].high').text).toBe(at(row.collapseCrossing.high, hi));
    expect(read('s.critical[x=stepSize].high').text).toBe(read('s.critical.high').text);
  });
  it('names the axes it knows', () => {
    expect(read('s.critical[x=length]').text).toMatch(/x=length: must be stepSize or effectiveStepSize/);
  });
});

describe('a theory reference where the curve has no point', () => {
  it('says why (unbounded) instead of "no point at L = 2"', () => {
    const result = theoryForCell(
      { base: { aggregation: 'seq-sum' }, grid: { L: [2, 8], stepSize: [1, 10] }, seeds: 4 },
      { sweep: 's', y: 'L', curves: ['one-step'] },
    );
    const ctx: ReferenceContext = { cell: () => ({ kind: 'theory', issues: [] }) as never, sweep: () => undefined, theory: () => result };
    const parsed = parseReference('t.one-step[L=2]');
    if (!('ref' in parsed)) throw new Error(parsed.error);
    const v = evaluateReference(parsed.ref, ctx);
    expect(v.state).toBe('fresh');
    expect(v.text).toMatch(/^— \(unbounded: one expected step still raises J/);
  });
});
