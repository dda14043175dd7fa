import { describe, expect, it } from 'vitest';
import { UNDO_LIMIT, UndoHistory } from './undo-history.ts';

const at = (n: number) => ({ fileText: `file ${n}`, edits: { a: `a${n}` } });

describe('UndoHistory', () => {
  it('undo then redo walks the same states back and forth', () => {
    const h = new UndoHistory();
    h.record({ label: 'one', ...at(0) });
    h.record({ label: 'two', ...at(1) });
    expect(h.undo(at(2))).toMatchObject({ label: 'two', ...at(1) });
    expect(h.undo(at(1))).toMatchObject({ label: 'one', ...at(0) });
    expect(h.undo(at(0))).toBeUndefined();
    expect(h.redo(at(0))).toMatchObject({ label: 'one', ...at(1) });
    expect(h.redo(at(1))).toMatchObject({ label: 'two', ...at(2) });
    expect(h.redo(at(2))).toBeUndefined();
  });

  it('a new change drops Redo; a run of typing in one cell is one step, broken by another change or an undo', () => {
    const h = new UndoHistory();
    h.record({ label: 'typed a', merge: 'a', ...at(0) });
    h.record({ label: 'typed a', merge: 'a', ...at(1) });
    h.record({ label: 'typed b', merge: 'b', ...at(2) });
    h.record({ label: 'typed a', merge: 'a', ...at(3) });
    expect(h.steps.map((s) => s.fileText)).toEqual(['file 0', 'file 2', 'file 3']);
    h.undo(at(4));
    expect(h.redoStep).toBeDefined();
    h.record({ label: 'typed a', merge: 'a', ...at(3) }); // after an undo: a new step, and Redo is gone
    expect(h.steps.map((s) => s.fileText)).toEqual(['file 0', 'file 2', 'file 3']);
    expect(h.redoStep).toBeUndefined();
  });

  it(`keeps the last ${UNDO_LIMIT} steps`, () => {
    const h = new UndoHistory();
    for (let i = 0; i < UNDO_LIMIT + 7; i++) h.record({ label: `${i}`, ...at(i) });
    expect(h.steps).toHaveLength(UNDO_LIMIT);
    expect(h.steps[0].label).toBe('7');
  });
});
