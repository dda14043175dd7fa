/** Length series quoted in prose (SPEC 1.7): the median over seeds and its 10–90% band, at the last recorded step or at [step=…]. */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../notebook/index.ts';
import { lengthBandAt, summarizeSweep, type SweepSummary } from '../results/index.ts';
import { formatNumber } from '../plots/index.ts';
import { EOS_LENGTH_SPEC } from '../plots/test-fixtures.ts';
import { evaluateReference, type ReferenceContext } from './prose-references.ts';
import type { SweepState } from './session.ts';

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
    expect(read('s.cell[stepSize=1, step=0].meanFinalJ').text).toMatch(/only a length series is read at a recorded step/);
    expect(read('s.cell[stepSize=1].lengths').text).toMatch(/or a length series, one of meanLength, meanLengthPassing, meanLengthFailing, expectedLength/);
  });
});
