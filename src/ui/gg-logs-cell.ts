/**
 * A logs cell: real training runs read from its files, one summary row per run (learning rate,
 * start, peak and final metric, outcome with its reason) and the real critical learning rate.
 * The reader opens files from disk (kept in IndexedDB, logs-files.ts), maps the CSV columns and
 * sets the outcome rules in a form; every change edits the cell's JSON, so the mapping is saved
 * in the cell. The table exports as CSV (the same file `gradgap run` writes).
 *
 * Events (bubbling): `cell-edit` {id, value}.
 */
import { choiceOption } from './choice-option.ts';
import { html, nothing } from 'lit';
import {
  bytesToBinaryString,
  describeCriticalLearningRate,
  detectFormat,
  isTensorBoardName,
  METRIC_ALIASES,
  readLog,
  summaryCsv,
  type OutcomeRule,
} from '../logs/index.ts';
import { dataFileName, formatJson, LOG_FORMATS, type LogsCellConfig, type LogsColumnMapping } from '../notebook/index.ts';
import { download, formatNumber } from '../plots/index.ts';
import { GgConfigCell } from './gg-config-cell.ts';
import { LogFilesWatch, logFileText, logsAnalysisFor, storeLogFiles, type LogsResult } from './logs-files.ts';

/** CSS class of the summary table: tests find it. */
export const LOGS_TABLE_CLASS = 'logs-summary';

/** A CSV's header names (the first line that is not blank or a # comment). */
function csvHeader(text: string): string[] {
  const line = text.split(/\r?\n/, 200).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  return line.split(',').map((f) => f.trim().replace(/^"|"$/g, ''));
}

export class GgLogsCell extends GgConfigCell<LogsCellConfig> {
  static override properties = { readOnly: { type: Boolean, attribute: 'read-only' }, result: { state: true }, header: { state: true }, note: { state: true } };
  declare readOnly: boolean;
  declare result: LogsResult | undefined;
  declare header: string[];
  declare note: string;
  private readKey = '';
  // Files opened anywhere on the page: read again.
  private readonly watch = new LogFilesWatch(this, () => {
    this.readKey = '';
    this.requestUpdate();
  });

  constructor() {
    super();
    this.readOnly = false;
    this.header = [];
    this.note = '';
  }

  protected override willUpdate(): void {
    const c = this.config;
    const key = JSON.stringify([c, this.issues.length]);
    if (key === this.readKey || !c || this.issues.length) return;
    this.readKey = key;
    this.result = undefined;
    void logsAnalysisFor(c).then((r) => {
      if (this.readKey === key) this.result = r;
    });
    const first = c.files[0];
    if (first && (c.format === 'csv' || (!c.format && /\.csv$/i.test(first))))
      void logFileText(first)
        .then((text) => {
          this.header = csvHeader(text);
        })
        .catch(() => (this.header = []));
    else this.header = [];
  }

  private edit(patch: Partial<LogsCellConfig>) {
    const next: Record<string, unknown> = { ...this.config, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    this.dispatchEvent(new CustomEvent('cell-edit', { bubbles: true, composed: true, detail: { id: this.cellId, value: formatJson(next) } }));
  }

  private async openFiles(e: Event) {
    const input = e.target as HTMLInputElement;
    const picked = [...(input.files ?? [])];
    if (!picked.length) return;
    // Kept under a name the cell's own check accepts (a browser's "runs (1).csv", "résumé.csv"); two picked files never share one.
    const names = new Set<string>();
    const unique = (name: string) => {
      let n = 2;
      let candidate = name;
      while (names.has(candidate)) candidate = name.replace(/(\.[^.]*)?$/, (ext) => ` (${n++})${ext}`);
      names.add(candidate);
      return candidate;
    };
    // A TensorBoard event file is bytes: kept as a binary string (one char per byte), as the readers take it.
    const files = await Promise.all(
      picked.map(async (f) => ({
        name: unique(dataFileName(f.name)),
        text: isTensorBoardName(f.name) ? bytesToBinaryString(new Uint8Array(await f.arrayBuffer())) : await f.text(),
      })),
    );
    const { stored } = await storeLogFiles(files);
    this.note = stored ? '' : 'This browser keeps no files: a reload loses them; open them again then.';
    input.value = '';
    this.edit({ files: files.map((f) => f.name), ...this.settingsFor(files) });
  }

  /**
   * The reader, mapping and metric rebuilt from the files just opened, so nothing of the previous
   * file stays: the reader goes back to detect (each file's own), mapped columns the new header
   * lacks are dropped, and a metric the new files do not have gives way to one they have.
   */
  private settingsFor(files: readonly { name: string; text: string }[]): Partial<LogsCellConfig> {
    const c = this.config;
    const metrics = new Set<string>();
    let header: string[] = [];
    for (const f of files) {
      try {
        if (header.length === 0 && detectFormat(f.name, f.text) === 'csv') header = csvHeader(f.text);
        for (const run of readLog(f.name, f.text, { learningRateGiven: true })) for (const m of Object.keys(run.metrics)) metrics.add(m);
      } catch {
        // the analysis says what is wrong with the file; here it only offers nothing
      }
    }
    const kept = Object.fromEntries(
      Object.entries(c?.mapping ?? {}).filter(([key, v]) =>
        key === 'metrics' ? Array.isArray(v) && v.every((m) => header.includes(m)) : typeof v === 'string' && header.includes(v),
      ),
    );
    const has = (m: string) => metrics.has(m) || (METRIC_ALIASES[m] ?? []).some((a) => metrics.has(a));
    const metric = c?.metric && has(c.metric) ? c.metric : (['reward', 'accuracy'].find(has) ?? [...metrics][0] ?? c?.metric ?? '');
    return { format: undefined, mapping: Object.keys(kept).length ? (kept as LogsColumnMapping) : undefined, metric };
  }

  private setMapping(field: 'run' | 'learningRate' | 'step' | 'typeField', value: string) {
    const mapping: LogsColumnMapping = { ...this.config?.mapping };
    if (value === '') delete mapping[field];
    else mapping[field] = value;
    this.edit({ mapping: Object.keys(mapping).length ? mapping : undefined });
  }

  private setRule(which: 'collapsed' | 'degraded', field: keyof OutcomeRule, raw: string) {
    const rules = { ...this.config?.rules };
    const rule: OutcomeRule = {
      ...(rules[which] ?? (which === 'collapsed' ? { finalBelowFractionOfStart: 0.5, endsNonFinite: true } : { finalBelowFractionOfPeak: 0.8 })),
    };
    const n = Number(raw);
    if (raw.trim() === '') delete (rule as Record<string, unknown>)[field];
    else if (Number.isFinite(n)) (rule as Record<string, unknown>)[field] = n;
    this.edit({ rules: { ...rules, [which]: rule } });
  }

  private renderForm(c: LogsCellConfig) {
    const columns = this.header;
    const metricNames = this.result?.ok ? [...new Set(this.result.analysis.runs.flatMap((r) => Object.keys(r.metrics)))] : columns;
    const select = (label: string, field: 'run' | 'learningRate' | 'step') =>
      html`<label
        >${label}
        <select ?disabled=${this.readOnly || !columns.length} @change=${(e: Event) => this.setMapping(field, (e.target as HTMLSelectElement).value)}>
          ${choiceOption('', '(guess)', c.mapping?.[field] ?? '')}
          ${columns.map((col) => choiceOption(col, col, c.mapping?.[field]))}
        </select></label
      >`;
    const rule = (which: 'collapsed' | 'degraded', field: 'finalBelowFractionOfStart' | 'finalBelowFractionOfPeak', label: string) =>
      html`<label
        >${label}
        <input
          type="number"
          min="0"
          max="1"
          step="0.05"
          ?disabled=${this.readOnly}
          .value=${String(c.rules?.[which]?.[field] ?? (c.rules?.[which] ? '' : which === 'collapsed' ? (field === 'finalBelowFractionOfStart' ? 0.5 : '') : field === 'finalBelowFractionOfPeak' ? 0.8 : ''))}
          @change=${(e: Event) => this.setRule(which, field, (e.target as HTMLInputElement).value)}
      /></label>`;
    return html`<div class="logs-form">
      <div class="logs-files">
        files: ${c.files.map((f) => html`<code>${f}</code> `)}
        <label class="file-pick"
          >Open logs…
          <input type="file" multiple ?disabled=${this.readOnly} @change=${(e: Event) => void this.openFiles(e)}
        /></label>
        <label
          >reader
          <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ format: ((e.target as HTMLSelectElement).value || undefined) as LogsCellConfig['format'] })}>
            ${choiceOption('', 'detect', c.format ?? '')}
            ${LOG_FORMATS.map((f) => choiceOption(f, f, c.format))}
          </select></label
        >
      </div>
      ${
        columns.length
          ? html`<div class="logs-mapping">
              <span class="muted">CSV columns:</span> ${select('run', 'run')} ${select('learning rate', 'learningRate')} ${select('step', 'step')}
            </div>`
          : nothing
      }
      <div class="logs-rules">
        <label
          >metric
          <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ metric: (e.target as HTMLSelectElement).value })}>
            ${metricNames.includes(c.metric) ? nothing : html`<option value=${c.metric} selected disabled>${c.metric} (not in these files)</option>`}
            ${metricNames.map((m) => choiceOption(m, m, c.metric))}
          </select></label
        >
        <span class="muted">collapsed when final &lt;</span> ${rule('collapsed', 'finalBelowFractionOfStart', '× start')}
        <span class="muted">· degraded when final &lt;</span> ${rule('degraded', 'finalBelowFractionOfPeak', '× peak')}
      </div>
      ${this.note ? html`<div class="field-error">${this.note}</div>` : nothing}
    </div>`;
  }

  private renderTable(r: LogsResult & { ok: true }) {
    const a = r.analysis;
    return html`<p class="logs-critical">Real critical learning rate: <strong>${describeCriticalLearningRate(a.critical)}</strong></p>
      <div class="table-wrap">
        <table class="stats ${LOGS_TABLE_CLASS}">
          <thead>
            <tr>
              <th>run</th>
              <th>learning rate</th>
              <th>start</th>
              <th>peak (step)</th>
              <th>final (step)</th>
              <th>outcome</th>
              <th>reason</th>
            </tr>
          </thead>
          <tbody>
            ${a.summaries.map(
              (s) =>
                html`<tr class="outcome-${s.outcome}">
                  <td class="run-name" title=${s.label}>${s.label}</td>
                  <td>${Number(s.learningRate.toPrecision(3)).toExponential()}${s.learningRateSource === 'config' ? ' (config)' : ''}</td>
                  <td>${formatNumber(s.start)}</td>
                  <td>${formatNumber(s.peak)} (${s.peakStep})</td>
                  <td>${formatNumber(s.final)} (${s.finalStep})</td>
                  <td>${s.outcome}</td>
                  <td class="muted">${s.reason}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  override render() {
    const c = this.config;
    const head = html`<div class="cell-head">
      <span class="cell-title">${c?.title ?? 'Training logs'}</span>
      <code class="cell-id">#${this.cellId}</code>
      <span class="plot-tools">
        <button
          ?disabled=${!this.result?.ok}
          @click=${() => this.result?.ok && download(`${this.cellId}.summary.csv`, summaryCsv(this.result.analysis.summaries, this.result.analysis.critical), 'text/csv')}
        >
          CSV
        </button>
      </span>
    </div>`;
    if (this.issues.length || !c) return html`${head}${this.issueLines()}`;
    const r = this.result;
    return html`${head} ${this.renderForm(c)}
    ${!r ? html`<div class="plot-wait">reading ${c.files.join(', ')}…</div>` : r.ok ? this.renderTable(r) : html`<div class="field-error" role="alert">${r.message}</div>`}`;
  }
}

customElements.define('gg-logs-cell', GgLogsCell);
