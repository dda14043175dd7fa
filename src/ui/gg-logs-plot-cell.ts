/**
 * A plot cell of a logs view (logs-trajectories, logs-outcome): the runs of the logs cell it
 * names, and for logs-outcome with a sweep, the sweep's strip beside them, with the align toggle
 * (it edits the cell's `align`, so it lands in the URL). Drawn by the same dispatch as every
 * plot (src/plots plotCellFigures); exports as SVG and PNG.
 *
 * Events (bubbling): `cell-edit` {id, value}.
 */
import { html, nothing } from 'lit';
import { formatJson, type LogsCellConfig, type PlotCellConfig } from '../notebook/index.ts';
import { download, figurePng, figureSvg, plotCellFigures } from '../plots/index.ts';
import { GgConfigCell } from './gg-config-cell.ts';
import type { PlotInput } from './gg-plot-cell.ts';
import { LogFilesWatch, logsAnalysisFor, type LogsResult } from './logs-files.ts';
import { thresholdsOf } from './theory-memo.ts';

export class GgLogsPlotCell extends GgConfigCell<PlotCellConfig> {
  static override properties = {
    logsConfig: { attribute: false },
    input: { attribute: false },
    readOnly: { type: Boolean, attribute: 'read-only' },
    width: { type: Number },
    result: { state: true },
  };
  declare logsConfig: LogsCellConfig | undefined; // the named logs cell's config, when it passed its check
  declare input: PlotInput | undefined; // the sweep beside the runs (logs-outcome with a sweep)
  declare readOnly: boolean;
  declare width: number;
  declare result: LogsResult | undefined;
  private readKey = '';
  private drawnKey = '';
  // Files opened anywhere on the page: read again.
  private readonly watch = new LogFilesWatch(this, () => ((this.readKey = ''), this.requestUpdate()));

  constructor() {
    super();
    this.readOnly = false;
    this.width = 680;
  }

  protected override willUpdate(): void {
    const key = JSON.stringify(this.logsConfig ?? null);
    if (key === this.readKey) return;
    this.readKey = key;
    this.result = undefined;
    if (this.logsConfig) void logsAnalysisFor(this.logsConfig).then((r) => this.readKey === key && (this.result = r));
  }

  private edit(patch: Partial<PlotCellConfig>) {
    const next: Record<string, unknown> = { ...this.config, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    this.dispatchEvent(new CustomEvent('cell-edit', { bubbles: true, composed: true, detail: { id: this.cellId, value: formatJson(next) } }));
  }

  override render() {
    const c = this.config;
    if (this.issues.length || !c) {
      return html`<div class="cell-head"><span class="cell-title">Plot</span> <code class="cell-id">#${this.cellId}</code></div>
        ${this.issueLines()}`;
    }
    const summary = this.input?.state?.summary;
    const waiting = !this.logsConfig
      ? `logs cell #${c.logs} has problems`
      : !this.result
        ? `reading the files of #${c.logs}…`
        : c.sweep && !summary
          ? `waiting for results of #${c.sweep}`
          : '';
    return html`<div class="cell-head">
        <span class="cell-title">${c.title ?? `${c.view} plot`}</span> <code class="cell-id">#${this.cellId}</code>
        ${this.input?.state?.stale ? html`<span class="stale-flag">stale: #${this.input.id} changed</span>` : nothing}
        <span class="plot-tools">
          ${
            c.view === 'logs-outcome' && c.sweep
              ? html`<label title="line the two axes up at the real and the simulated critical point"
                  ><input type="checkbox" .checked=${c.align === true} ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ align: (e.target as HTMLInputElement).checked || undefined })} />
                  align at lr* and η*</label
                >`
              : nothing
          }
          <button @click=${() => this.exportSvg()} ?disabled=${!this.result?.ok}>SVG</button>
          <button @click=${() => void this.exportPng()} ?disabled=${!this.result?.ok}>PNG</button>
        </span>
      </div>
      ${waiting ? html`<div class="plot-wait">${waiting}</div>` : nothing}
      ${this.result && !this.result.ok ? html`<div class="field-error" role="alert">#${c.logs}: ${this.result.message}</div>` : nothing}
      <div class="figure ${this.input?.state?.stale ? 'is-stale' : ''}"></div>
      ${c.caption ? html`<p class="caption">${c.caption}</p>` : nothing}`;
  }

  protected override updated(): void {
    const c = this.config;
    const host = this.querySelector<HTMLElement>('.figure');
    if (!host || !c || this.issues.length) return;
    const r = this.result;
    const summary = this.input?.state?.summary;
    const ready = c.sweep && summary && summary.cellStats.length ? [{ label: this.input!.label, summary, thresholds: thresholdsOf(summary) }] : [];
    const key = JSON.stringify([c, this.width, r?.ok ? this.readKey : 'none', summary ? summary.specHash + summary.runsDone : '']);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    host.replaceChildren();
    if (!r?.ok || (c.sweep && !ready.length)) return;
    try {
      for (const figure of plotCellFigures(c, ready, [], this.width, r.analysis)) host.append(figure);
    } catch (error) {
      const p = document.createElement('div');
      p.className = 'field-error';
      p.textContent = `could not draw this plot: ${(error as Error).message}`;
      host.append(p);
    }
  }

  private exportSvg() {
    const host = this.querySelector('.figure');
    if (host) download(`${this.cellId}.svg`, figureSvg(host).text, 'image/svg+xml');
  }

  private async exportPng() {
    const host = this.querySelector('.figure');
    if (host) download(`${this.cellId}.png`, await figurePng(host));
  }
}

customElements.define('gg-logs-plot-cell', GgLogsPlotCell);
