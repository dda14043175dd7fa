/**
 * A plot cell: draws the view its config names (phase, trajectories, gap, distribution,
 * critical, compare) from the results of the sweeps it depends on, with theory curves when it
 * names a theory cell. Stale results are shown dimmed and labelled. Toggles for the fill, the x
 * axis and the trajectory layout edit the cell's config (so they land in the URL); every figure
 * exports as SVG and PNG.
 *
 * Events (bubbling): `cell-edit` {id, value}.
 */
import { LitElement, html, nothing } from 'lit';
import { formatJson, type CellIssue, type PlotCellConfig } from '../notebook/index.ts';
import { download, figurePng, figureSvg, formatNumber, plotCellFigures, theoryStyle } from '../plots/index.ts';
import type { TheoryCurve } from '../theory/index.ts';
import type { SweepState } from './session.ts';
import { thresholdsOf, type TheoryResult } from './theory-memo.ts';

/** A sweep as a plot sees it. */
export interface PlotInput {
  id: string;
  label: string; // the sweep's title, else its id
  state?: SweepState;
}

const RULE_TEXT = { 'mean-below-J0': 'mean final J first below J₀', 'collapse-half': 'collapse probability first ≥ ½' };

export class GgPlotCell extends LitElement {
  static override properties = {
    cellId: { attribute: 'cell-id' },
    config: { attribute: false },
    issues: { attribute: false },
    inputs: { attribute: false },
    theory: { attribute: false },
    readOnly: { type: Boolean, attribute: 'read-only' },
    width: { type: Number },
  };
  declare cellId: string;
  declare config: PlotCellConfig | undefined;
  declare issues: CellIssue[];
  declare inputs: PlotInput[];
  declare theory: TheoryResult | undefined;
  declare readOnly: boolean;
  declare width: number;
  private drawnKey = '';
  private drawError = '';

  constructor() {
    super();
    this.cellId = '';
    this.issues = [];
    this.inputs = [];
    this.readOnly = false;
    this.width = 680;
  }

  protected override createRenderRoot() {
    return this;
  }

  private edit(patch: Partial<PlotCellConfig>) {
    const value = formatJson({ ...this.config, ...patch });
    this.dispatchEvent(new CustomEvent('cell-edit', { bubbles: true, composed: true, detail: { id: this.cellId, value } }));
  }

  private ready(): PlotInput[] {
    return this.inputs.filter((i) => i.state?.summary && i.state.summary.cellStats.length > 0);
  }

  override render() {
    const c = this.config;
    if (this.issues.length || !c) {
      return html`<div class="cell-head"><span class="cell-title">Plot</span> <code class="cell-id">#${this.cellId}</code></div>
        ${this.issues.map((i) => html`<div class="field-error" role="alert">${i.line ? `line ${i.line}: ` : ''}${i.field ? `${i.field}: ` : ''}${i.message}</div>`)}`;
    }
    const ready = this.ready();
    const missing = this.inputs.filter((i) => !ready.includes(i));
    const stale = this.inputs.filter((i) => i.state?.stale || i.state?.status === 'running' || i.state?.status === 'waiting');
    const hasFill = c.view === 'phase' || c.view === 'compare';
    const hasX = hasFill || c.view === 'critical';
    const hasLayout = c.view === 'trajectories' || c.view === 'gap';
    return html`
      <div class="cell-head">
        <span class="cell-title">${c.title ?? `${c.view} plot`}</span> <code class="cell-id">#${this.cellId}</code>
        ${stale.length ? html`<span class="stale-flag" title="results shown are of an earlier spec">stale: ${stale.map((s) => `#${s.id}`).join(', ')} changed</span>` : nothing}
        <span class="plot-tools">
          ${
            hasFill
              ? html`<label>fill <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ fill: (e.target as HTMLSelectElement).value as PlotCellConfig['fill'] })}>
                  <option value="meanFinalJ" ?selected=${c.fill !== 'collapseProbability'}>mean final J</option>
                  <option value="collapseProbability" ?selected=${c.fill === 'collapseProbability'}>collapse probability</option>
                </select></label>`
              : nothing
          }
          ${
            hasX
              ? html`<label>x <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ x: (e.target as HTMLSelectElement).value as PlotCellConfig['x'] })}>
                  <option value="stepSize" ?selected=${c.x !== 'effectiveStepSize'}>step size η</option>
                  <option value="effectiveStepSize" ?selected=${c.x === 'effectiveStepSize'}>effective step size</option>
                </select></label>`
              : nothing
          }
          ${
            hasLayout
              ? html`<label>layout <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ layout: ((e.target as HTMLSelectElement).value || undefined) as PlotCellConfig['layout'] })}>
                  <option value="" ?selected=${!c.layout}>auto</option>
                  <option value="overlay" ?selected=${c.layout === 'overlay'}>overlay</option>
                  <option value="small-multiples" ?selected=${c.layout === 'small-multiples'}>per η</option>
                </select></label>`
              : nothing
          }
          <button @click=${() => this.exportSvg()} ?disabled=${!ready.length}>SVG</button>
          <button @click=${() => void this.exportPng()} ?disabled=${!ready.length}>PNG</button>
        </span>
      </div>
      ${stale.filter((i) => i.state?.stale && i.state.staleReason).map((i) => html`<div class="stale-reason">#${i.id}: ${i.state!.staleReason}</div>`)}
      ${this.inputs.filter((i) => i.state?.summary && !i.state.summary.complete).map((i) => html`<div class="plot-note not-run">#${i.id}: ${this.notRunText(i.state!.summary!)}</div>`)}
      ${missing.length ? html`<div class="plot-wait">waiting for results of ${missing.map((m) => `#${m.id}`).join(', ')}</div>` : nothing}
      <div class="figure ${stale.length ? 'is-stale' : ''}"></div>
      ${this.renderKey(c)}
      ${c.caption ? html`<p class="caption">${c.caption}</p>` : nothing}
    `;
  }

  /** A stopped run as the plot shows it: which grid cells have no results. */
  private notRunText(sum: NonNullable<SweepState['summary']>): string {
    const cells = sum.finalJ.length / sum.spec.seeds;
    const how = sum.stopReason === 'cancelled' ? 'cancelled' : 'stopped';
    return sum.cellStats.length
      ? `${how} after ${sum.runsDone.toLocaleString('en-US')} of ${sum.finalJ.length.toLocaleString('en-US')} runs; ${cells - sum.cellStats.length} of ${cells} grid cells not run${
          this.config?.view === 'phase' || this.config?.view === 'compare' || this.config?.view === 'distribution'
            ? ' (marked "not run" in place)'
            : ' (not drawn)'
        }`
      : `${how} before any grid cell finished; nothing to draw`;
  }

  private renderKey(c: PlotCellConfig) {
    if (c.view !== 'phase' && c.view !== 'compare' && c.view !== 'critical') return nothing;
    const theory = this.theory;
    return html`<div class="plot-key">
      ${c.view !== 'phase' && (this.config?.view === 'critical' || this.config?.view === 'compare') ? html`<span>↑ / ↓: no crossing inside the swept η range</span>` : nothing}
      <span><span class="swatch ${c.view === 'critical' ? 'critical-series' : 'critical'}"></span>empirical critical step size: ${RULE_TEXT[c.critical ?? 'mean-below-J0']}, interpolated on log η; bars: 95% bootstrap interval over seeds</span>
      ${
        theory?.curves.length
          ? theory.curves
              .filter((t, i, all) => all.findIndex((u) => u.label === t.label) === i)
              .map(
                (t) =>
                  html`<span><span class="swatch" style="border-top: 2px ${theoryStyle(t.name).css} ${c.view === 'critical' ? '#777' : theoryStyle(t.name).stroke}"></span>${t.label}${c.view === 'compare' ? ` (in the threshold plot: ${theoryStyle(t.name).css}, in its series’ colour)` : ''}${t.reconstructed ? html` <em class="reconstructed">reconstructed formula</em>` : nothing}${this.outsideNote(t)}</span>`,
              )
          : theory?.reason
            ? html`<span class="muted">no theory curve: ${theory.reason}</span>`
            : nothing
      }
    </div>`;
  }

  /** Says where a theory curve is when it lies outside the η range drawn (the Theorem-1 step is often far left). */
  private outsideNote(curve: TheoryCurve): string {
    const summary = this.ready()[0]?.state?.summary;
    const etas = summary?.spec.grid.stepSize;
    if (!etas?.length || !curve.points.length || this.config?.x === 'effectiveStepSize') return '';
    const values = curve.points.map((p) => p.stepSize);
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const range = lo === hi ? `η ≈ ${formatNumber(lo)}` : `η ≈ ${formatNumber(lo)}–${formatNumber(hi)}`;
    if (hi < Math.min(...etas)) return ` (${range}: left of the plotted range)`;
    if (lo > Math.max(...etas)) return ` (${range}: right of the plotted range)`;
    return '';
  }

  protected override updated(): void {
    const c = this.config;
    const host = this.querySelector<HTMLElement>('.figure');
    if (!host || !c || this.issues.length) return;
    const ready = this.ready();
    const key = JSON.stringify([c, this.width, ready.map((i) => i.state!.summary!.specHash + i.state!.summary!.runsDone), this.theory?.curves.length]);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    host.replaceChildren();
    if (!ready.length) return;
    try {
      for (const figure of this.draw(c, ready)) host.append(figure);
      this.drawError = '';
    } catch (error) {
      this.drawError = (error as Error).message;
      const p = document.createElement('div');
      p.className = 'field-error';
      p.textContent = `could not draw this plot: ${this.drawError}`;
      host.append(p);
    }
  }

  private draw(c: PlotCellConfig, ready: PlotInput[]): Element[] {
    const sweeps = ready.map((input) => ({ label: input.label, summary: input.state!.summary!, thresholds: thresholdsOf(input.state!.summary!) }));
    return plotCellFigures(c, sweeps, this.theory?.curves ?? [], this.width);
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

customElements.define('gg-plot-cell', GgPlotCell);
