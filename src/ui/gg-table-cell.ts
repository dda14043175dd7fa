/**
 * A table cell: one row per grid cell of a sweep, with its coordinates, effective step size and
 * statistics over seeds (mean and quantiles of final J, collapse probability, divergences).
 */
import { html, nothing } from 'lit';
import { effectiveStepSize, GRID_KEYS } from '../engine/index.ts';
import type { TableCellConfig } from '../notebook/index.ts';
import { formatNumber, percent } from '../plots/index.ts';
import { summaryCells } from '../results/index.ts';
import { GgConfigCell } from './gg-config-cell.ts';
import type { PlotInput } from './gg-plot-cell.ts';

const DEFAULT_COLUMNS = ['meanFinalJ', 'q10', 'q50', 'q90', 'collapseProbability', 'diverged'];
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

  override render() {
    const head = html`<div class="cell-head"><span class="cell-title">Table</span> <code class="cell-id">#${this.cellId}</code>
      ${this.input?.state?.stale ? html`<span class="stale-flag">stale: #${this.input.id} changed</span>` : nothing}</div>
      ${this.input?.state?.stale && this.input.state.staleReason ? html`<div class="stale-reason">#${this.input.id}: ${this.input.state.staleReason}</div>` : nothing}`;
    if (this.issues.length || !this.config) return html`${head}${this.issueLines()}`;
    const summary = this.input?.state?.summary;
    if (!summary) return html`${head}<div class="plot-wait">waiting for results of #${this.config.sweep}</div>`;
    const cells = summaryCells(summary);
    const keys = GRID_KEYS.filter((k) => k in summary.spec.grid);
    const columns = this.config.columns ?? DEFAULT_COLUMNS;
    const finished = new Map(summary.cellStats.map((s) => [s.cell, s]));
    const value = (col: string, stats: (typeof summary.cellStats)[number]) => {
      const p = cells[stats.cell].params;
      if (col === 'effectiveStepSize') return formatNumber(effectiveStepSize(p));
      if (col === 'J0') return formatNumber(p.J0);
      if (col === 'collapseProbability') return percent(stats.collapseProbability);
      const v = (stats as unknown as Record<string, number>)[col];
      return typeof v === 'number' ? formatNumber(v) : '—';
    };
    return html`${head}
      <div class="table-wrap">
        <table class="stats">
          <thead><tr>${keys.map((k) => html`<th>${k === 'stepSize' ? 'η' : k}</th>`)}${columns.map((c) => html`<th>${HEADINGS[c] ?? c}</th>`)}</tr></thead>
          <tbody>
            ${cells.map((cell) => {
              // A cell a stopped run did not finish keeps its row, marked "not run".
              const s = finished.get(cell.index);
              return html`<tr class=${s ? '' : 'not-run'}>${keys.map((k) => html`<td>${String(cell.values[k])}</td>`)}${
                s ? columns.map((c) => html`<td>${value(c, s)}</td>`) : html`<td colspan=${columns.length} class="muted">not run</td>`
              }</tr>`;
            })}
          </tbody>
        </table>
      </div>`;
  }
}

customElements.define('gg-table-cell', GgTableCell);
