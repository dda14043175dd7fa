/**
 * A notebook on the page: problems found in the file (with lines), the reader's edits (autosaved,
 * revertible), the baked results' provenance with Reproduce, and one element per cell, each with
 * its tools (Add cell below, Move up, Move down, Duplicate, Delete cell), and Undo / Redo of
 * every change (cell edits, structural edits, Revert to file). It re-renders on the session's `change` and turns cell events into session calls.
 */
import { LitElement, html, nothing } from 'lit';
import {
  ADDABLE_KINDS,
  addCellBelow,
  deleteCell,
  duplicateCell,
  moveCell,
  referencedCells,
  type AddableKind,
  type CellIssue,
  type CheckedCell,
  type Notebook,
} from '../notebook/index.ts';
import { download } from '../plots/index.ts';
import { bakedProvenance } from './baked-provenance.ts';
import type { PlotInput } from './gg-plot-cell.ts';
import './config-editor.ts';
import './gg-plot-cell.ts';
import './gg-logs-cell.ts';
import './gg-logs-plot-cell.ts';
import './gg-sweep-cell.ts';
import './gg-table-cell.ts';
import './gg-text-cell.ts';
import './gg-theory-cell.ts';
import type { ReferenceContext } from './prose-references.ts';
import type { NotebookSession } from './session.ts';
import { theoryForCell, type TheoryResult } from './theory-memo.ts';

/**
 * Where the notebook on the page came from, in the bar above its cells: a file the reader opened
 * (named, not "As published": issue 21), the reader's own notebook, or a built-in one as published.
 */
export function origin(s: Pick<NotebookSession, 'name' | 'fileName' | 'ownFile'>): string {
  if (s.ownFile) return 'Your notebook, kept in this browser.';
  if (s.name.startsWith('file:')) return `Opened from the file ${s.fileName}.`;
  return 'As published.';
}

export class GgNotebook extends LitElement {
  static override properties = {
    session: { attribute: false },
    wgslHash: { attribute: false },
    width: { type: Number },
    adding: { state: true },
  };
  declare session: NotebookSession | undefined;
  declare wgslHash: string | undefined;
  declare width: number;
  declare adding: string | null | undefined; // the cell whose "Add cell below" menu is open ('' = the top of an empty notebook)
  private added: string | undefined; // the cell just added (or duplicated): its editor opens
  private focusPending: { id: string; button?: string } | undefined; // where the keyboard focus goes once the cell is drawn
  private readonly onChange = () => this.requestUpdate();
  private listening: NotebookSession | undefined;

  constructor() {
    super();
    this.width = 720;
  }

  protected override createRenderRoot() {
    return this;
  }

  protected override willUpdate(): void {
    if (this.listening !== this.session) {
      this.listening?.removeEventListener('change', this.onChange);
      this.session?.addEventListener('change', this.onChange);
      this.listening = this.session;
    }
    // The tab says the notebook's current title: after a rename as well as after opening (issue 21).
    if (this.session) document.title = `${this.session.notebook.title} · gradgap`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listening?.removeEventListener('change', this.onChange);
    this.listening = undefined;
  }

  private input(id: string): PlotInput {
    const c = this.session!.cell(id);
    const title = c?.kind === 'sweep' ? c.config?.title : undefined;
    return { id, label: title ?? id, state: this.session!.sweeps.get(id) };
  }

  /** Curves of a theory cell, when it and its sweep are valid. */
  private theoryCell(id: string, label = ''): TheoryResult | undefined {
    const t = this.session!.cell(id);
    if (!t || t.kind !== 'theory' || t.issues.length || !t.config) return undefined;
    const config = t.config;
    const sweep = this.session!.cell(config.sweep);
    if (!sweep || sweep.kind !== 'sweep' || sweep.issues.length || !sweep.config) return undefined;
    // A transformer sweep's one-step threshold comes from its results (sweepTheoryCurves).
    return theoryForCell(sweep.config, config, label, this.session!.sweeps.get(config.sweep)?.summary);
  }

  /** Curves of the theory cells a plot names; each labelled with its sweep in a compare view. */
  private theory(ids: string | string[] | undefined, compare = false): TheoryResult | undefined {
    const list = ids === undefined ? [] : Array.isArray(ids) ? ids : [ids];
    const results = list.map((id) => {
      const t = this.session!.cell(id);
      const sweepId = t?.kind === 'theory' ? t.config?.sweep : undefined;
      return this.theoryCell(id, compare && sweepId ? this.input(sweepId).label : '');
    });
    const ok = results.filter((r): r is TheoryResult => !!r);
    if (!ok.length) return undefined;
    return { curves: ok.flatMap((r) => r.curves), reason: ok.find((r) => r.reason)?.reason, ms: ok.reduce((a, r) => a + r.ms, 0) };
  }

  /** What a Markdown cell's references read: this page's cells, sweep states and theory curves. */
  private references(): ReferenceContext {
    const s = this.session!;
    return { cell: (id) => s.cell(id), sweep: (id) => s.sweeps.get(id), theory: (id) => this.theoryCell(id) };
  }

  /** A structural edit, named for Undo. */
  /** `button`: after a move, the focus stays on the moved cell's button of that name, not in its editor. */
  private restructure(next: Notebook, label?: string, focus?: string, button?: string) {
    this.adding = undefined;
    this.added = focus;
    this.focusPending = focus ? { id: focus, button } : undefined;
    void this.session!.restructure(next, label);
  }

  protected override updated(): void {
    const pending = this.focusPending;
    if (pending && this.querySelector(`section.cell[data-cell-id="${CSS.escape(pending.id)}"]`)) void this.focusCell(pending.id, pending.button);
  }

  /**
   * Moves the keyboard focus into a cell just added or duplicated (else it falls to the page's
   * body when the button that made it goes): its editor's first field, else the cell itself.
   */
  private async focusCell(id: string, button?: string) {
    this.focusPending = undefined;
    const section = this.querySelector<HTMLElement>(`section.cell[data-cell-id="${CSS.escape(id)}"]`);
    if (!section) return;
    for (const el of section.querySelectorAll<HTMLElement & { updateComplete?: Promise<boolean> }>('*')) if (el.updateComplete) await el.updateComplete;
    if (button) {
      // At the top or bottom the named button is disabled: the cell's first enabled tool instead.
      const tools = [...section.querySelectorAll<HTMLButtonElement>('.cell-tools button')].filter((b) => !b.disabled);
      (tools.find((b) => b.getAttribute('aria-label') === button) ?? tools[0])?.focus();
      return;
    }
    const usable = (el: HTMLElement) =>
      !el.closest('.cell-tools') && !(el as HTMLInputElement).disabled && !(el as HTMLInputElement).readOnly && el.offsetParent !== null;
    const fields = [...section.querySelectorAll<HTMLElement>('textarea, input, select')].filter(usable);
    // The editor's fields before a plot header's menus.
    const field = fields.find((el) => el.closest('gg-config-editor, .text-editor, .sweep-form, textarea.source')) ?? fields[0];
    if (field) field.focus();
    else {
      section.tabIndex = -1;
      section.focus();
    }
  }

  private addBelow(afterId: string | undefined, kind: AddableKind) {
    const { notebook, id } = addCellBelow(this.session!.notebook, afterId, kind);
    this.restructure(notebook, `Added #${id}`, id);
  }

  private renderAddMenu(afterId: string | undefined) {
    return html`<div class="add-menu" role="group" aria-label="Kind of cell to add">
      ${ADDABLE_KINDS.map(
        (k) =>
          html`<button @click=${() => this.addBelow(afterId, k)}>
            ${{ markdown: 'Markdown', tex: 'TeX', sweep: 'Sweep', plot: 'Plot', theory: 'Theory', table: 'Table' }[k]}
          </button>`,
      )}
      <button class="cancel-add" @click=${() => (this.adding = undefined)}>Cancel</button>
    </div>`;
  }

  private renderCellTools(c: CheckedCell, index: number) {
    const s = this.session!;
    const id = c.cell.id;
    const nb = s.notebook;
    return html`<div class="cell-tools" role="toolbar" aria-label=${`cell #${id}`}>
      <button
        title="Add cell below"
        aria-label="Add cell below"
        aria-expanded=${this.adding === id ? 'true' : 'false'}
        @click=${() => (this.adding = this.adding === id ? undefined : id)}
      >
        +
      </button>
      <button title="Move up" aria-label="Move up" ?disabled=${index === 0} @click=${() => this.restructure(moveCell(nb, id, -1), `Moved #${id} up`, id, 'Move up')}>
        ↑
      </button>
      <button
        title="Move down"
        aria-label="Move down"
        ?disabled=${index === nb.cells.length - 1}
        @click=${() => this.restructure(moveCell(nb, id, 1), `Moved #${id} down`, id, 'Move down')}
      >
        ↓
      </button>
      <button
        title="Duplicate"
        aria-label="Duplicate"
        @click=${() => {
          const d = duplicateCell(nb, id);
          this.restructure(d.notebook, `Duplicated #${id} as #${d.id}`, d.id);
        }}
      >
        copy
      </button>
      <button title="Delete cell" aria-label="Delete cell" class="delete-cell" @click=${() => this.restructure(deleteCell(nb, id), `Deleted #${id}`)}>✕</button>
    </div>`;
  }

  /** The form / JSON editor under a plot, theory, table or logs cell (its JSON view); open when the cell has problems, so that it can be fixed here. */
  private renderConfigEditor(c: CheckedCell) {
    if (!hasConfigEditor(c)) return nothing;
    const cells = this.session!.checked.map((x) => ({ id: x.cell.id, kind: x.kind }));
    return html`<gg-config-editor cell-id=${c.cell.id} kind=${c.kind} .source=${c.cell.value} .cells=${cells} ?open=${c.issues.length > 0 || this.added === c.cell.id}></gg-config-editor>`;
  }

  /**
   * A cell's problems as its body shows them. Where the editor under it is drawn (open, because
   * there are problems) it lists each one beside its field, so the body says where they are
   * instead of listing them a second time (a JSON syntax error keeps its line in the file here);
   * a read-only page has no editor and lists them here.
   */
  private bodyIssues(c: CheckedCell): CellIssue[] {
    if (this.session!.notebook.readOnly || !c.issues.length || !hasConfigEditor(c)) return c.issues;
    // A problem placed by its line in the file stays here: the editor counts lines from the cell's start.
    const inFile = c.issues.filter((i) => i.line !== undefined);
    const n = c.issues.length - inFile.length;
    if (!n) return c.issues;
    return [...inFile, { message: `${n === 1 ? 'One problem' : `${n} problems`}${inFile.length ? ' more' : ''}, listed in the editor below.` }];
  }

  private renderCell(c: CheckedCell) {
    const s = this.session!;
    const id = c.cell.id;
    const readOnly = s.notebook.readOnly;
    const issues = this.bodyIssues(c);
    switch (c.kind) {
      case 'sweep':
        return html`<gg-sweep-cell
          cell-id=${id}
          .source=${c.cell.value}
          .state=${s.sweeps.get(id)}
          ?read-only=${readOnly}
          ?edited=${s.edits[id] !== undefined}
          ?open=${c.cell.pinned || this.added === id}
          .autoRunRunSteps=${s.autoRunRunSteps}
        ></gg-sweep-cell>`;
      case 'plot': {
        const config = c.config;
        if (config?.view === 'logs-trajectories' || config?.view === 'logs-outcome') {
          const logs = config.logs !== undefined ? s.cell(config.logs) : undefined;
          return html`<gg-logs-plot-cell
            cell-id=${id}
            .config=${config}
            .issues=${issues}
            .logsConfig=${logs?.kind === 'logs' && !logs.issues.length ? logs.config : undefined}
            .input=${config.sweep !== undefined && !c.issues.length ? this.input(config.sweep) : undefined}
            ?read-only=${readOnly}
            width=${this.width}
          ></gg-logs-plot-cell>`;
        }
        const ids = c.dependencies.filter((d) => s.cell(d)?.kind === 'sweep');
        return html`<gg-plot-cell
          cell-id=${id}
          .config=${config}
          .issues=${issues}
          .inputs=${ids.map((d) => this.input(d))}
          .theory=${c.issues.length ? undefined : this.theory(config?.theory, config?.view === 'compare')}
          ?read-only=${readOnly}
          width=${this.width}
        ></gg-plot-cell>`;
      }
      case 'theory':
        return html`<gg-theory-cell
          cell-id=${id}
          .config=${c.config}
          .issues=${issues}
          .result=${c.issues.length ? undefined : this.theoryCell(id)}
        ></gg-theory-cell>`;
      case 'logs':
        return html`<gg-logs-cell cell-id=${id} .config=${c.config} .issues=${issues} ?read-only=${readOnly}></gg-logs-cell>`;
      case 'table': {
        const config = c.config;
        return html`<gg-table-cell
          cell-id=${id}
          .config=${config}
          .issues=${issues}
          .input=${config && !c.issues.length ? this.input(config.sweep) : undefined}
        ></gg-table-cell>`;
      }
      default:
        return html`<gg-text-cell
          cell-id=${id}
          kind=${c.kind}
          type=${c.cell.type}
          .source=${c.cell.value}
          .references=${c.kind === 'markdown' && referencedCells(c.cell.value).length ? this.references() : undefined}
          ?read-only=${readOnly}
          ?editing=${this.added === id}
        ></gg-text-cell>`;
    }
  }

  private renderFileIssues() {
    const issues = this.session!.fileIssues;
    if (!issues.length) return nothing;
    const errors = issues.filter((i) => i.severity === 'error').length;
    return html`<div class="file-issues ${errors ? 'has-errors' : ''}" role="alert">
      <strong>${errors ? `This notebook file has ${errors} problem${errors > 1 ? 's' : ''}` : 'Notes on this notebook file'}</strong>; showing what could be
      read.
      <ul>
        ${issues.map((i) => html`<li><span class="line">line ${i.line}</span> ${i.message}</li>`)}
      </ul>
    </div>`;
  }

  /** Undo and Redo of any change (undo-history.ts), each naming the step it takes. */
  private renderUndoRedo() {
    const s = this.session!;
    const back = s.history.undoStep;
    const forward = s.history.redoStep;
    return html`<span class="undo-redo" role="group" aria-label="Undo and Redo">
      <button class="undo" aria-label="Undo" title=${back ? `Undo: ${back.label}` : 'Nothing to undo'} ?disabled=${!back} @click=${() => void s.undoLast()}>
        Undo
      </button>
      <button class="redo" aria-label="Redo" title=${forward ? `Redo: ${forward.label}` : 'Nothing to redo'} ?disabled=${!forward} @click=${() => void s.redo()}>
        Redo
      </button>
    </span>`;
  }

  private renderEdits() {
    const s = this.session!;
    const n = Object.keys(s.edits).length;
    // The reader's own notebook has no published file to go back to: its changes are undone with Undo.
    return html`<div class="notebook-bar">
      ${
        n && !s.ownFile
          ? html`<span class="edited">${n} cell${n > 1 ? 's' : ''} edited (${s.editsFrom === 'url' ? 'from the link' : 'autosaved in this browser'})</span>
              <button class="revert" title="Drop the edits (Undo brings them back)" @click=${() => void s.revert()}>Revert to file</button>`
          : html`<span class="muted"
              >${origin(s)} Edits autosave in this browser and go into the link.</span
            >`
      }
      ${s.notebook.readOnly ? nothing : this.renderUndoRedo()}
      <button @click=${() => download(s.fileName, s.currentFileText(), 'text/html')}>Download notebook</button>
      ${
        s.editsIgnored !== undefined
          ? html`<div class="edits-ignored" role="note">
              The link carries edits made in another notebook (${s.editsIgnored.replace(/^file:.*/, 'a file opened with “Open file…”')}); they were not applied
              here.
            </div>`
          : nothing
      }
    </div>`;
  }

  override render() {
    const s = this.session;
    if (!s) return html`<p class="muted">Loading notebook…</p>`;
    const firstIsHeading = s.checked[0]?.kind === 'markdown' && /^\s*#\s/.test(s.checked[0].cell.value);
    const editable = !s.notebook.readOnly;
    const title = s.ownFile
      ? html`<h1 class="title">
          <input
            class="title-input"
            aria-label="Notebook title"
            .value=${s.notebook.title}
            @change=${(e: Event) => {
              const title = (e.target as HTMLInputElement).value.trim();
              if (title && title !== s.notebook.title) this.restructure({ ...s.notebook, title }, `Renamed to “${title}”`);
            }}
          />
        </h1>`
      : firstIsHeading
        ? nothing
        : html`<h1>${s.notebook.title}</h1>`;
    return html`
      ${title} ${this.renderFileIssues()} ${this.renderEdits()} ${bakedProvenance(s, this.wgslHash)}
      ${s.undo && editable ? html`<div class="undo-bar" role="status">${s.undo.label}. <button @click=${() => void s.undoLast()}>Undo</button></div>` : nothing}
      <div
        class="cells"
        @cell-edit=${(e: CustomEvent<{ id: string; value: string; typing?: boolean }>) => void s.edit(e.detail.id, e.detail.value, e.detail.typing)}
        @sweep-run=${(e: CustomEvent<{ id: string }>) => void s.run(e.detail.id)}
        @sweep-cancel=${(e: CustomEvent<{ id: string }>) => s.cancel(e.detail.id)}
      >
        ${s.checked.map((c, i) =>
          c.cell.hidden && c.kind !== 'sweep'
            ? nothing
            : html`<section class="cell cell-${c.kind}" data-cell-id=${c.cell.id}>
                ${editable ? this.renderCellTools(c, i) : nothing}${this.renderCell(c)} ${editable ? this.renderConfigEditor(c) : nothing}
                ${editable && this.adding === c.cell.id ? this.renderAddMenu(c.cell.id) : nothing}
              </section>`,
        )}
        ${
          editable && !s.checked.length
            ? html`<div class="empty-notebook">
                ${this.adding === '' ? this.renderAddMenu(undefined) : html`<button aria-label="Add cell below" @click=${() => (this.adding = '')}>+ Add a cell</button>`}
              </div>`
            : nothing
        }
      </div>
    `;
  }
}

/** Plot, theory, table and logs cells have the form / JSON editor under them. */
function hasConfigEditor(c: CheckedCell): boolean {
  return c.kind === 'plot' || c.kind === 'theory' || c.kind === 'table' || c.kind === 'logs';
}

customElements.define('gg-notebook', GgNotebook);
