/**
 * A sweep cell: a form view (fields with their ranges and the engine's validation messages
 * beside them) and a JSON source view of the same spec. A draft that fails validation stays in
 * the cell and dispatches nothing; a valid one is sent up as `cell-edit`. Shows the sweep's size
 * against the auto-run threshold, progress with Cancel, where its results came from, and exports.
 *
 * Events (bubbling): `cell-edit` {id, value}, `sweep-run` {id}, `sweep-cancel` {id}.
 */
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { until } from 'lit/directives/until.js';
import { withDefaults, type GridKey } from '../engine/index.ts';
import { checkSweepDraft, formatJson, sweepSpecOf, type SweepCellConfig } from '../notebook/index.ts';
import { download } from '../plots/index.ts';
import {
  keepSeriesFor,
  markPartialCsv,
  partialSuffix,
  runSeriesCsv,
  runSeriesJson,
  runSeriesMissing,
  sweepCsv,
  sweepJson,
  type SweepSummary,
} from '../results/index.ts';
import { choiceOption } from './choice-option.ts';
import { DraftEditor } from './draft-editor.ts';
import { describeBackend, formatSeconds } from './gg-progress.ts';
import './gg-progress.ts';
import { forgetLookup, storedRuns, storedRunsText } from './runs-store.ts';
import type { SweepState } from './session.ts';
import {
  BASE_FIELDS,
  SWEEP_FIELDS,
  addableGridKeys,
  gridKeys,
  gridText,
  issuesByField,
  parseGridText,
  readField,
  seedsPerCell,
  sweepSize,
  writeField,
  writeGrid,
  type FormField,
} from './sweep-form.ts';

type DraftCheck = ReturnType<typeof checkSweepDraft>;

/** Fields that mean nothing for the current family, mode or features (the engine's defaults where unset) are left out of the form. */
function relevant(field: FormField, config: SweepCellConfig): boolean {
  const base = withDefaults(sweepSpecOf(config)).base;
  const token = base.family === 'token';
  const transformer = base.policy === 'transformer';
  // The transformer (SPEC 1.10) reads its own fields and not the log-linear policy's construction, length or exact mode.
  if (['base.layers', 'base.heads', 'base.task', 'base.promptLength', 'base.heldOutPrompts', 'base.sftMaxSteps', 'base.sftLearningRate'].includes(field.path))
    return transformer;
  if (
    transformer &&
    ['base.family', 'base.features', 'base.reward', 'base.L', 'base.eos', 'base.targetLength', 'base.K', 'base.mode', 'base.exactDirection'].includes(
      field.path,
    )
  )
    return false;
  if (transformer && (field.path === 'base.N' || field.path === 'base.B')) return true;
  switch (field.path) {
    case 'base.V':
    case 'base.L':
    case 'base.reward':
      return token;
    case 'base.N':
    case 'base.K':
    case 'base.B':
      return !token;
    case 'base.d':
      return base.features !== 'tabular';
    case 'base.exactDirection':
      return base.mode === 'exact';
    case 'base.epsilon':
    case 'base.std':
      return base.advantage === 'group-std' || base.advantage === 'batch-std';
    case 'base.momentum':
      return base.optimizer === 'momentum';
    case 'base.beta1':
    case 'base.beta2':
    case 'base.adamEpsilon':
      return base.optimizer === 'adam' || base.optimizer === 'adamw';
    default:
      return true;
  }
}

/** A per-run export: disabled without its action (the note above the buttons says why). */
const runsButton = (cls: string, label: string, action: (() => unknown) | undefined, title: string) =>
  html`<button class=${cls} ?disabled=${!action} title=${title} @click=${() => action?.()}>${label}</button>`;

export class GgSweepCell extends DraftEditor {
  static override properties = {
    state: { attribute: false },
    edited: { type: Boolean },
    autoRunRunSteps: { type: Number, attribute: false },
  };
  declare state: SweepState | undefined;
  declare edited: boolean;
  declare autoRunRunSteps: number;
  private fieldText: Record<string, string> = {};

  constructor() {
    super();
    this.edited = false;
    this.autoRunRunSteps = 0;
  }

  /** A source from outside (a revert, Undo, a link) replaced the draft: half-typed field texts ("1.") go with it. */
  protected override sourceReplaced(): void {
    this.fieldText = {};
  }

  private emit(type: string, detail: Record<string, unknown> = {}) {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail: { id: this.cellId, ...detail } }));
  }

  /** New draft text: kept here always, sent up only when the engine's validator accepts it. */
  private setDraft(text: string, typing: boolean) {
    this.commitDraft(text, checkSweepDraft(text).issues.length === 0, typing);
  }

  /** JSON typed in the source view: the form's remembered texts give way to it. */
  private onSource(text: string) {
    this.fieldText = {};
    this.setDraft(text, true);
  }

  private onField(field: FormField, config: SweepCellConfig, text: string) {
    this.fieldText = { ...this.fieldText, [field.path]: text };
    this.setDraft(formatJson(writeField(config, field.path, text, field.kind)), field.kind !== 'choice');
  }

  private onGrid(key: GridKey, config: SweepCellConfig, text: string | null) {
    const path = `grid.${key}`;
    if (text === null) {
      const { [path]: _gone, ...rest } = this.fieldText;
      this.fieldText = rest;
    } else this.fieldText = { ...this.fieldText, [path]: text };
    this.setDraft(formatJson(writeGrid(config, key, text)), text !== null);
  }

  /**
   * What a field shows. The spec (the draft) is the one source of truth: text typed in the form
   * is kept only while it still means the draft's value ("1." for 1); once the JSON view or
   * anything else changes the value, the field shows the draft's.
   */
  private fieldValue(config: SweepCellConfig, path: string, kind: FormField['kind']): string {
    const { text } = readField(config, path);
    const typed = this.fieldText[path];
    return typed !== undefined && readField(writeField(config, path, typed, kind), path).text === text ? typed : text;
  }

  private gridValue(config: SweepCellConfig, key: GridKey): string {
    const text = gridText(config.grid?.[key]);
    const typed = this.fieldText[`grid.${key}`];
    return typed !== undefined && gridText(parseGridText(typed, key)) === text ? typed : text;
  }

  private renderField(field: FormField, config: SweepCellConfig, messages: Map<string, string[]>) {
    const swept = field.gridKey && config.grid && field.gridKey in config.grid;
    const { placeholder } = readField(config, field.path);
    const value = this.fieldValue(config, field.path, field.kind);
    const errors = messages.get(field.path) ?? [];
    const id = `${this.cellId}-${field.path}`;
    const input =
      field.kind === 'choice'
        ? html`<select id=${id} name=${field.path} ?disabled=${this.readOnly || !!swept} @change=${(e: Event) => this.onField(field, config, (e.target as HTMLSelectElement).value)}>
            ${choiceOption('', `${placeholder} (default)`, value)}
            ${field.choices!.map((c) => choiceOption(c, c, value))}
          </select>`
        : html`<input id=${id} name=${field.path} type="text" inputmode="decimal" autocomplete="off" .value=${live(swept ? '' : value)} placeholder=${swept ? 'swept (grid)' : placeholder}
            ?disabled=${this.readOnly || !!swept} aria-invalid=${errors.length ? 'true' : 'false'} @input=${(e: Event) => this.onField(field, config, (e.target as HTMLInputElement).value)} />`;
    return html`<div class="field ${errors.length ? 'invalid' : ''}" data-field=${field.path}>
      <label for=${id}>${field.label}</label>${input}${field.range ? html`<span class="range">${field.range}</span>` : nothing}
      ${errors.map((m) => html`<div class="field-error" role="alert">${m}</div>`)}
    </div>`;
  }

  private renderForm(config: SweepCellConfig, messages: Map<string, string[]>) {
    const keys = gridKeys(config);
    return html`
      <div class="sweep-form">
        <fieldset class="grid-axes">
          <legend>Grid (one run per cell and seed)</legend>
          ${keys.map((key) => {
            const path = `grid.${key}`;
            const errors = messages.get(path) ?? [];
            return html`<div class="field wide ${errors.length ? 'invalid' : ''}" data-field=${path}>
              <label for=${`${this.cellId}-${path}`}>${key}</label>
              <input id=${`${this.cellId}-${path}`} name=${path} type="text" autocomplete="off" ?disabled=${this.readOnly}
                .value=${live(this.gridValue(config, key))} placeholder="1, 3, 10 or logspace(0.3, 100, 8)"
                @input=${(e: Event) => this.onGrid(key, config, (e.target as HTMLInputElement).value)} />
              ${this.readOnly ? nothing : html`<button class="remove" title="stop sweeping ${key}" @click=${() => this.onGrid(key, config, null)}>×</button>`}
              ${errors.map((m) => html`<div class="field-error" role="alert">${m}</div>`)}
            </div>`;
          })}
          ${(messages.get('grid') ?? []).map((m) => html`<div class="field-error" role="alert" data-field="grid">${m}</div>`)}
          ${
            this.readOnly
              ? nothing
              : html`<label class="add-axis">sweep another field
                <select @change=${(e: Event) => {
                  const key = (e.target as HTMLSelectElement).value as GridKey;
                  (e.target as HTMLSelectElement).value = '';
                  if (key) this.onGrid(key, config, readField(config, `base.${key}`).text || readField(config, `base.${key}`).placeholder);
                }}>
                  <option value="">add…</option>
                  ${addableGridKeys(config).map((k) => html`<option value=${k}>${k}</option>`)}
                </select></label
              >`
          }
        </fieldset>
        <fieldset class="base-fields">
          <legend>Run parameters</legend>
          ${BASE_FIELDS.filter((f) => relevant(f, config)).map((f) => this.renderField(f, config, messages))}
        </fieldset>
        <fieldset class="sweep-fields">
          <legend>Seeds</legend>
          ${SWEEP_FIELDS.map((f) => this.renderField(f, config, messages))}
        </fieldset>
      </div>
    `;
  }

  private renderSize(check: DraftCheck) {
    if (!check.config || check.issues.length) return nothing;
    const size = sweepSize(check.config);
    const auto = size.runSteps <= this.autoRunRunSteps;
    return html`<div class="sweep-size">
      ${size.cells.toLocaleString('en-US')} cells × ${seedsPerCell(check.config).toLocaleString('en-US')} seeds = ${size.runs.toLocaleString('en-US')} runs ·
      ${size.runSteps.toLocaleString('en-US')} run-steps ·
      <span class=${auto ? 'auto' : 'manual'}>${auto ? 're-runs by itself after an edit' : 'press Run after an edit'} (threshold ${this.autoRunRunSteps.toLocaleString('en-US')} run-steps)</span>
    </div>`;
  }

  /** Seeds per cell of the draft, when it is valid. */
  private cellSeeds(): number | undefined {
    const check = checkSweepDraft(this.draft);
    return check.config && !check.issues.length ? seedsPerCell(check.config) : undefined;
  }

  /** A stopped run in one line: how far it got, in runs and in grid cells (the rest plot as "not run"). */
  private incompleteText(sum: NonNullable<SweepState['summary']>): string {
    const cells = sum.finalJ.length / sum.spec.seeds;
    const runs = `${sum.runsDone.toLocaleString('en-US')} of ${sum.finalJ.length.toLocaleString('en-US')} runs`;
    const head = sum.stopReason === 'cancelled' ? `cancelled after ${runs}` : `${runs} finished (${sum.message})`;
    const left = cells - sum.cellStats.length;
    return `${head}: ${sum.cellStats.length} of ${cells} grid cells complete${left ? `, ${left} shown as "not run"` : ''}`;
  }

  private renderResults() {
    const s = this.state;
    if (!s?.summary) return s?.message ? html`<div class="sweep-status" role=${s.status === 'error' ? 'alert' : 'status'}>${s.message}</div>` : nothing;
    const sum = s.summary;
    const seeds = this.cellSeeds();
    const where =
      s.origin === 'baked'
        ? `baked results (the published run: ${sum.spec.seeds} seeds per cell, ${describeBackend(sum.backend)})${
            !s.stale && seeds !== undefined && seeds !== sum.spec.seeds ? `; this cell's spec has ${seeds} seeds per cell, which Run uses` : ''
          }`
        : s.origin === 'cache'
          ? `cached results (${describeBackend(sum.backend)}, ${formatSeconds(sum.wallMs)} when run)`
          : `ran in ${formatSeconds(sum.wallMs)} on ${describeBackend(sum.backend)}`;
    // An incomplete sweep's files say so in their name as well as in a `partial` column (export.ts partialNote).
    const name = (ext: string) => `${this.cellId}-${sum.specHash.slice(0, 8)}${partialSuffix(sum)}.${ext}`;
    return html`<div class="sweep-status ${s.stale ? 'stale' : ''}">
      ${s.stale ? html`<strong class="stale-flag">stale</strong> <span class="stale-reason">${s.staleReason ?? 'results of an earlier spec'}</span>; ` : nothing}
      ${sum.complete ? nothing : html`<strong class="incomplete">${this.incompleteText(sum)}</strong>; `}${where} ·
      <span class="hash" title=${sum.specHash}>spec ${sum.specHash.slice(0, 10)}</span>
      ${s.message && s.message !== sum.message ? html`<div class="run-message" role=${s.status === 'error' ? 'alert' : 'status'}>${s.message}</div>` : nothing}
      ${
        runSeriesMissing(sum)
          ? until(this.storedRunsView(sum, name), this.renderExports(sum, name, { note: `${runSeriesMissing(sum)}; looking for rows stored in this browser…` }))
          : this.renderExports(sum, name, {
              csv: () => download(name('runs.csv'), runSeriesCsv(sum), 'text/csv'),
              json: () => download(name('runs.json'), runSeriesJson(sum), 'application/json'),
            })
      }
    </div>`;
  }

  /** A failed assembly of stored rows (they were deleted meanwhile), said above the buttons until the results change. */
  private runsError?: { summary: SweepSummary; message: string };
  /** The stored-rows view of the summary shown, looked up once (a new promise each render would flash the placeholder). */
  private storedView?: { summary: SweepSummary; error?: string; view: ReturnType<GgSweepCell['storedRunsExports']> };

  private storedRunsView(sum: SweepSummary, name: (ext: string) => string) {
    const error = this.runsError?.summary === sum ? this.runsError.message : undefined;
    if (this.storedView?.summary !== sum || this.storedView.error !== error) this.storedView = { summary: sum, error, view: this.storedRunsExports(sum, name) };
    return this.storedView.view;
  }

  /**
   * Exports of a summary that kept no series: "Runs CSV" assembled from the rows its run stored in
   * IndexedDB (runs-store.ts), or disabled with why there are none. "Runs JSON" stays disabled:
   * it is one document whose lists hold every run, not rows that can be stored chunk by chunk.
   */
  private async storedRunsExports(sum: SweepSummary, name: (ext: string) => string) {
    const missing = runSeriesMissing(sum)!;
    const found = await storedRuns(sum);
    const error = this.runsError?.summary === sum ? `; ${this.runsError.message}` : '';
    const json =
      'Runs JSON is one document whose list of runs holds every run at once, so it is not stored chunk by chunk as the CSV rows are: Runs CSV has the same values, and `gradgap run` writes the sweep JSON';
    // The page stores rows only for a sweep over its series limit: for a smaller one, "none stored here" repeats `missing`.
    const repeats = 'reason' in found && found.none && keepSeriesFor(sum.finalJ.length, sum.recordSteps.length);
    if ('reason' in found)
      return this.renderExports(sum, name, { note: repeats ? `${missing}${error}` : `${missing}; ${found.reason}${error}`, jsonTitle: json });
    return this.renderExports(sum, name, {
      note: `${missing.replace(/; `gradgap run` writes them all$/, '')}; Runs CSV is assembled from the rows this browser stored as the sweep ran${error}`,
      csvTitle: storedRunsText(found.manifest),
      jsonTitle: json,
      csv: async () => {
        try {
          const blob = await found.csv();
          // A cancelled sweep's stored rows get the `partial` column too (read whole: it stopped early).
          download(name('runs.csv'), sum.complete ? blob : new Blob([markPartialCsv(await blob.text(), sum)], { type: 'text/csv' }));
        } catch (e) {
          forgetLookup(sum);
          this.runsError = { summary: sum, message: (e as Error).message };
          this.requestUpdate();
        }
      },
    });
  }

  /** The four export buttons; a runs export without its action is disabled, the note above them says why. */
  private renderExports(
    sum: SweepSummary,
    name: (ext: string) => string,
    runs: { note?: string; csv?: () => unknown; json?: () => unknown; csvTitle?: string; jsonTitle?: string },
  ) {
    return html`${runs.note ? html`<div class="export-note muted">${runs.note}</div>` : nothing}
      <span class="exports">
        <button @click=${() => download(name('csv'), sweepCsv(sum), 'text/csv')} title="one row per grid cell: its statistics over seeds">CSV</button>
        <button @click=${() => download(name('json'), sweepJson(sum), 'application/json')} title="the results table: statistics and per-run finals">JSON</button>
        ${runsButton('runs-csv', 'Runs CSV', runs.csv, runs.csvTitle ?? 'every recorded series of every run: one row per run and recorded step')}
        ${runsButton('runs-json', 'Runs JSON', runs.json, runs.jsonTitle ?? 'every recorded series of every run, one list per run')}
      </span>`;
  }

  override render() {
    const check = checkSweepDraft(this.draft);
    const messages = issuesByField(check.issues);
    const s = this.state;
    const busy = s?.status === 'running' || s?.status === 'waiting';
    const title = check.config?.title;
    return html`
      <div class="cell-head">
        <span class="cell-title">${title ?? 'Sweep'}</span> <code class="cell-id">#${this.cellId}</code>
        ${this.edited ? html`<span class="edited">edited</span>` : nothing}
        <button class="toggle-editor" aria-expanded=${this.open} @click=${() => (this.open = !this.open)}>${this.open ? 'Hide spec' : 'Edit spec'}</button>
        ${
          this.open
            ? html`<span class="tabs" role="tablist">
              <button role="tab" aria-selected=${this.view === 'form'} @click=${() => (this.view = 'form')}>Form</button>
              <button role="tab" aria-selected=${this.view === 'source'} @click=${() => (this.view = 'source')}>JSON</button>
            </span>`
            : nothing
        }
      </div>
      ${
        !this.open
          ? nothing
          : this.view === 'form' && check.config
            ? this.renderForm(check.config, messages)
            : html`<textarea class="source" spellcheck="false" aria-label="sweep spec (JSON)" ?readonly=${this.readOnly} .value=${live(this.draft)}
              rows=${Math.min(24, this.draft.split('\n').length + 1)} @input=${(e: Event) => this.onSource((e.target as HTMLTextAreaElement).value)}></textarea>`
      }
      ${(messages.get('') ?? []).map((m) => html`<div class="field-error" role="alert" data-field="">${m}</div>`)}
      ${this.renderSize(check)}
      <div class="run-bar">
        <button class="run" ?disabled=${busy || check.issues.length > 0 || this.readOnly} @click=${() => this.emit('sweep-run')}>Run</button>
        <gg-progress .progress=${s?.progress} .backend=${s?.backend} status=${s?.status ?? 'idle'} @sweep-cancel=${(e: Event) => {
          e.stopPropagation();
          this.emit('sweep-cancel');
        }}></gg-progress>
      </div>
      ${this.renderResults()}
    `;
  }
}

customElements.define('gg-sweep-cell', GgSweepCell);
