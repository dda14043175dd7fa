/**
 * A theory cell: the exact one-step threshold and the (reconstructed) Theorem-1 step size at θ0,
 * evaluated on the sweep's own instances over L, J0 or G (src/theory). Plots that name this cell
 * draw its curves; the cell itself lists the numbers and says which formula is reconstructed.
 */
import { html, nothing } from 'lit';
import type { TheoryCellConfig } from '../notebook/index.ts';
import { fieldLabel, formatNumber, sortedLabels } from '../plots/index.ts';
import { GgConfigCell } from './gg-config-cell.ts';
import type { TheoryResult } from './theory-memo.ts';

export class GgTheoryCell extends GgConfigCell<TheoryCellConfig> {
  static override properties = { result: { attribute: false } };
  declare result: TheoryResult | undefined;

  override render() {
    const head = html`<div class="cell-head"><span class="cell-title">Theory</span> <code class="cell-id">#${this.cellId}</code>
      ${this.config ? html`<span class="muted">${this.result?.fromResults ? 'from the runs of' : 'over the instances of'} #${this.config.sweep}</span>` : nothing}</div>`;
    if (this.issues.length || !this.config) return html`${head}${this.issueLines()}`;
    const r = this.result;
    if (!r) return html`${head}<div class="plot-wait">theory waits for a valid spec in #${this.config.sweep}</div>`;
    if (!r.curves.length) return html`${head}<div class="muted">no theory curve: ${r.reason}</div>`;
    // A y with no point on a curve (unbounded threshold, or none) keeps its row: "—" and the reason.
    const marks = r.curves.flatMap((c) => [...c.points, ...c.gaps]);
    const ys = [...new Set(marks.map((p) => p.y))].sort((a, b) => a - b);
    const facets = sortedLabels(marks.map((p) => p.facet)); // numeric order, as the plots
    const gaps = r.curves.flatMap((c) => c.gaps.map((g) => ({ ...g, label: c.label })));
    const axis = r.curves.find((c) => c.axis)?.axis ?? this.config.y; // the field the curves run over: L, J0 or G
    return html`${head}
      <div class="table-wrap">
        <table class="stats">
          <thead><tr><th title=${axis ? fieldLabel(axis) : nothing}>${axis ?? 'y'}</th>${facets.length > 1 ? html`<th>series</th>` : nothing}${r.curves.map((c) => html`<th>${c.label}<br /><span class="muted">η (effective)</span></th>`)}</tr></thead>
          <tbody>
            ${facets.flatMap((f) =>
              ys.map(
                (y) =>
                  html`<tr><td>${formatNumber(y)}</td>${facets.length > 1 ? html`<td>${f}</td>` : nothing}${r.curves.map((c) => {
                    const p = c.points.find((q) => q.y === y && q.facet === f);
                    const gap = c.gaps.find((q) => q.y === y && q.facet === f);
                    if (p) return html`<td>${formatNumber(p.stepSize)} (${formatNumber(p.effectiveStepSize)})</td>`;
                    return html`<td class="theory-gap" title=${gap?.reason ?? 'not computed'}>— <span class="muted">${gap ? gap.reason.split(':')[0] : ''}</span></td>`;
                  })}</tr>`,
              ),
            )}
          </tbody>
        </table>
      </div>
      ${
        gaps.length
          ? html`<ul class="muted theory-gaps">
            ${gaps.map((g) => html`<li>${axis ?? 'y'} = ${formatNumber(g.y)}${g.facet ? ` (${g.facet})` : ''}, ${g.label}: ${g.reason}.</li>`)}
          </ul>`
          : nothing
      }
      ${r.fromResults ? this.fromResultsText(r) : this.fromSpecText(r)}
      ${r.note ? html`<p class="muted theory-note">With ${r.note}.</p>` : nothing}`;
  }

  /** A transformer sweep's curve: each run's threshold at θ after its warm start, summarized over seeds. */
  private fromResultsText(r: TheoryResult) {
    return html`<p class="muted">
      One-step threshold: the largest η for which the exact expected update still raises J at θ after each run’s SFT warm start, per run (its
      <code>oneStepThreshold</code>). Each point is the median over the sweep’s seeds (its band on the plots: their quartiles); computed in
      ${formatNumber(r.ms, 2)} ms.
    </p>`;
  }

  private fromSpecText(r: TheoryResult) {
    return html`<p class="muted">
        ${r.curves.some((c) => c.name === 'one-step') ? html`One-step threshold: the largest η for which the exact expected update still raises J at θ0 — exact for these policy families.` : nothing}
        ${
          r.curves.some((c) => c.name === 'theorem-1')
            ? html`Theorem-1 step size: max(0, Δμ)/(2(L_o + 8·G_o²)) — <em class="reconstructed">a reconstructed formula</em> (the paper's constants are not available to us).`
            : nothing
        }
        Each point is the median over ${this.config?.instances ?? 5} seed instances; computed in ${formatNumber(r.ms, 2)} ms.
      </p>`;
  }
}

customElements.define('gg-theory-cell', GgTheoryCell);
