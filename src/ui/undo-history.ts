/**
 * Undo and Redo for a notebook: one design for every kind of change — a cell's edit (any cell
 * kind), a structural edit (add, move, duplicate, delete, rename) and "Revert to file". Each step
 * keeps the whole notebook as it was before: the file text and the reader's edits over it, so a
 * step back is one restore, whatever the change was. A run of typing in one cell is one step.
 * Bounded (UNDO_LIMIT): the oldest steps go first.
 *
 * @example
 *   history.record({ label: 'Deleted #plot-1', ...session.snapshot(), structural: true });
 *   const step = history.undo(session.snapshot()); // then restore `step`
 */
import type { CellEdits } from './local-edits.ts';

export const UNDO_LIMIT = 50;

/** The notebook at one moment: its file text and the reader's edits over it. */
export interface NotebookSnapshot {
  fileText: string;
  edits: CellEdits;
}

/** One step back (or forward): what it did, and the notebook to restore. */
export interface UndoStep extends NotebookSnapshot {
  label: string; // "Deleted #plot-1", "Edited #sweep"
  structural?: boolean; // the notebook's shape changed (or a revert): the page offers Undo where it is seen
  merge?: string; // typing in this cell: a following step with the same key joins this one
}

export class UndoHistory {
  private back: UndoStep[];
  private forward: UndoStep[] = [];
  private typing: string | undefined; // the merge key of the step typing is still adding to

  constructor(steps: readonly UndoStep[] = []) {
    this.back = steps.slice(-UNDO_LIMIT);
  }

  /** The steps Undo can take, oldest first (a copy made by a fork carries them). */
  get steps(): readonly UndoStep[] {
    return this.back;
  }

  /** What Undo would undo, and what Redo would redo. */
  get undoStep(): UndoStep | undefined {
    return this.back.at(-1);
  }
  get redoStep(): UndoStep | undefined {
    return this.forward.at(-1);
  }

  /** Before a change: the notebook as it is. Redo's steps go (a new change forks the timeline). */
  record(step: UndoStep): void {
    this.forward = [];
    if (step.merge !== undefined && step.merge === this.typing) return; // the same run of typing
    this.back.push(step);
    if (this.back.length > UNDO_LIMIT) this.back.shift();
    this.typing = step.merge;
  }

  /** The step to restore, given the notebook now (which Redo will restore); undefined when there is none. */
  undo(now: NotebookSnapshot): UndoStep | undefined {
    const step = this.back.pop();
    if (!step) return undefined;
    this.forward.push({ ...now, label: step.label, structural: step.structural });
    this.typing = undefined;
    return step;
  }

  redo(now: NotebookSnapshot): UndoStep | undefined {
    const step = this.forward.pop();
    if (!step) return undefined;
    this.back.push({ ...now, label: step.label, structural: step.structural });
    this.typing = undefined;
    return step;
  }
}
