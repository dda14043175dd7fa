/**
 * What every declarative cell element shares: its id, its checked config and the issues of that
 * check, drawn in light DOM so the page's stylesheet reaches it. Subclasses declare their own
 * inputs (Lit merges the reactive properties of a subclass with these) and render.
 *
 * @example
 *   class GgTableCell extends GgConfigCell<TableCellConfig> {
 *     static override properties = { input: { attribute: false } };
 *   }
 */
import { LitElement, html, type PropertyDeclarations } from 'lit';
import type { CellIssue } from '../notebook/index.ts';

export class GgConfigCell<Config> extends LitElement {
  static override properties: PropertyDeclarations = {
    cellId: { attribute: 'cell-id' },
    config: { attribute: false },
    issues: { attribute: false },
  };
  declare cellId: string;
  declare config: Config | undefined;
  declare issues: CellIssue[];

  constructor() {
    super();
    this.cellId = '';
    this.issues = [];
  }

  protected override createRenderRoot() {
    return this;
  }

  /** The check's issues, one line each ("field: message"). */
  protected issueLines() {
    return this.issues.map((i) => html`<div class="field-error">${i.field ? `${i.field}: ` : ''}${i.message}</div>`);
  }
}
