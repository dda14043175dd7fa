/**
 * A table cell: one row per grid cell of a sweep, with its coordinates, effective step size and
 * statistics over seeds (mean and quantiles of final J, collapse probability, divergences).
 * "Download CSV" saves the rows and columns shown, with full-precision numbers (stats-table.ts).
 */
import { html, nothing } from 'lit';
import type { TableCellConfig } from '../notebook/index.ts';
import { download, formatNumber, percent } from '../plots/index.ts';
import { GgConfigCell } from './gg-config-cell.ts';
import type { PlotInput } from './gg-plot-cell.ts';
import { statsTable, statsTableCsv, statValue } from './stats-table.ts';

const HEADINGS: Record<string, string> = {
  meanFinalJ: 'mean final J',
  q10: 'q10',
  q25: 'q25',
  q50: 'median',
  q75: 'q75',
  q90: 'q90',
  collapseProbability: 'collapsed',
  collapsed: 'collapsed runs',
  diverged: 'diverged',
  finite: 'finite',
  runs: 'runs',
  effectiveStepSize: 'effective η',
  J0: 'J₀',
};

export class GgTableCell extends GgConfigCell<TableCellConfig> {
  static override properties = { input: { attribute: false } };
  declare input: PlotInput | undefined;

  private downloadCsv() {
    const summary = this.input?.state?.summary;
    if (summary && this.config) download(`${this.cellId}.csv`, statsTableCsv(statsTable(summary, this.config.columns)), 'text/csv');
  }

  override render() {
    const summary = this.input?.state?.summary;
    const head = html`<div class="cell-head"><span class="cell-title">Table</span> <code class="cell-id">#${this.cellId}</code>
      ${this.input?.state?.stale ? html`<span class="stale-flag">stale: #${this.input.id} changed</span>` : nothing}
      ${
        this.config && !this.issues.length
          ? html`<span class="plot-tools"><button ?disabled=${!summary} title="the rows and columns shown, numbers in full" @click=${() => this.downloadCsv()}>Download CSV</button></span>`
          : nothing
      }</div>
      ${this.input?.state?.stale && this.input.state.staleReason ? html`<div class="stale-reason">#${this.input.id}: ${this.input.state.staleReason}</div>` : nothing}`;
    if (this.issues.length || !this.config) return html`${head}${this.issueLines()}`;
    if (!summary) return html`${head}<div class="plot-wait">waiting for results of #${this.config.sweep}</div>`;
    const table = statsTable(summary, this.config.columns);
    const shown = (col: string, v: number | undefined) => (v === undefined ? '—' : col === 'collapseProbability' ? percent(v) : formatNumber(v));
    return html`${head}
      <div class="table-wrap">
        <table class="stats">
          <thead><tr>${table.gridKeys.map((k) => html`<th>${k === 'stepSize' ? 'η' : k}</th>`)}${table.columns.map((c) => html`<th>${HEADINGS[c] ?? c}</th>`)}</tr></thead>
          <tbody>
            ${table.rows.map(
              // A cell a stopped run did not finish keeps its row, marked "not run".
              ({ cell, stats, effectiveStepSize }) =>
                html`<tr class=${stats ? '' : 'not-run'}>${table.gridKeys.map((k) => html`<td>${String(cell.values[k])}</td>`)}${
                  stats
                    ? table.columns.map((c) => html`<td>${shown(c, statValue(c, { cell, stats, effectiveStepSize }))}</td>`)
                    : html`<td colspan=${table.columns.length} class="muted">not run</td>`
                }</tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}

customElements.define('gg-table-cell', GgTableCell);
