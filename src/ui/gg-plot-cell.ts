/**
 * A plot cell: draws the view its config names (phase, trajectories, gap, distribution,
 * critical, compare) from the results of the sweeps it depends on, with theory curves when it
 * names a theory cell. Stale results are shown dimmed and labelled. Toggles for the fill, the x
 * axis and the layout of the views drawn per η (LAYOUT_VIEWS) edit the cell's config (so they land in the URL); every figure
 * exports as SVG and PNG.
 *
 * Events (bubbling): `cell-edit` {id, value}.
 */
import { LitElement, html, nothing } from 'lit';
import { formatJson, LAYOUT_VIEWS, PLOT_LENGTHS, type CellIssue, type PlotCellConfig } from '../notebook/index.ts';
import { download, figurePng, figureSvg, plotCellExtras, plotCellFigures, swatchCss, type KeyEntry } from '../plots/index.ts';
import { choiceOption } from './choice-option.ts';
import type { SweepState } from './session.ts';
import { thresholdsOf, type TheoryResult } from './theory-memo.ts';

/** A sweep as a plot sees it. */
export interface PlotInput {
  id: string;
  label: string; // the sweep's title, else its id
  state?: SweepState;
}

/** The sweeps a plot draws, with their thresholds (one bootstrap per summary, thresholdsOf). */
const plotSweeps = (ready: PlotInput[]) =>
  ready.map((input) => ({ label: input.label, summary: input.state!.summary!, thresholds: thresholdsOf(input.state!.summary!) }));

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
    // prompts-run draws one run: no η to lay out.
    const hasLayout = (LAYOUT_VIEWS as readonly string[]).includes(c.view);
    return html`
      <div class="cell-head">
        <span class="cell-title">${c.title ?? `${c.view} plot`}</span> <code class="cell-id">#${this.cellId}</code>
        ${stale.length ? html`<span class="stale-flag" title="results shown are of an earlier spec">stale: ${stale.map((s) => `#${s.id}`).join(', ')} changed</span>` : nothing}
        <span class="plot-tools">
          ${
            hasFill
              ? html`<label>fill <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ fill: (e.target as HTMLSelectElement).value as PlotCellConfig['fill'] })}>
                  ${choiceOption('meanFinalJ', 'mean final J', c.fill ?? 'meanFinalJ')}
                  ${choiceOption('collapseProbability', 'collapse probability', c.fill)}
                  ${choiceOption('finalMeanLength', 'final mean length', c.fill)}
                  ${choiceOption('finalLostShare', 'share of prompts lost', c.fill)}
                </select></label>`
              : nothing
          }
          ${
            hasX
              ? html`<label>x <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ x: (e.target as HTMLSelectElement).value as PlotCellConfig['x'] })}>
                  ${choiceOption('stepSize', 'step size η', c.x ?? 'stepSize')}
                  ${choiceOption('effectiveStepSize', 'effective step size', c.x)}
                </select></label>`
              : nothing
          }
          ${
            hasLayout
              ? html`<label>layout <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ layout: ((e.target as HTMLSelectElement).value || undefined) as PlotCellConfig['layout'] })}>
                  ${choiceOption('', 'auto', c.layout ?? '')}
                  ${choiceOption('overlay', 'overlay', c.layout)}
                  ${choiceOption('small-multiples', 'per η', c.layout)}
                </select></label>`
              : nothing
          }
          ${
            c.view === 'length'
              ? html`<label>length <select ?disabled=${this.readOnly} @change=${(e: Event) => this.edit({ length: (e.target as HTMLSelectElement).value as PlotCellConfig['length'] })}>
                  ${PLOT_LENGTHS.map((l) => choiceOption(l, l, c.length ?? 'all'))}
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

  /** The figure's key (figure-key.ts): the same entries the exported SVG/PNG draws under the figure. */
  private key(c: PlotCellConfig): KeyEntry[] {
    return this.extras(c).key;
  }

  private renderKey(c: PlotCellConfig) {
    const entries = this.key(c);
    if (!entries.length) return nothing;
    return html`<div class="plot-key">
      ${entries.map((e) =>
        e.swatch?.kind === 'glyph'
          ? html`<span>${e.swatch.text}: ${e.label}</span>`
          : html`<span class=${e.swatch ? '' : 'muted'}>${e.swatch ? html`<span class="swatch" data-mark=${e.mark} style=${swatchCss(e.swatch)}></span>` : nothing}${e.label}${
              e.reconstructed ? html` <em class="reconstructed">reconstructed formula</em>` : nothing
            }</span>`,
      )}
    </div>`;
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
    return plotCellFigures(c, plotSweeps(ready), this.theory?.curves ?? [], this.width);
  }

  /** Title and key for an exported figure, so the file says what the page says around it (the key names only marks drawn). */
  private extras(c = this.config!) {
    return plotCellExtras(c, plotSweeps(this.ready()), this.theory);
  }

  private exportSvg() {
    const host = this.querySelector('.figure');
    if (host && this.config) download(`${this.cellId}.svg`, figureSvg(host, this.extras()).text, 'image/svg+xml');
  }

  private async exportPng() {
    const host = this.querySelector('.figure');
    if (host && this.config) download(`${this.cellId}.png`, await figurePng(host, this.extras()));
  }
}

customElements.define('gg-plot-cell', GgPlotCell);
