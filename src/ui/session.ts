/**
 * One open notebook: the file, the reader's edits, the checked cells, and each sweep's results
 * and run state. Data flows one way: file → parsed cells → edits applied → checked (specs
 * validated) → results (cache, baked, or a run) → plots. Cells render from this object and
 * send edits and commands back; it fires `change` after every state change.
 *
 * @example
 *   const session = await NotebookSession.open({ name: 'threshold', fileText, baked });
 *   session.addEventListener('change', () => render(session));
 *   session.edit('sweep', newJson);   // re-checks, marks plots stale, re-runs if small
 */
import type { BackendChoice } from '../engine/index.ts';
import type { BackendInfo, Progress } from '../engine/results.ts';
import { specHash } from '../engine/spec-hash.ts';
import { withDefaults } from '../engine/spec.ts';
import {
  checkCells, parseNotebook, publishedSpecOf, serializeNotebook, sweepSpecOf,
  type CheckedCell, type Notebook, type NotebookIssue, type SweepCellConfig,
} from '../notebook/index.ts';
import type { BakedNotebook } from '../results/baked.ts';
import { compareWithBaked, type ReproduceReport } from '../results/compare.ts';
import type { SweepSummary } from '../results/summary.ts';
import { loadEdits, saveEdits, type CellEdits } from './local-edits.ts';
import { memoryCache, type ResultCache } from './result-cache.ts';
import { sweepSize } from './sweep-form.ts';
import { engineRunner, type SweepRunner } from './sweep-runner.ts';

/** Sweeps at most this many run-steps (runs × iterations) re-run by themselves after an edit. */
export const AUTO_RUN_RUN_STEPS = 200_000;

export interface SweepState {
  status: 'idle' | 'waiting' | 'running' | 'done' | 'cancelled' | 'error';
  summary?: SweepSummary; // the results shown (possibly of an earlier spec: see `stale`)
  origin?: 'baked' | 'cache' | 'run';
  stale: boolean; // the results are of another spec than the cell's current one
  progress?: Progress;
  backend?: BackendInfo; // engine of the current or last run
  message?: string; // why it stopped, or what to do
  specHash?: string; // of the cell's current spec (undefined while invalid)
  size?: { cells: number; runs: number; runSteps: number };
  auto: boolean; // small enough to run without asking
}

export type ReproduceState =
  | { status: 'running'; progress?: Progress; backend?: BackendInfo }
  | { status: 'done'; report: ReproduceReport }
  | { status: 'error'; message: string };

export interface SessionOptions {
  name: string; // notebook name: autosave key and page name
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
}

export class NotebookSession extends EventTarget {
  readonly name: string;
  readonly fileText: string;
  readonly fileIssues: NotebookIssue[];
  readonly baked: BakedNotebook | null;
  readonly bakedError?: string;
  readonly autoRunRunSteps: number;
  backend: BackendChoice;
  edits: CellEdits;
  editsFrom: 'url' | 'autosave' | 'none';
  notebook!: Notebook;
  checked: CheckedCell[] = [];
  readonly sweeps = new Map<string, SweepState>();
  readonly reproduce = new Map<string, ReproduceState>();
  private readonly file: ReturnType<typeof parseNotebook>;
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
    this.bakedError = options.bakedError;
    this.runner = options.runner ?? engineRunner;
    this.cache = options.cache ?? memoryCache();
    this.persist = options.persist ?? true;
    this.autoRunRunSteps = options.autoRunRunSteps ?? AUTO_RUN_RUN_STEPS;
    this.autoRunDelayMs = options.autoRunDelayMs ?? 400;
    this.backend = options.backend ?? 'auto';
    const loaded = this.persist || options.hash ? loadEdits(this.name, options.hash ?? '') : { edits: {}, from: 'none' as const };
    this.edits = this.keepKnownEdits(loaded.edits);
    this.editsFrom = loaded.from;
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

  cell(id: string): CheckedCell | undefined {
    return this.checked.find((c) => c.cell.id === id);
  }

  /** The cell's source as in the file (for "revert" and to tell edited cells). */
  fileSource(id: string): string | undefined {
    return this.file.notebook.cells.find((c) => c.id === id)?.value;
  }

  /** The notebook file with the reader's edits, for download. */
  currentFileText(): string {
    return serializeNotebook(this.notebook);
  }

  private keepKnownEdits(edits: CellEdits): CellEdits {
    const ids = new Set(this.file.notebook.cells.map((c) => c.id));
    return Object.fromEntries(Object.entries(edits).filter(([id]) => ids.has(id)));
  }

  private rebuild(): void {
    const cells = this.file.notebook.cells.map((c) => (this.edits[c.id] !== undefined ? { ...c, value: this.edits[c.id] } : c));
    this.notebook = { ...this.file.notebook, cells };
    this.checked = checkCells(cells, this.file.cellLines);
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
   * is still re-checked here, and an invalid spec never reaches the engine.
   */
  edit(id: string, value: string): Promise<void> {
    return this.track(this.applyEdit(id, value));
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

  private async applyEdit(id: string, value: string): Promise<void> {
    if (this.notebook.readOnly) return;
    const before = this.cell(id)?.cell.value;
    if (value === this.fileSource(id)) delete this.edits[id];
    else this.edits[id] = value;
    if (this.persist) saveEdits(this.name, this.edits);
    this.rebuild();
    if (this.cell(id)?.kind === 'sweep' && before !== value) await this.resolveSweep(id, this.autoRunDelayMs);
    this.changed();
  }

  /** Drops every edit: the notebook as in the file, autosave and URL cleared. */
  async revert(): Promise<void> {
    this.edits = {};
    if (this.persist) saveEdits(this.name, this.edits);
    this.rebuild();
    await Promise.all(this.sweepIds().map((id) => this.resolveSweep(id, 0)));
    this.changed();
  }

  /** Finds results for a sweep's current spec, or marks them stale and runs when small. */
  private async resolveSweep(id: string, delayMs: number): Promise<void> {
    const checked = this.cell(id)!;
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    if (checked.issues.length || !checked.config) {
      this.patch(id, { specHash: undefined, stale: !!this.state(id).summary, message: 'the spec has problems (see the fields); nothing was run' });
      return;
    }
    const config = checked.config as SweepCellConfig;
    // Hash the spec as the engine does (defaults filled), so results match their cell.
    const [hash, publishedHash] = await Promise.all([specHash(withDefaults(sweepSpecOf(config))), specHash(withDefaults(publishedSpecOf(config)))]);
    const size = sweepSize(config);
    const auto = size.runSteps <= this.autoRunRunSteps;
    const matches = (h?: string) => h === hash || h === publishedHash;
    const s = this.patch(id, { specHash: hash, size, auto });
    if (s.summary && matches(s.summary.specHash) && s.summary.complete) {
      this.patch(id, { stale: false });
      return;
    }
    const cached = (await this.cache.get(publishedHash)) ?? (await this.cache.get(hash));
    const baked = this.baked?.sweeps[id];
    const found = cached ?? (baked && matches(baked.specHash) ? baked : undefined);
    if (found) {
      // The engine shown beside the progress bar is the live one; the summary names where these results ran.
      this.patch(id, { summary: found, origin: cached ? 'cache' : 'baked', stale: false, status: 'done', message: undefined, backend: undefined, progress: undefined });
      return;
    }
    if (auto) {
      this.patch(id, { stale: !!s.summary, message: undefined });
      if (delayMs > 0) {
        this.timers.set(
          id,
          setTimeout(() => {
            this.timers.delete(id);
            void this.run(id);
          }, delayMs),
        );
      }
      else void this.run(id);
    } else {
      this.patch(id, {
        stale: !!s.summary,
        message: `${size.runSteps.toLocaleString('en-US')} run-steps: above the ${this.autoRunRunSteps.toLocaleString('en-US')} that run by themselves; press Run`,
      });
    }
  }

  /** Runs a sweep's current spec (queued behind other runs: one engine run at a time). */
  run(id: string): Promise<void> {
    const checked = this.cell(id);
    if (!checked || checked.kind !== 'sweep' || checked.issues.length || !checked.config) return Promise.resolve();
    this.cancel(id);
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.patch(id, { status: 'waiting', progress: undefined, message: undefined });
    const spec = sweepSpecOf(checked.config as SweepCellConfig);
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
        });
        if (!mine() && !controller.signal.aborted) return; // superseded by a newer run
        await this.cache.put(summary);
        this.patch(id, {
          summary,
          origin: 'run',
          stale: summary.specHash !== this.state(id).specHash,
          backend: summary.backend,
          status: summary.complete ? 'done' : summary.stopReason === 'cancelled' ? 'cancelled' : 'error',
          message: summary.complete ? undefined : summary.message,
        });
      } catch (error) {
        this.patch(id, { status: 'error', message: (error as Error).message ?? String(error) });
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
