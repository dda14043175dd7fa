/**
 * Markdown, TeX and HTML cells: rendered to HTML, then sanitized; never run. Anything else (a
 * JavaScript cell from Notebook Kit, say) is shown as inert source with a note.
 */
import { LitElement, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { markdownToHtml, texToHtml } from './markdown.ts';
import { sanitizeHtml } from './sanitize.ts';

export class GgTextCell extends LitElement {
  static override properties = {
    cellId: { attribute: 'cell-id' },
    kind: {},
    type: {},
    source: {},
  };
  declare cellId: string;
  declare kind: 'markdown' | 'tex' | 'html' | 'code';
  declare type: string;
  declare source: string;

  constructor() {
    super();
    this.cellId = '';
    this.kind = 'markdown';
    this.type = 'text/markdown';
    this.source = '';
  }

  protected override createRenderRoot() {
    return this;
  }

  override render() {
    if (this.kind === 'code') {
      return html`<div class="code-cell">
        <div class="muted">A <code>${this.type}</code> cell (#${this.cellId}): shown as text. gradgap never runs code from a notebook.</div>
        <pre><code>${this.source}</code></pre>
      </div>`;
    }
    let rendered: string;
    try {
      const raw = this.kind === 'tex' ? texToHtml(this.source) : this.kind === 'html' ? this.source : markdownToHtml(this.source);
      rendered = sanitizeHtml(raw);
    } catch (error) {
      return html`<div class="field-error">could not render cell #${this.cellId}: ${(error as Error).message}</div>`;
    }
    return html`<div class="prose">${unsafeHTML(rendered)}</div>
      ${nothing}`;
  }
}

customElements.define('gg-text-cell', GgTextCell);
