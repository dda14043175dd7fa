/**
 * The theory cell says what its curves are of: with many token prompts (SPEC 1.8) they are the
 * mixture's, and the cell says so under its table; with one prompt it says nothing of the kind.
 */
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../engine/index.ts';
import type { SweepCellConfig, TheoryCellConfig } from '../notebook/index.ts';
import type { SweepSummary } from '../results/index.ts';
import './gg-theory-cell.ts';
import type { GgTheoryCell } from './gg-theory-cell.ts';
import { theoryForCell } from './theory-memo.ts';

const sweep = (N: number): SweepCellConfig => ({
  base: { family: 'token', V: 8, d: 8, L: 4, J0: 0.3, G: 8, N, B: N, advantage: 'group-std', aggregation: 'seq-sum' },
  grid: { stepSize: [1, 10] },
  seeds: 4,
});
const theory: TheoryCellConfig = { sweep: 'sweep', curves: ['one-step'], instances: 2 };

async function cellText(N: number): Promise<string> {
  const cell = document.createElement('gg-theory-cell') as GgTheoryCell;
  cell.cellId = 'theory';
  cell.config = theory;
  cell.result = theoryForCell(sweep(N), theory);
  document.body.append(cell);
  await cell.updateComplete;
  const text = cell.textContent ?? '';
  cell.remove();
  return text;
}

describe('theory cell', () => {
  it('says the curves are the mixture’s with many prompts, and not with one', async () => {
    const many = await cellText(4);
    expect(many).toMatch(/One-step threshold/);
    expect(many).toMatch(/With many prompts \(SPEC 1\.8\): the curves are the mixture’s/);
    const one = await cellText(1);
    expect(one).toMatch(/One-step threshold/);
    expect(one).not.toMatch(/mixture/);
  });
});

// Issue 21: notebook 2 sweeps L ∈ {2, 8, 32} and its theory table listed only 8 and 32 — L = 2's
// one-step threshold is unbounded, and the row vanished with it.
describe('theory table rows with no threshold', () => {
  it('keeps the row of an unbounded one-step threshold, with "—" and the reason', async () => {
    const config: SweepCellConfig = { base: { aggregation: 'seq-sum' }, grid: { L: [2, 8, 32], stepSize: [1, 10] }, seeds: 4 };
    const result = theoryForCell(config, { sweep: 'seqsum', y: 'L', curves: ['one-step'] });
    expect(result.curves[0].gaps.map((g) => g.y)).toEqual([2]);
    const cell = document.createElement('gg-theory-cell') as GgTheoryCell;
    cell.cellId = 'theory-seqsum';
    cell.config = { sweep: 'seqsum', y: 'L', curves: ['one-step'] };
    cell.result = result;
    document.body.append(cell);
    await cell.updateComplete;
    const rows = [...cell.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(rows.map((r) => r[0])).toEqual(['2', '8', '32']);
    expect(rows[0][1]).toMatch(/^— unbounded$/);
    expect(cell.querySelector('tbody td.theory-gap')?.getAttribute('title')).toMatch(/unbounded: one expected step still raises J at every η tried, up to 1e6/);
    expect(cell.querySelector('.theory-gaps')?.textContent).toMatch(/L = 2, exact one-step threshold at θ0: unbounded/);
    cell.remove();
  });
});

// Issue 22: a transformer sweep's one-step threshold is per run, after its warm start, so its theory
// cell draws it from the sweep's results, and says so (not an error) before they exist.
describe('a transformer sweep’s theory cell', () => {
  const config: SweepCellConfig = {
    base: { policy: 'transformer', V: 4, d: 8, N: 8, B: 4, G: 4, promptLength: 2 },
    grid: { stepSize: [0.03, 3], J0: [0.3, 0.6] },
    seeds: 2,
  };
  const theoryConfig: TheoryCellConfig = { sweep: 'sweep', y: 'J0' };
  const show = async (result: ReturnType<typeof theoryForCell>) => {
    const cell = document.createElement('gg-theory-cell') as GgTheoryCell;
    cell.cellId = 'theory';
    cell.config = theoryConfig;
    cell.result = result;
    document.body.append(cell);
    await cell.updateComplete;
    return cell;
  };

  it('says the prediction comes from the sweep’s results, then lists each J0’s median over seeds from them', async () => {
    const waiting = await show(theoryForCell(config, theoryConfig));
    expect(waiting.textContent).toMatch(/no theory curve: a transformer sweep’s one-step threshold comes from its results/);
    expect(waiting.textContent).toMatch(/from the runs of #sweep/);
    waiting.remove();
    // Runs: cell (η, J0) · 2 seeds, J0 the faster axis; each seed's value the same at both η.
    const summary = { spec: withDefaults(config), oneStepThreshold: Float32Array.of(1, 4, 2, 8, 1, 4, 2, 8) } as unknown as SweepSummary;
    const result = theoryForCell(config, theoryConfig, '', summary);
    expect(result.curves[0].points.map((p) => [p.y, p.stepSize])).toEqual([
      [0.3, 2],
      [0.6, 4],
    ]);
    // Another summary (a rerun) is another result, not the memo of the first.
    const rerun = { ...summary, oneStepThreshold: Float32Array.of(1, 1, 2, 2, 1, 1, 2, 2) } as SweepSummary;
    expect(theoryForCell(config, theoryConfig, '', rerun).curves[0].points.map((p) => p.stepSize)).toEqual([1, 2]);
    const cell = await show(result);
    const rows = [...cell.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(rows.map((r) => r[0])).toEqual(['0.3', '0.6']);
    expect(cell.textContent).toMatch(/exact one-step threshold after the SFT warm start/);
    expect(cell.textContent).toMatch(/from the runs of #sweep/);
    expect(cell.textContent).toMatch(/at θ after each run’s SFT warm start/);
    expect(cell.textContent).not.toMatch(/at θ0|seed instances/); // the log-linear cell's words are not this curve's
    cell.remove();
  });
});
