/**
 * The editor of a plot, theory or table cell: a form with a field for every key of the config
 * (plot cells; PLOT_FORM_FIELDS) beside a JSON view, with the same named-field validation as the
 * sweep form — each problem beside its field, and a draft that fails the check stays here and
 * dispatches nothing. A cell broken in the file opens in the JSON view, so it can be fixed here.
 *
 * Events (bubbling): `cell-edit` {id, value}.
 *
 * @example
 *   html`<gg-config-editor cell-id="plot-1" kind="plot" .source=${json} .cells=${[{ id: 'sweep-1', kind: 'sweep' }]}></gg-config-editor>`
 */
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { choiceOption } from './choice-option.ts';
import { DraftEditor } from './draft-editor.ts';
import {
  CRITICAL_RULES,
  LAYOUT_VIEWS,
  PLOT_FILLS,
  PLOT_LENGTHS,
  PLOT_VIEWS,
  PLOT_X,
  TRAJECTORY_LAYOUTS,
  TRAJECTORY_SCALES,
  checkLogsConfig,
  checkPlotConfig,
  checkSweepRefConfig,
  formatJson,
  readCellJson,
  type CellKind,
  type ConfigIssue,
} from '../notebook/index.ts';
import { GRID_KEYS } from '../engine/index.ts';

export type EditableKind = 'plot' | 'theory' | 'table' | 'logs';

/** One field of the plot form: its config key, how it is entered, and the views that read it. */
export interface PlotFormField {
  key: string;
  label: string;
  input: 'choice' | 'sweep' | 'ids' | 'where' | 'integer' | 'text';
  choices?: readonly string[];
  views?: readonly string[]; // shown for these views only (all when absent)
  hint?: string;
}

/** Views drawn from one sweep (`sweep`); compare reads `sweeps`, logs-trajectories only its logs cell. */
const ONE_SWEEP_VIEWS = PLOT_VIEWS.filter((v) => v !== 'compare' && v !== 'logs-trajectories');

/** The plot form: the keys of PlotCellConfig (cell-config.ts PLOT_KEYS) a sweep's views read, in reading order. */
export const PLOT_FORM_FIELDS: readonly PlotFormField[] = [
  { key: 'view', label: 'view', input: 'choice', choices: PLOT_VIEWS },
  { key: 'sweep', label: 'sweep', input: 'sweep', views: ONE_SWEEP_VIEWS },
  { key: 'sweeps', label: 'sweeps', input: 'ids', views: ['compare'], hint: 'sweep ids, comma-separated' },
  { key: 'fill', label: 'fill', input: 'choice', choices: PLOT_FILLS, views: ['phase', 'compare'] },
  { key: 'x', label: 'x axis', input: 'choice', choices: PLOT_X, views: ['phase', 'compare', 'critical'] },
  { key: 'y', label: 'y axis', input: 'choice', choices: GRID_KEYS, views: ['phase', 'compare', 'critical'] },
  { key: 'length', label: 'length', input: 'choice', choices: PLOT_LENGTHS, views: ['length'] },
  // The views drawn per η (LAYOUT_VIEWS) are the ones whose colour and layout can be chosen.
  { key: 'color', label: 'colour by', input: 'choice', choices: GRID_KEYS, views: LAYOUT_VIEWS },
  { key: 'scale', label: 'J scale', input: 'choice', choices: TRAJECTORY_SCALES, views: ['trajectories'] },
  { key: 'layout', label: 'layout', input: 'choice', choices: TRAJECTORY_LAYOUTS, views: LAYOUT_VIEWS },
  { key: 'where', label: 'facets: fix', input: 'where', hint: 'grid keys fixed to one value, e.g. L=8, G=4' },
  { key: 'seed', label: 'seed', input: 'integer', views: ['prompts-run'], hint: "the replayed run's seed within its grid cell" },
  { key: 'critical', label: 'critical rule', input: 'choice', choices: CRITICAL_RULES, views: ['phase', 'compare', 'critical'] },
  { key: 'theory', label: 'theory', input: 'ids', hint: 'theory cell ids, comma-separated' },
  { key: 'title', label: 'title', input: 'text' },
  { key: 'caption', label: 'caption', input: 'text' },
];

/** Problems with the cells a config names: missing, or of the wrong kind. */
export function referenceIssues(value: unknown, cells: readonly { id: string; kind: CellKind }[]): ConfigIssue[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const v = value as Record<string, unknown>;
  const kindOf = new Map(cells.map((c) => [c.id, c.kind]));
  const issues: ConfigIssue[] = [];
  const need = (field: string, id: unknown, kind: CellKind) => {
    if (typeof id !== 'string' || !id) return;
    const found = kindOf.get(id);
    const ofKind = cells.filter((c) => c.kind === kind).map((c) => c.id);
    if (found !== kind)
      issues.push({
        field,
        message: `${field} = "${id}": ${found ? `#${id} is a ${found} cell` : `no cell #${id}`}; ${kind} cells here: ${ofKind.join(', ') || 'none'}`,
      });
  };
  need('sweep', v.sweep, 'sweep');
  if (Array.isArray(v.sweeps)) v.sweeps.forEach((s, i) => need(`sweeps[${i}]`, s, 'sweep'));
  if (typeof v.theory === 'string') need('theory', v.theory, 'theory');
  if (Array.isArray(v.theory)) v.theory.forEach((t, i) => need(`theory[${i}]`, t, 'theory'));
  return issues;
}

/** Every problem of a draft: JSON syntax (with its line), the config's shape, the cells it names. */
export function checkConfigDraft(
  kind: EditableKind,
  text: string,
  cells: readonly { id: string; kind: CellKind }[],
): { value?: Record<string, unknown>; issues: ConfigIssue[] } {
  const read = readCellJson(text);
  if (!read.ok) return { issues: [{ field: 'json', message: `line ${read.line}: ${read.message}` }] };
  const shape = kind === 'plot' ? checkPlotConfig(read.value) : kind === 'logs' ? checkLogsConfig(read.value) : checkSweepRefConfig(kind, read.value);
  const value = read.value && typeof read.value === 'object' && !Array.isArray(read.value) ? (read.value as Record<string, unknown>) : undefined;
  return { value, issues: [...shape, ...referenceIssues(read.value, cells)] };
}

/** The field a problem belongs beside: `sweeps[1]` → sweeps, `where.L` → where. */
const fieldOf = (issue: ConfigIssue) => issue.field.replace(/[[.].*$/, '');

const listText = (v: unknown) => (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '');
const whereText = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.entries(v)
        .map(([k, x]) => `${k}=${String(x)}`)
        .join(', ')
    : '';

/** A form field's text as config: empty → unset; lists split on commas; `where` as key=value pairs (kept as text when not, so the check names it). */
export function readPlotField(field: PlotFormField, text: string): unknown {
  const t = text.trim();
  if (!t) return undefined;
  if (field.input === 'ids') {
    const ids = t.split(',').map((s) => s.trim());
    return field.key === 'theory' && ids.length === 1 ? ids[0] : ids;
  }
  if (field.input === 'where') {
    const out: Record<string, number | string> = {};
    for (const pair of t.split(',')) {
      const [k, ...rest] = pair.split('=');
      if (!rest.length) return t;
      const value = rest.join('=').trim();
      out[k.trim()] = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    }
    return out;
  }
  // A whole number as a number; anything else stays text, so the check names the field.
  if (field.input === 'integer') return /^-?\d+$/.test(t) ? Number(t) : t;
  return t;
}

export class GgConfigEditor extends DraftEditor {
  static override properties = {
    kind: {},
    cells: { attribute: false },
  };
  declare kind: EditableKind;
  declare cells: { id: string; kind: CellKind }[];

  constructor() {
    super();
    this.kind = 'plot';
    this.cells = [];
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('source') && changed.get('source') === undefined && !readCellJson(this.source).ok) this.view = 'source';
  }

  /** A draft from the form or the JSON view; applied when the check passes. */
  private setDraft(text: string, typing = false) {
    this.commitDraft(text, !checkConfigDraft(this.kind, text, this.cells).issues.length, typing);
  }

  private setField(field: PlotFormField, text: string, config: Record<string, unknown>) {
    const next: Record<string, unknown> = { ...config, [field.key]: readPlotField(field, text) };
    if (next[field.key] === undefined) delete next[field.key];
    // The compare view reads `sweeps`, the others `sweep`: switching carries the sweep(s) across.
    if (field.key === 'view' && text === 'compare' && typeof next.sweep === 'string') [next.sweeps, next.sweep] = [[next.sweep], undefined];
    if (field.key === 'view' && text !== 'compare' && Array.isArray(next.sweeps)) [next.sweep, next.sweeps] = [next.sweeps[0], undefined];
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    this.setDraft(formatJson(next));
  }

  private renderField(field: PlotFormField, config: Record<string, unknown>, messages: Map<string, string[]>) {
    const id = `${this.cellId}-${field.key}`;
    const errors = messages.get(field.key) ?? [];
    const value = config[field.key];
    const onInput = (e: Event) => this.setField(field, (e.target as HTMLInputElement | HTMLSelectElement).value, config);
    const sweeps = this.cells.filter((c) => c.kind === 'sweep').map((c) => c.id);
    const choices = field.input === 'sweep' ? sweeps : (field.choices ?? []);
    const input =
      field.input === 'choice' || field.input === 'sweep'
        ? html`<select id=${id} name=${field.key} ?disabled=${this.readOnly} aria-invalid=${errors.length ? 'true' : 'false'} @change=${onInput}>
            ${field.key === 'view' ? nothing : choiceOption('', '(default)', value === undefined ? '' : value)}
            ${typeof value === 'string' && !choices.includes(value) ? choiceOption(value, value, value) : nothing}
            ${choices.map((c) => choiceOption(c, c, value))}
          </select>`
        : html`<input
            id=${id}
            name=${field.key}
            type="text"
            autocomplete="off"
            ?disabled=${this.readOnly}
            aria-invalid=${errors.length ? 'true' : 'false'}
            placeholder=${field.hint ?? ''}
            .value=${live(field.input === 'where' ? whereText(value) : field.input === 'ids' ? listText(value) : typeof value === 'string' || typeof value === 'number' ? String(value) : '')}
            @change=${onInput}
          />`;
    return html`<div class="field ${errors.length ? 'invalid' : ''}" data-field=${field.key}>
      <label for=${id}>${field.label}</label>${input} ${errors.map((m) => html`<div class="field-error" role="alert">${m}</div>`)}
    </div>`;
  }

  override render() {
    const check = checkConfigDraft(this.kind, this.draft, this.cells);
    const messages = new Map<string, string[]>();
    for (const i of check.issues) {
      // The form writes `where` as key=value pairs: say so rather than "must be an object".
      const message =
        i.field === 'where' && typeof check.value?.where === 'string' ? `write key=value pairs, e.g. L=8, G=4 (got "${check.value.where}")` : i.message;
      messages.set(fieldOf(i), [...(messages.get(fieldOf(i)) ?? []), message]);
    }
    const hasForm = this.kind === 'plot' && !!check.value;
    const view = hasForm ? this.view : 'source';
    const label = { plot: 'Edit plot', theory: 'Edit theory', table: 'Edit table', logs: 'Edit logs JSON' }[this.kind];
    const toggle = html`<button class="toggle-config" aria-expanded=${this.open ? 'true' : 'false'} @click=${() => (this.open = !this.open)}>${this.open ? 'Close editor' : label}</button>`;
    if (!this.open) return html`<div class="config-editor closed">${toggle}</div>`;
    const shown = view === 'form' ? PLOT_FORM_FIELDS.filter((f) => !f.views || f.views.includes(String(check.value?.view))) : [];
    const unplaced = check.issues.filter((i) => view === 'source' || !shown.some((f) => f.key === fieldOf(i)));
    return html`<div class="config-editor">
      <div class="cell-head">
        ${toggle}
        <span class="tabs" role="tablist">
          <button role="tab" aria-selected=${view === 'form'} ?disabled=${!hasForm} @click=${() => (this.view = 'form')}>Form</button>
          <button role="tab" aria-selected=${view === 'source'} @click=${() => (this.view = 'source')}>JSON</button>
        </span>
      </div>
      ${
        view === 'form'
          ? html`<div class="sweep-form plot-form">${shown.map((f) => this.renderField(f, check.value!, messages))}</div>`
          : html`<textarea
              class="source"
              spellcheck="false"
              aria-label=${`${this.kind} config (JSON)`}
              ?readonly=${this.readOnly}
              rows=${Math.min(18, this.draft.split('\n').length + 1)}
              .value=${live(this.draft)}
              @input=${(e: Event) => this.setDraft((e.target as HTMLTextAreaElement).value, true)}
            ></textarea>`
      }
      ${unplaced.map((i) => html`<div class="field-error" role="alert">${i.field === 'json' ? '' : `${i.field}: `}${i.message}</div>`)}
      ${check.issues.length && this.draft !== this.source ? html`<div class="muted">Not applied until the problems above are fixed.</div>` : nothing}
    </div>`;
  }
}

customElements.define('gg-config-editor', GgConfigEditor);
