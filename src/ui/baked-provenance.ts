/**
 * The baked results' bar above a notebook's cells: that the plots first show results computed
 * ahead, the Reproduce button and each sweep's report as it re-runs, and the provenance (seeds,
 * spec hash, engine, time, WGSL hash against this build's, runtime, command, packages).
 *
 * @example
 *   html`${bakedProvenance(session, wgslHash)}`
 */
import { html, nothing } from 'lit';
import { describeBackend, formatSeconds } from './gg-progress.ts';
import type { NotebookSession, ReproduceState } from './session.ts';

/** One sweep's Reproduce line: its progress while it re-runs, then the comparison's summary or the error. */
function reproduceLine(id: string, r: ReproduceState) {
  if (r.status === 'running') {
    const p = r.progress;
    return html`<li>
      #${id}:
      re-running${p ? ` ${p.runsDone}/${p.runsTotal} runs, ${formatSeconds(p.elapsedMs)}` : '…'}${r.backend ? ` on ${describeBackend(r.backend)}` : ''}
    </li>`;
  }
  if (r.status === 'error') return html`<li class="field-error">#${id}: ${r.message}</li>`;
  return html`<li class=${r.report.ok ? 'ok' : 'mismatch'} data-match=${r.report.kind}>#${id}: ${r.report.summary}</li>`;
}

/** The bar, or nothing when the notebook has no baked results (a file that could not be read says so). */
export function bakedProvenance(s: NotebookSession, wgslHash: string | undefined) {
  if (s.bakedError) return html`<div class="file-issues">Baked results could not be read: ${s.bakedError}</div>`;
  const b = s.baked;
  if (!b) return nothing;
  const p = b.provenance;
  const shaders = wgslHash ? (wgslHash === p.wgslHash ? 'same as this build' : 'differs from this build’s shaders') : '';
  const running = [...s.reproduce.values()].some((r) => r.status === 'running');
  const n = Object.keys(b.sweeps).length;
  return html`<div class="provenance">
    <div class="provenance-bar">
      <span>The plots first show <strong>baked results</strong> (${n} sweep${n > 1 ? 's' : ''}, computed ahead), so this page works without WebGPU.</span>
      <button class="reproduce" ?disabled=${running} @click=${() => void s.reproduceAll()}>Reproduce</button>
    </div>
    ${
      s.reproduce.size
        ? html`<ul class="reproduce-report">
            ${[...s.reproduce].map(([id, r]) => reproduceLine(id, r))}
          </ul>`
        : nothing
    }
    <details>
      <summary>Provenance</summary>
      <p class="muted">
        Reproduce re-runs each sweep here and compares: bit for bit on the same kind of adapter, within sampling error on another (WGSL leaves exp/log
        precision to each GPU, so a run on a float tie can take another path).
      </p>
      <div class="table-wrap">
      <table class="stats">
        <tr>
          <th>sweep</th>
          <th>seeds</th>
          <th>spec hash</th>
          <th>engine</th>
          <th>time</th>
        </tr>
        ${Object.entries(b.sweeps).map(
          ([id, w]) =>
            html`<tr>
              <td>#${id}</td>
              <td>${w.spec.seeds} per cell, master seed ${w.spec.seed}</td>
              <td><code title=${w.specHash}>${w.specHash.slice(0, 16)}…</code></td>
              <td>${describeBackend(w.backend)}${w.backend.adapter !== 'none' ? ` (adapter: ${w.backend.adapter})` : ' (no adapter)'}</td>
              <td>${formatSeconds(w.wallMs)}</td>
            </tr>`,
        )}
      </table>
      </div>
      <p class="muted">
        WGSL hash <code title=${p.wgslHash}>${p.wgslHash.slice(0, 16)}…</code> ${shaders} · ${p.runtime} · made with <code>${p.command}</code><br />
        ${Object.entries(p.packages)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · ')}
      </p>
    </details>
  </div>`;
}
