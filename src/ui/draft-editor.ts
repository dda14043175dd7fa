/**
 * What the notebook's source editors share (the sweep cell, the config editor of plot, theory and
 * table cells): a cell's id and committed source, whether it may be edited, whether the editor is
 * open, its form or source view and the draft being typed; rendered into the page's light DOM so
 * the page's styles apply.
 *
 * One model per cell: the committed `source` (the notebook's, which the cell's header menus also
 * write) is the state; the draft is only text not yet applied. Every view (form, JSON) renders
 * from the draft, and a source that arrives from anywhere but this editor replaces the draft.
 * The echo of this editor's own `cell-edit` does not, so keystrokes typed after it survive.
 *
 * @example
 *   class GgConfigEditor extends DraftEditor { static override properties = { kind: {} }; … }
 */
import { LitElement, type PropertyDeclarations } from 'lit';

export class DraftEditor extends LitElement {
  // Subclasses add their own; Lit keeps these (reactive properties are inherited).
  static override properties: PropertyDeclarations = {
    cellId: { attribute: 'cell-id' },
    source: {},
    readOnly: { type: Boolean, attribute: 'read-only' },
    open: { type: Boolean },
    view: { state: true },
    draft: { state: true },
  };
  declare cellId: string;
  declare source: string;
  declare readOnly: boolean;
  declare open: boolean; // editor shown (a pinned sweep cell starts open)
  declare view: 'form' | 'source';
  declare draft: string;
  /** Sources sent up and not yet come back, oldest first. An echo consumes itself and every older one. */
  private readonly inFlight: string[] = [];

  constructor() {
    super();
    this.cellId = '';
    this.source = '';
    this.readOnly = false;
    this.open = false;
    this.view = 'form';
    this.draft = '';
  }

  protected override createRenderRoot() {
    return this;
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (!changed.has('source')) return;
    const echo = this.inFlight.lastIndexOf(this.source);
    if (echo >= 0) {
      this.inFlight.splice(0, echo + 1);
      return;
    }
    // From elsewhere (a header menu, Undo, a revert, a link, the first render): the one state wins.
    this.inFlight.length = 0;
    this.draft = this.source;
    this.sourceReplaced();
  }

  /** Called when a source from outside replaced the draft: drop what the form kept of the old one. */
  protected sourceReplaced(): void {}

  /**
   * New draft text: kept here always; sent up as `cell-edit` when `valid` and not the source.
   * `typing`: from a keystroke in a text view (Undo merges a run of these into one step).
   */
  protected commitDraft(text: string, valid: boolean, typing = false): void {
    this.draft = text;
    if (!valid || text === this.source) return;
    this.inFlight.push(text);
    if (this.inFlight.length > 64) this.inFlight.shift();
    this.dispatchEvent(new CustomEvent('cell-edit', { bubbles: true, composed: true, detail: { id: this.cellId, value: text, typing } }));
  }
}
