/**
 * Markdown, TeX and HTML cells: rendered to HTML, then sanitized; never run. Markdown's `{{…}}`
 * references are written from the current results (prose-references.ts). Markdown and TeX cells
 * edit in place: "Edit text" opens the source beside a live preview. Anything else (a JavaScript
 * cell from Notebook Kit, say) is shown as inert source with a note.
 *
 * Events (bubbling): `cell-edit` {id, value}.
 */
import { LitElement, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { texToHtml } from './markdown.ts';
import { renderProse, type ReferenceContext } from './prose-references.ts';
import { sanitizeHtml } from './sanitize.ts';

export class GgTextCell extends LitElement {
  static override properties = {
    cellId: { attribute: 'cell-id' },
    kind: {},
    type: {},
    source: {},
    references: { attribute: false },
    readOnly: { type: Boolean, attribute: 'read-only' },
    editing: { type: Boolean },
  };
  declare cellId: string;
  declare kind: 'markdown' | 'tex' | 'html' | 'code';
  declare type: string;
  declare source: string;
  declare references: ReferenceContext | undefined; // results the Markdown's references read
  declare readOnly: boolean;
  declare editing: boolean; // the source is open beside the preview

  constructor() {
    super();
    this.cellId = '';
    this.kind = 'markdown';
    this.type = 'text/markdown';
    this.source = '';
    this.readOnly = false;
    this.editing = false;
  }

  protected override createRenderRoot() {
    return this;
  }

  private input(e: Event) {
    const value = (e.target as HTMLTextAreaElement).value;
    this.dispatchEvent(new CustomEvent('cell-edit', { bubbles: true, composed: true, detail: { id: this.cellId, value, typing: true } }));
  }

  private rendered() {
    try {
      const raw =
        this.kind === 'tex'
          ? sanitizeHtml(texToHtml(this.source))
          : this.kind === 'html'
            ? sanitizeHtml(this.source)
            : renderProse(this.source, this.references);
      return html`<div class="prose">${unsafeHTML(raw)}</div>`;
    } catch (error) {
      return html`<div class="field-error">could not render cell #${this.cellId}: ${(error as Error).message}</div>`;
    }
  }

  override render() {
    if (this.kind === 'code') {
      return html`<div class="code-cell">
        <div class="muted">A <code>${this.type}</code> cell (#${this.cellId}): shown as text. gradgap never runs code from a notebook.</div>
        <pre><code>${this.source}</code></pre>
      </div>`;
    }
    const editable = !this.readOnly && (this.kind === 'markdown' || this.kind === 'tex');
    if (!editable) return this.rendered();
    return html`
      <div class="text-tools">
        <button class="toggle-text" aria-pressed=${this.editing ? 'true' : 'false'} @click=${() => (this.editing = !this.editing)}>
          ${this.editing ? 'Done' : 'Edit text'}
        </button>
      </div>
      ${
        this.editing
          ? html`<div class="text-editor">
              <textarea
                class="source"
                aria-label=${`${this.kind === 'tex' ? 'TeX' : 'Markdown'} source of #${this.cellId}`}
                spellcheck=${this.kind === 'markdown' ? 'true' : 'false'}
                rows=${Math.min(16, Math.max(4, this.source.split('\n').length + 1))}
                .value=${this.source}
                @input=${(e: Event) => this.input(e)}
              ></textarea>
              ${
                this.kind === 'markdown'
                  ? html`<div class="muted">
                      Markdown with <code>$TeX$</code>. Quote a result with <code>{{sweep.critical}}</code>,
                      <code>{{sweep.cell[stepSize=10].meanFinalJ}}</code> or <code>{{theory.one-step[L=8]}}</code>.
                    </div>`
                  : nothing
              }
              <div class="preview" aria-label="preview">${this.rendered()}</div>
            </div>`
          : this.rendered()
      }
    `;
  }
}

customElements.define('gg-text-cell', GgTextCell);
