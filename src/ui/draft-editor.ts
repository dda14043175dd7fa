/**
 * What the notebook's source editors share (the sweep cell, the config editor of plot, theory,
 * table and text cells): a cell's id and committed source, whether it may be edited, whether the
 * editor is open, its form or source view and the draft being typed; rendered into the page's
 * light DOM so the page's styles apply.
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
}
