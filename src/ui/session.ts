/**
 * One open notebook: the file, the reader's edits, the checked cells, and each sweep's results
 * and run state. Data flows one way: file → parsed cells → edits applied → checked (specs
 * validated) → results (cache, baked, or a run) → plots; everything up to the specs and the
 * baked lookup is src/notebook's `resolveNotebook`, as for the CLI and the bake script. Cells render from this object and
 * send edits and commands back; it fires `change` after every state change.
 *
 * @example
 *   const session = await NotebookSession.open({ name: 'threshold', fileText, baked });
 *   session.addEventListener('change', () => render(session));
 *   session.edit('sweep', newJson);   // re-checks, marks plots stale, re-runs if small
 */
import { withDefaults, type BackendChoice, type BackendInfo, type Progress, type SweepSpec } from '../engine/index.ts';
import {
  parseNotebook,
  resolveNotebook,
  serializeNotebook,
  sweepSpecOf,
  type CheckedCell,
  type Notebook,
  type NotebookIssue,
  type ParsedNotebook,
  type ResolvedNotebook,
} from '../notebook/index.ts';
import { compareWithBaked, type BakedNotebook, type ReproduceReport, type SweepSummary } from '../results/index.ts';
import { loadEdits, saveEdits, type CellEdits } from './local-edits.ts';
import { memoryCache, type ResultCache } from './result-cache.ts';
import { sweepSize } from './sweep-form.ts';
import { engineRunner, type SweepRunner } from './sweep-runner.ts';
import { UndoHistory, type NotebookSnapshot, type UndoStep } from './undo-history.ts';

/** Sweeps at most this many run-steps (runs × iterations) re-run by themselves after an edit. */
export const AUTO_RUN_RUN_STEPS = 200_000;

export interface SweepState {
  status: 'idle' | 'waiting' | 'running' | 'done' | 'cancelled' | 'error';
  summary?: SweepSummary; // the results shown (possibly of an earlier spec: see `stale`)
  origin?: 'baked' | 'cache' | 'run';
  stale: boolean; // the results are of another spec than the cell's current one
  staleReason?: string; // when stale: how the results shown differ from the cell's spec, and what to do
  progress?: Progress;
  backend?: BackendInfo; // engine of the current or last run
  message?: string; // why it stopped, or what to do
  specHash?: string; // of the cell's current spec (undefined while invalid)
  size?: { cells: number; runs: number; runSteps: number };
  auto: boolean; // small enough to run without asking
}

/** How the spec of results shown differs from the cell's: "iterations 150 (this spec: 200)", … */
export function specDifferences(shown: SweepSpec, current: SweepSpec): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const text = (v: unknown) => (v === undefined ? 'none' : Array.isArray(v) ? v.join(', ') : String(v));
  for (const k of ['seeds', 'seed', 'collapseFraction'] as const) if (shown[k] !== current[k]) out.push(`${k} ${shown[k]} (this spec: ${current[k]})`);
  const swept = new Set([...Object.keys(shown.grid), ...Object.keys(current.grid)]);
  for (const k of keys(shown.base, current.base)) {
    const [a, b] = [(shown.base as unknown as Record<string, unknown>)[k], (current.base as unknown as Record<string, unknown>)[k]];
    if (!swept.has(k) && !same(a, b)) out.push(`${k} ${text(a)} (this spec: ${text(b)})`);
  }
  for (const k of keys(shown.grid, current.grid)) {
    const [a, b] = [(shown.grid as Record<string, unknown>)[k], (current.grid as Record<string, unknown>)[k]];
    if (!same(a, b)) out.push(`grid ${k} ${text(a)} (this spec: ${text(b)})`);
  }
  return out;
}

/**
 * Why results shown are not the cell's: "baked for 256 seeds; this spec has 64 — Run to update".
 * `auto`: the cell re-runs by itself, so no button needs pressing.
 */
export function staleReason(shown: SweepSummary, origin: SweepState['origin'], current: SweepSpec, auto: boolean): string {
  const what = origin === 'baked' ? 'baked' : origin === 'cache' ? 'cached results' : 'results';
  const diffs = specDifferences(shown.spec, current);
  const body =
    diffs.length === 1 && shown.spec.seeds !== current.seeds
      ? `${what} for ${shown.spec.seeds} seeds; this spec has ${current.seeds}`
      : diffs.length
        ? `${what} for another spec: ${diffs.slice(0, 3).join('; ')}${diffs.length > 3 ? `; ${diffs.length - 3} more` : ''}`
        : `${what} for another spec`;
  return `${body} — ${auto ? 're-running' : 'Run to update'}`;
}

export type ReproduceState =
  { status: 'running'; progress?: Progress; backend?: BackendInfo } | { status: 'done'; report: ReproduceReport } | { status: 'error'; message: string };

export interface SessionOptions {
  name: string; // notebook identity: autosave key and page name (a built-in name, or `file:<id>`)
  fileName?: string; // name to download the notebook as (default: the name)
  fileText: string; // the notebook file as published
  baked?: BakedNotebook | null;
  bakedError?: string; // why the baked results could not be read
  runner?: SweepRunner;
  cache?: ResultCache;
  hash?: string; // location.hash, for edits carried in a link
  persist?: boolean; // write edits to localStorage and the URL (default true)
  autoRunRunSteps?: number;
  backend?: BackendChoice;
  autoRunDelayMs?: number; // debounce of automatic re-runs after an edit
  /**
   * Where a structural edit (cells added, moved, duplicated, deleted; the title) is written: the
   * user notebook's store. Without it the notebook is not the reader's own (a built-in or opened
   * file), and a structural edit fires `fork` with the new text instead, for the page to make a copy.
   */
  saveFile?: (text: string) => Promise<boolean>;
  history?: readonly UndoStep[]; // the steps a fork came with (the one that made the copy last), still undoable in the copy
}

/** Detail of the `fork` event: the notebook text after a structural edit of a notebook that is not the reader's own, and its Undo steps. */
export interface ForkDetail {
  text: string;
  history: readonly UndoStep[];
}

export class NotebookSession extends EventTarget {
  readonly name: string;
  fileText: string;
  fileIssues: NotebookIssue[];
  readonly baked: BakedNotebook | null;
  readonly bakedError?: string;
  readonly autoRunRunSteps: number;
  backend: BackendChoice;
  edits: CellEdits;
  editsFrom: 'url' | 'autosave' | 'none';
  editsIgnored?: string; // the notebook a link's edits were made in, when it is not this one
  readonly fileName: string;
  /** The notebook with the reader's edits, resolved (src/notebook resolveNotebook): checked cells, sweeps and their specs. */
  resolved!: ResolvedNotebook;
  readonly sweeps = new Map<string, SweepState>();
  readonly reproduce = new Map<string, ReproduceState>();
  readonly history: UndoHistory; // Undo / Redo of every change: cell edits, structural edits, Revert to file (undo-history.ts)
  handle?: FileSystemFileHandle; // the file "Save" writes back to (File System Access API), when the page has one
  readonly ownFile: boolean; // the reader's own notebook: structural edits rewrite its file (see `saveFile`)
  private file: ParsedNotebook;
  private asFiled: ResolvedNotebook; // the file without edits: its sweeps' spec hashes
  private readonly saveFile?: (text: string) => Promise<boolean>;
  private readonly runner: SweepRunner;
  private readonly cache: ResultCache;
  private readonly persist: boolean;
  private readonly autoRunDelayMs: number;
  private readonly controllers = new Map<string, AbortController>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(options: SessionOptions) {
    super();
    this.name = options.name;
    this.fileText = options.fileText;
    this.file = parseNotebook(options.fileText);
    this.fileIssues = this.file.issues;
    this.baked = options.baked ?? null;
    this.asFiled = resolveNotebook(this.file, { seeds: 'cell' });
    this.bakedError = options.bakedError;
    this.runner = options.runner ?? engineRunner;
    this.cache = options.cache ?? memoryCache();
    this.persist = options.persist ?? true;
    this.autoRunRunSteps = options.autoRunRunSteps ?? AUTO_RUN_RUN_STEPS;
    this.autoRunDelayMs = options.autoRunDelayMs ?? 400;
    this.backend = options.backend ?? 'auto';
    this.fileName = options.fileName ?? `${this.name.replace(/^.*\//, '')}.html`;
    this.saveFile = options.saveFile;
    this.ownFile = !!options.saveFile;
    this.history = new UndoHistory(options.history);
    const loaded: ReturnType<typeof loadEdits> = this.persist || options.hash ? loadEdits(this.name, options.hash ?? '') : { edits: {}, from: 'none' };
    this.edits = this.keepKnownEdits(loaded.edits);
    this.editsFrom = loaded.from;
    this.editsIgnored = loaded.ignored;
  }

  /** Opens a notebook and finds results for its sweeps (cache, baked, or small runs started). */
  static async open(options: SessionOptions): Promise<NotebookSession> {
    const session = new NotebookSession(options);
    session.rebuild();
    if (session.persist && session.editsFrom === 'url') saveEdits(session.name, session.edits);
    await Promise.all(session.sweepIds().map((id) => session.resolveSweep(id, 0)));
    return session;
  }

  /** Ids of the sweep cells, in notebook order. */
  sweepIds(): string[] {
    return this.checked.filter((c) => c.kind === 'sweep').map((c) => c.cell.id);
  }

  /** The notebook with the reader's edits. */
  get notebook(): Notebook {
    return this.resolved.notebook;
  }

  /** Every cell with its issues, typed by kind. */
  get checked(): CheckedCell[] {
    return this.resolved.checked;
  }

  cell(id: string): CheckedCell | undefined {
    return this.resolved.cell(id);
  }

  /** The cell's source as in the file (for "revert" and to tell edited cells). */
  fileSource(id: string): string | undefined {
    return this.file.notebook.cells.find((c) => c.id === id)?.value;
  }

  /** The notebook file with the reader's edits, for download. */
  currentFileText(): string {
    return serializeNotebook(this.notebook);
  }

  /**
   * A structural edit: the notebook (the reader's edits folded in) becomes `next`. In the reader's
   * own notebook the file is rewritten (edits folded into it, stored through `saveFile`); any
   * other notebook fires `fork` with the new text. `label` names it for Undo.
   */
  restructure(next: Notebook, label = 'Changed the notebook'): Promise<void> {
    return this.track(this.applyStructure(next, label));
  }

  /** The last structural edit, for the page's "… Undo" line (undefined when the last step was a cell edit, or none). */
  get undo(): UndoStep | undefined {
    const step = this.history.undoStep;
    return step?.structural ? step : undefined;
  }

  /** The notebook now: what an Undo step keeps. */
  snapshot(): NotebookSnapshot {
    return { fileText: this.fileText, edits: { ...this.edits } };
  }

  /** Puts back the notebook as it was before the last change (of any kind). */
  undoLast(): Promise<void> {
    if (this.notebook.readOnly) return Promise.resolve();
    const step = this.history.undo(this.snapshot());
    return step ? this.track(this.restore(step)) : Promise.resolve();
  }

  /** Takes again the change the last Undo took back. */
  redo(): Promise<void> {
    if (this.notebook.readOnly) return Promise.resolve();
    const step = this.history.redo(this.snapshot());
    return step ? this.track(this.restore(step)) : Promise.resolve();
  }

  private async applyStructure(next: Notebook, label: string): Promise<void> {
    if (this.notebook.readOnly) return;
    const text = serializeNotebook(next);
    const step: UndoStep = { label, ...this.snapshot(), structural: true };
    if (!this.saveFile) {
      this.dispatchEvent(new CustomEvent<ForkDetail>('fork', { detail: { text, history: [...this.history.steps, step] } }));
      return;
    }
    this.history.record(step);
    await this.replaceFile(text, {});
  }

  /** The reader's own notebook gets a new file text (and edits over it): stored, re-checked, sweeps resolved. */
  private async replaceFile(text: string, edits: CellEdits): Promise<void> {
    this.fileText = text;
    this.file = parseNotebook(text);
    this.fileIssues = this.file.issues;
    this.asFiled = resolveNotebook(this.file, { seeds: 'cell' });
    this.edits = this.keepKnownEdits(edits);
    if (this.persist) saveEdits(this.name, this.edits);
    this.rebuild();
    const ids = new Set(this.sweepIds());
    for (const id of [...this.sweeps.keys()]) if (!ids.has(id)) this.sweeps.delete(id);
    this.changed();
    await this.saveFile?.(text);
    await Promise.all([...ids].map((id) => this.resolveSweep(id, 0)));
    this.changed();
  }

  /** An Undo or Redo step: the file text (in the reader's own notebook) and the edits over it, as they were. */
  private async restore(step: NotebookSnapshot): Promise<void> {
    if (step.fileText !== this.fileText && this.saveFile) return this.replaceFile(step.fileText, step.edits);
    this.edits = this.keepKnownEdits(step.edits);
    if (this.persist) saveEdits(this.name, this.edits);
    this.rebuild();
    this.changed();
    await Promise.all(this.sweepIds().map((id) => this.resolveSweep(id, 0)));
    this.changed();
  }

  private keepKnownEdits(edits: CellEdits): CellEdits {
    const ids = new Set(this.file.notebook.cells.map((c) => c.id));
    return Object.fromEntries(Object.entries(edits).filter(([id]) => ids.has(id)));
  }

  private rebuild(): void {
    this.resolved = resolveNotebook(this.file, { seeds: 'cell', edits: this.edits, baked: this.baked });
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  private state(id: string): SweepState {
    return this.sweeps.get(id) ?? { status: 'idle', stale: false, auto: false };
  }

  /** States are replaced, never mutated, so cells see a new object and re-render. */
  private patch(id: string, change: Partial<SweepState>): SweepState {
    const next = { ...this.state(id), ...change };
    this.sweeps.set(id, next);
    this.changed();
    return next;
  }

  /**
   * A cell's new source. Sweep cells send only sources their own check passed; anything else
   * is still re-checked here, and an invalid spec never reaches the engine. `typing`: a keystroke
   * (a run of them in one cell is one Undo step).
   */
  edit(id: string, value: string, typing = false): Promise<void> {
    return this.track(this.applyEdit(id, value, typing));
  }

  /** Resolves once no edit is being applied and no run is queued or running. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const before = this.queue;
      await Promise.all([...this.pending, before]);
      await new Promise((r) => setTimeout(r, 0)); // let debounced runs be scheduled
      if (this.pending.size === 0 && this.queue === before && this.timers.size === 0) return;
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  private async applyEdit(id: string, value: string, typing: boolean): Promise<void> {
    if (this.notebook.readOnly) return;
    const before = this.cell(id)?.cell.value;
    if (before !== value) this.history.record({ label: `Edited #${id}`, ...this.snapshot(), merge: typing ? id : undefined });
    if (value === this.fileSource(id)) delete this.edits[id];
    else this.edits[id] = value;
    if (this.persist) saveEdits(this.name, this.edits);
    this.rebuild();
    if (this.cell(id)?.kind === 'sweep' && before !== value) await this.resolveSweep(id, this.autoRunDelayMs);
    this.changed();
  }

  /** Drops every edit: the notebook as in the file, autosave and URL cleared. Undo brings the edits back. */
  async revert(): Promise<void> {
    const n = Object.keys(this.edits).length;
    if (!n) return;
    this.history.record({ label: `Reverted to file (the edits of ${n} cell${n > 1 ? 's' : ''} dropped)`, ...this.snapshot(), structural: true });
    this.edits = {};
    if (this.persist) saveEdits(this.name, this.edits);
    this.rebuild();
    await Promise.all(this.sweepIds().map((id) => this.resolveSweep(id, 0)));
    this.changed();
  }

  /** Finds results for a sweep's current spec, or marks them stale and runs when small. */
  private async resolveSweep(id: string, delayMs: number): Promise<void> {
    const resolved = this.resolved;
    const sweep = resolved.sweep(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    if (!sweep) {
      const stale = !!this.state(id).summary;
      this.patch(id, {
        specHash: undefined,
        stale,
        staleReason: stale ? 'results of the last valid spec' : undefined,
        message: 'the spec has problems (see the fields); nothing was run',
      });
      return;
    }
    // A newer edit of this cell runs its own resolveSweep: this one, still awaiting, must not patch over it.
    const source = resolved.cell(id)?.cell.value;
    const superseded = () => this.cell(id)?.cell.value !== source;
    // Hashed as the engine hashes (defaults filled), so results match their cell.
    const current = sweep.cellSpec;
    const { cell: hash, published: publishedHash } = (await resolved.specHashes(id))!;
    const size = sweepSize(sweep.config);
    const auto = size.runSteps <= this.autoRunRunSteps;
    // Results count as the cell's only for its exact spec (seeds included). The one exception is
    // a cell as in the file: the published run (`publishSeeds`) is what the file says to show.
    const file = await this.asFiled.specHashes(id);
    if (superseded()) return;
    const asPublished = this.edits[id] === undefined || (file?.cell === hash && file.published === publishedHash);
    const matches = (h?: string) => h === hash || (asPublished && h === publishedHash);
    let s = this.patch(id, { specHash: hash, size, auto });
    if (s.summary && matches(s.summary.specHash) && s.summary.complete) {
      this.patch(id, { stale: false, staleReason: undefined });
      return;
    }
    const cached = (asPublished ? await this.cache.get(publishedHash) : undefined) ?? (await this.cache.get(hash));
    const bakedSweep = await resolved.bakedFor(id);
    if (superseded()) return;
    const baked = bakedSweep?.summary;
    const found = cached ?? (bakedSweep && (bakedSweep.ofCellSpec || (asPublished && bakedSweep.ofPublishedSpec)) ? baked : undefined);
    if (found) {
      // The engine shown beside the progress bar is the live one; the summary names where these results ran.
      this.patch(id, {
        summary: found,
        origin: cached ? 'cache' : 'baked',
        stale: false,
        staleReason: undefined,
        status: 'done',
        message: undefined,
        backend: undefined,
        progress: undefined,
      });
      return;
    }
    // Nothing for this spec: the published run, if any, is still shown until a run replaces it, marked stale.
    if (!s.summary && baked) s = this.patch(id, { summary: baked, origin: 'baked', status: 'done', progress: undefined });
    const reason = s.summary ? staleReason(s.summary, s.origin, current, auto) : undefined;
    if (auto) {
      this.patch(id, { stale: !!s.summary, staleReason: reason, message: undefined });
      if (delayMs > 0) {
        this.timers.set(
          id,
          setTimeout(() => {
            this.timers.delete(id);
            void this.run(id);
          }, delayMs),
        );
      } else void this.run(id);
    } else {
      this.patch(id, {
        stale: !!s.summary,
        staleReason: s.summary ? staleReason(s.summary, s.origin, current, false) : undefined,
        message: `${size.runSteps.toLocaleString('en-US')} run-steps: above the ${this.autoRunRunSteps.toLocaleString('en-US')} that run by themselves; press Run`,
      });
    }
  }

  /** Runs a sweep's current spec (queued behind other runs: one engine run at a time). */
  run(id: string): Promise<void> {
    const sweep = this.resolved.sweep(id);
    if (!sweep) return Promise.resolve();
    this.cancel(id);
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.patch(id, { status: 'waiting', progress: undefined, message: undefined });
    const spec = sweep.cellSpec;
    const mine = () => this.controllers.get(id) === controller;
    const job = this.queue.then(async () => {
      if (controller.signal.aborted) return;
      this.patch(id, { status: 'running' });
      try {
        const summary = await this.runner(spec, {
          backend: this.backend,
          signal: controller.signal,
          onProgress: (progress) => void (mine() && this.patch(id, { progress })),
          onBackend: (backend) => void (mine() && this.patch(id, { backend })),
          cell: `${this.name}#${id}`, // a sweep too large to keep its series stores its rows under its cell (runs-store.ts)
        });
        // Superseded by a newer run (which cancelled this one on its way in): that run's state stands.
        if (!mine() && (!controller.signal.aborted || this.controllers.has(id))) return;
        await this.cache.put(summary);
        const now = this.state(id);
        // The cell's spec now: it may have been edited since this run began, even into one with issues.
        const cell = this.cell(id);
        const current = cell?.kind === 'sweep' && cell.config ? withDefaults(sweepSpecOf(cell.config)) : undefined;
        const stale = summary.specHash !== now.specHash;
        this.patch(id, {
          summary,
          origin: 'run',
          stale,
          staleReason: stale && current ? staleReason(summary, 'run', current, now.auto) : undefined,
          backend: summary.backend,
          // The progress line counts what the results hold: a chunk in flight at Cancel still lands.
          progress: { chunksDone: 0, chunksTotal: 0, ...now.progress, runsDone: summary.runsDone, runsTotal: summary.finalJ.length, elapsedMs: summary.wallMs },
          status: summary.complete ? 'done' : summary.stopReason === 'cancelled' ? 'cancelled' : 'error',
          message: summary.complete ? undefined : summary.message,
        });
      } catch (error) {
        // Nothing ran: results still shown are stale with "Run to update", never "re-running".
        const now = this.state(id);
        const cell = this.cell(id);
        const current = cell?.kind === 'sweep' && cell.config ? withDefaults(sweepSpecOf(cell.config)) : undefined;
        const unavailable = (error as Error).name === 'WebGpuUnavailableError' && this.backend === 'webgpu';
        this.patch(id, {
          status: 'error',
          staleReason: now.stale && now.summary && current ? staleReason(now.summary, now.origin, current, false) : now.staleReason,
          message: unavailable
            ? `Nothing ran: the engine menu asks for WebGPU, and ${(error as Error).message} To run this sweep on the CPU twin here, choose "auto" or "CPU twin" in the engine menu.`
            : ((error as Error).message ?? String(error)),
        });
      } finally {
        if (mine()) this.controllers.delete(id);
      }
    });
    this.queue = job;
    return job;
  }

  /** Stops a sweep's run within one chunk; finished cells are kept. */
  cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const controller = this.controllers.get(id);
    if (!controller) return;
    controller.abort();
    this.controllers.delete(id);
    if (this.state(id).status === 'waiting') this.patch(id, { status: 'cancelled', message: 'cancelled before it started' });
  }

  /** Re-runs every baked sweep's published spec and compares with the baked result. */
  async reproduceAll(): Promise<void> {
    for (const [id, baked] of Object.entries(this.baked?.sweeps ?? {})) {
      const set = (state: ReproduceState) => {
        this.reproduce.set(id, state);
        this.changed();
      };
      set({ status: 'running' });
      const job = this.queue.then(async () => {
        try {
          const fresh = await this.runner(baked.spec, {
            backend: this.backend,
            signal: new AbortController().signal,
            onProgress: (progress) => set({ ...(this.reproduce.get(id) as ReproduceState & { status: 'running' }), progress }),
            onBackend: (backend) => set({ ...(this.reproduce.get(id) as ReproduceState & { status: 'running' }), backend }),
          });
          await this.cache.put(fresh);
          set({ status: 'done', report: compareWithBaked(baked, fresh) });
        } catch (error) {
          set({ status: 'error', message: (error as Error).message });
        }
      });
      this.queue = job;
      await job;
    }
  }
}
