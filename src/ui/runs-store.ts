/**
 * Per-run rows of sweeps too large to keep their series in memory (RUN_SERIES_LIMIT), kept in
 * IndexedDB for the "Runs CSV" export. While such a sweep runs, each chunk of runs that finishes
 * (in run order: runSweep's `onRuns`) is formatted into its lines of the runs CSV — the same
 * `runsCsvLayout` that formats a summary which kept its series — and stored as a Blob under its
 * owner (the notebook's sweep cell) and its place in run order. The export is then
 * `new Blob([header, ...stored blobs])`: Blobs stored in IndexedDB are files the browser hands
 * out by reference, so no row is read into the JS heap, whatever the sweep's size.
 *
 * Disk: one stored sweep per cell — a cell's new run deletes the rows of its last one first (so
 * results replaced by a new run take their rows with them), and at most MAX_STORED_SWEEPS cells
 * keep rows (the oldest give theirs up). A sweep's rows are found again for any summary with the
 * same spec hash, J(t) hash and runs done, so cached results still export after a reload. When
 * IndexedDB is missing or its quota runs out, the rows written are deleted and the reason kept
 * for the button; the sweep itself is unaffected.
 *
 * @example
 *   const recorder = new RunsRecorder('notebook#sweep', parsed, runs, steps);
 *   await runSweep(spec, { keepSeries: false, onRuns: (chunk) => recorder.add(chunk) });
 *   await recorder.finish(summary);
 *   const found = await storedRuns(summary); // { csv: () => Promise<Blob>, … } or { reason }
 */
import { outputApplies, type RunChunk, type SweepSpec } from '../engine/index.ts';
import { runsCsvLayout, SERIES_OUTPUTS, type RunsCsvLayout, type SweepSummary } from '../results/index.ts';
import { browserStore, NO_INDEXEDDB, type BrowserStore } from './browser-store.ts';

/** What one stored sweep's rows are: written beside the rows, read back to find and assemble them. */
export interface RunsManifest {
  owner: string; // the cell whose run wrote them: `${notebook}#${cell id}`
  writeId: string; // this write's own id: rows of an earlier write under the same owner never mix in
  specHash: string; // of the summary the rows belong to (set when the sweep ends)
  trajectoryHash?: string; // of the summary the rows belong to (set when the sweep ends)
  runsDone?: number; // of that summary
  runsTotal: number;
  runsStored: number; // rows cover runs [0, runsStored): the runs that finished in run order
  chunks: number;
  bytes: number; // of the rows, header not counted
  header: string; // the CSV's header line, as the rows were written
  startedAt: number; // Date.now() when the write began: the oldest stored sweep goes first
  state: 'writing' | 'stored' | 'failed';
  reason?: string; // why, when failed
}

/** A summary's stored rows: how to assemble them, or why there are none. */
export type StoredRuns = { manifest: RunsManifest; csv: () => Promise<Blob> } | { reason: string; none?: boolean }; // none: no write of these results was ever begun here

/** Stored sweeps (cells with rows) the page keeps at most; a further one deletes the oldest's rows. */
export const MAX_STORED_SWEEPS = 4;
/** Runs formatted into one string at a time: what a chunk's rows cost the JS heap before they become a Blob. */
const FORMAT_RUNS = 2048;

type Key = IDBValidKey[];
type Value = RunsManifest | Blob;
const manifestKey = (owner: string): Key => ['manifest', owner];
const ALL_MANIFESTS: [Key, Key] = [['manifest'], ['manifest', []]];
const rowsOf = (owner: string): [Key, Key] => [
  ['rows', owner],
  ['rows', owner, []],
];
const rowsOfWrite = (m: Pick<RunsManifest, 'owner' | 'writeId'>): [Key, Key] => [
  ['rows', m.owner, m.writeId],
  ['rows', m.owner, m.writeId, []],
];

/** The page's store of runs' rows (tests pass their own database name). */
export function runsStore(name = 'gradgap-runs'): BrowserStore<Value, Key> {
  return browserStore<Value, Key>(name, 'rows');
}

const MB = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
const n = (x: number) => x.toLocaleString('en-US');

/** Writes that failed in this page load, by summary identity: their reason, even where IndexedDB could not record it. */
const finished = new Map<string, RunsManifest>();
const identity = (m: { specHash: string; trajectoryHash?: string; runsDone?: number }) => `${m.specHash} ${m.trajectoryHash} ${m.runsDone}`;

/**
 * Writes one sweep's rows as its chunks finish. Every step is chained on one promise, so rows go
 * out in order and `finish` waits for the last; the first failed write stops the rest.
 */
export class RunsRecorder {
  private readonly layout: RunsCsvLayout;
  private readonly manifest: RunsManifest;
  private writing: Promise<unknown>;
  private failure?: string;
  private checkedRoom = false;

  /** Begins a write for `owner`: its earlier rows, and the oldest cells' beyond MAX_STORED_SWEEPS, are deleted first. */
  constructor(
    owner: string,
    spec: SweepSpec,
    runsTotal: number,
    recordSteps: readonly number[],
    private readonly store: BrowserStore<Value, Key> = runsStore(),
  ) {
    // The sweep's own series (held-out J only in a transformer sweep), as runSeriesCsv lists them.
    this.layout = runsCsvLayout(
      spec,
      recordSteps,
      SERIES_OUTPUTS.filter((n) => outputApplies(n, spec)),
    );
    const writeId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.manifest = {
      owner,
      writeId,
      specHash: '',
      runsTotal,
      runsStored: 0,
      chunks: 0,
      bytes: 0,
      header: this.layout.header,
      startedAt: Date.now(),
      state: 'writing',
    };
    this.writing = this.begin();
  }

  private async begin(): Promise<void> {
    const { owner } = this.manifest;
    if (!(await this.store.available())) return this.fail(NO_INDEXEDDB);
    await this.store.deleteRange(...rowsOf(owner));
    const others = ((await this.store.range(...ALL_MANIFESTS)) as RunsManifest[]).filter((m) => m.owner !== owner).sort((a, b) => a.startedAt - b.startedAt);
    for (const old of others.slice(0, Math.max(0, others.length - (MAX_STORED_SWEEPS - 1)))) await forget(this.store, old.owner);
    const reason = await this.store.write([[manifestKey(owner), { ...this.manifest }]]);
    if (reason) this.fail(reason);
  }

  private fail(reason: string): void {
    this.failure ??= reason;
  }

  /** A finished chunk, in run order: its rows become one Blob, queued for IndexedDB. */
  add(chunk: RunChunk): void {
    if (this.failure || chunk.end <= chunk.begin) return;
    const parts: Blob[] = [];
    for (let b = chunk.begin; b < chunk.end; b += FORMAT_RUNS)
      parts.push(new Blob([this.layout.rows({ at: chunk.begin, perRun: chunk, series: chunk }, b, Math.min(chunk.end, b + FORMAT_RUNS))]));
    const rows = new Blob(parts, { type: 'text/csv' });
    const order = this.manifest.chunks++;
    this.manifest.runsStored = chunk.end;
    this.manifest.bytes += rows.size;
    const first = chunk;
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      if (!this.checkedRoom) await this.checkRoom(first, rows.size);
      if (this.failure) return;
      const reason = await this.store.write([[['rows', this.manifest.owner, this.manifest.writeId, order], rows]]);
      if (reason) this.fail(`${reason} after ${n(chunk.begin)} runs' rows (${MB(this.manifest.bytes - rows.size)})`);
    });
  }

  /** Once, at the first chunk: the whole sweep's rows, estimated from it, must fit in what the browser still allows. */
  private async checkRoom(chunk: RunChunk, bytes: number): Promise<void> {
    this.checkedRoom = true;
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    if (!estimate?.quota) return;
    const needed = (bytes / (chunk.end - chunk.begin)) * (this.manifest.runsTotal - chunk.begin);
    const room = estimate.quota - (estimate.usage ?? 0);
    if (needed > room) this.fail(`the rows need about ${MB(needed)} and the browser allows this site ${MB(room)} more`);
  }

  /** The sweep ended (done, cancelled or failed): waits for the rows, then records what they cover; a failed write is deleted. */
  async finish(summary: Pick<SweepSummary, 'specHash' | 'trajectoryHash' | 'runsDone' | 'finalJ'>): Promise<RunsManifest> {
    await this.writing;
    const m: RunsManifest = {
      ...this.manifest,
      specHash: summary.specHash,
      runsTotal: summary.finalJ.length,
      trajectoryHash: summary.trajectoryHash,
      runsDone: summary.runsDone,
    };
    if (this.failure) {
      Object.assign(m, { state: 'failed', reason: this.failure, chunks: 0, bytes: 0, runsStored: 0 });
      await this.store.deleteRange(...rowsOf(m.owner));
    } else m.state = 'stored';
    const reason = this.failure === NO_INDEXEDDB ? undefined : await this.store.write([[manifestKey(m.owner), m]]);
    if (reason && m.state === 'stored') {
      Object.assign(m, { state: 'failed', reason, chunks: 0, bytes: 0, runsStored: 0 });
      await this.store.deleteRange(...rowsOf(m.owner));
    }
    if (m.state === 'failed') finished.set(identity(m), m);
    return m;
  }
}

/** Deletes the rows a cell stored (its new run keeps its series in memory, or stores none). */
export function forgetRuns(owner: string, store: BrowserStore<Value, Key> = runsStore()): Promise<void> {
  return forget(store, owner);
}

/** Deletes an owner's rows and manifest. */
async function forget(store: BrowserStore<Value, Key>, owner: string): Promise<void> {
  await store.deleteRange(...rowsOf(owner));
  await store.deleteRange(manifestKey(owner), manifestKey(owner));
}

/** What the stored rows of a summary cover, for the button's title. */
export function storedRunsText(m: RunsManifest): string {
  const size = MB(m.bytes + m.header.length);
  if (m.runsStored === m.runsTotal)
    return `every run's recorded series, one row per run and recorded step: ${n(m.runsTotal)} runs (${size}), assembled from this browser's IndexedDB`;
  return `the rows of runs 0–${n(m.runsStored - 1)}: the ${n(m.runsStored)} of ${n(m.runsDone ?? m.runsStored)} runs done that finished in run order before the sweep stopped (${size}), assembled from this browser's IndexedDB`;
}

/** Finds the stored rows of a summary, or why there are none; one lookup per summary object. */
export function storedRuns(summary: SweepSummary, store: BrowserStore<Value, Key> = runsStore()): Promise<StoredRuns> {
  let found = lookups.get(summary);
  if (!found) lookups.set(summary, (found = lookUp(summary, store)));
  return found;
}
const lookups = new WeakMap<SweepSummary, Promise<StoredRuns>>();

/** Forgets a summary's lookup (its rows were found gone): the next render looks again. */
export function forgetLookup(summary: SweepSummary): void {
  lookups.delete(summary);
}

async function lookUp(summary: SweepSummary, store: BrowserStore<Value, Key>): Promise<StoredRuns> {
  const mine = (m: RunsManifest) => identity(m) === identity(summary);
  const manifests = (await store.range(...ALL_MANIFESTS)) as RunsManifest[];
  const m = manifests.find((x) => mine(x) && x.state === 'stored') ?? manifests.find(mine) ?? finished.get(identity(summary));
  if (!m) {
    if (!(await store.available())) return { reason: `per-run rows not stored: ${NO_INDEXEDDB}` };
    return { reason: 'per-run rows not stored in this browser for these results; run the sweep here to store them', none: true };
  }
  if (m.state !== 'stored') return { reason: `per-run rows not stored: ${m.reason ?? 'the sweep did not finish writing them'}` };
  return {
    manifest: m,
    csv: async () => {
      const rows = (await store.range(...rowsOfWrite(m))) as Blob[];
      if (rows.length !== m.chunks) throw new Error(`the stored rows are gone (${rows.length} of ${m.chunks} parts found): run the sweep again`);
      return new Blob([m.header, ...rows], { type: 'text/csv' });
    },
  };
}
