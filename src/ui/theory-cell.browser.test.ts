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
