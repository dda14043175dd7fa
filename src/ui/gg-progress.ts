/**
 * Progress of a sweep: runs done of total, elapsed, an estimate of what is left, the engine and
 * adapter in use (with a note when the adapter is software, e.g. SwiftShader), and Cancel.
 *
 * @example
 *   html`<gg-progress .progress=${p} .backend=${info} status="running"></gg-progress>`
 */
import { LitElement, html, nothing } from 'lit';
import type { BackendInfo, Progress } from '../engine/index.ts';

export function formatSeconds(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Engine in words, e.g. "CPU twin, 2 threads" or "WebGPU on NVIDIA H200". */
export function describeBackend(b: BackendInfo): string {
  return b.kind === 'cpu' ? `CPU twin, ${b.threads} thread${b.threads === 1 ? '' : 's'}` : `WebGPU on ${b.adapter}`;
}

/** The note for a software adapter: why the run is slow and what was chosen. */
export function softwareAdapterNote(b: BackendInfo): string | null {
  if (!b.fallbackAdapter) return null;
  return b.kind === 'webgpu'
    ? `${b.adapter} is a software adapter (no GPU): WebGPU runs on the CPU here and is slow.`
    : `The only WebGPU adapter, ${b.adapter}, is a software one (no GPU), so the CPU twin runs instead; large sweeps are slow.`;
}

export class GgProgress extends LitElement {
  static override properties = {
    progress: { attribute: false },
    backend: { attribute: false },
    status: {},
  };
  declare progress: Progress | undefined;
  declare backend: BackendInfo | undefined;
  declare status: string;

  constructor() {
    super();
    this.status = 'idle';
  }

  protected override createRenderRoot() {
    return this; // light DOM: the page's stylesheet applies
  }

  override render() {
    const p = this.progress;
    const running = this.status === 'running' || this.status === 'waiting';
    const fraction = p && p.runsTotal ? p.runsDone / p.runsTotal : 0;
    const left = p && p.runsDone > 0 ? (p.elapsedMs * (p.runsTotal - p.runsDone)) / p.runsDone : NaN;
    const note = this.backend ? softwareAdapterNote(this.backend) : null;
    return html`
      <div class="progress" role="status">
        ${
          running || p
            ? html`<progress max="1" .value=${fraction}></progress>
              <span class="progress-text"
                >${this.status === 'waiting' ? 'waiting for another run…' : p ? `${p.runsDone.toLocaleString('en-US')} / ${p.runsTotal.toLocaleString('en-US')} runs` : 'starting…'}${
                  p
                    ? html` · ${formatSeconds(p.elapsedMs)} elapsed${running && p.runsDone < p.runsTotal ? html` · about ${formatSeconds(left)} left` : nothing}`
                    : nothing
                }</span
              >`
            : nothing
        }
        ${running ? html`<button class="cancel" @click=${this.cancel}>Cancel</button>` : nothing}
        ${this.backend ? html`<span class="adapter" title=${this.backend.reason}>${describeBackend(this.backend)}</span>` : nothing}
        ${note ? html`<div class="adapter-note">${note}</div>` : nothing}
      </div>
    `;
  }

  private cancel() {
    this.dispatchEvent(new CustomEvent('sweep-cancel', { bubbles: true, composed: true }));
  }
}

customElements.define('gg-progress', GgProgress);
