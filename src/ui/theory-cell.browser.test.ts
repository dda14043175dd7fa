/**
 * The theory cell says what its curves are of: with many token prompts (SPEC 1.8) they are the
 * mixture's, and the cell says so under its table; with one prompt it says nothing of the kind.
 */
import { describe, expect, it } from 'vitest';
import type { SweepCellConfig, TheoryCellConfig } from '../notebook/index.ts';
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
