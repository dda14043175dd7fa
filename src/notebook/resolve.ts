/**
 * One way from a notebook file to what runs and what is shown, shared by the page, the command
 * line and the bake script: text → parsed → (the reader's edits) → checked cells → each sweep's
 * specs (its own seeds and the published ones) → the baked results that belong to it. Pure and
 * DOM-free; problems are returned, never thrown, and each front end says them its own way.
 *
 * @example
 *   const nb = resolveNotebook(text, { seeds: 'published', baked });
 *   if (nb.fileIssues.length || nb.checked.some((c) => c.issues.length)) …;
 *   for (const sweep of nb.sweeps) runSweep(sweep.spec);
 *   (await nb.bakedFor('sweep'))?.ofPublishedSpec; // the baked file holds this sweep's published run
 */
import { specHash, validateSpec, withDefaults, type SpecIssue, type SweepSpec } from '../engine/index.ts';
import type { BakedNotebook, SweepSummary } from '../results/index.ts';
import { publishedSpecOf, sweepSpecOf, type CellConfigs } from './cell-config.ts';
import { checkCells, type CheckedCell } from './check.ts';
import type { Notebook, NotebookIssue } from './notebook.ts';
import { parseNotebook, type ParsedNotebook } from './parse.ts';

/** Which seeds a sweep's `spec` has: the published count (`publishSeeds`, what baked results hold) or the cell's `seeds`. */
export type SeedChoice = 'published' | 'cell';

export interface ResolveOptions {
  seeds?: SeedChoice; // which of a sweep's specs is `spec` (default 'published')
  edits?: Readonly<Record<string, string>>; // cell sources that replace the file's, by cell id (the page's edits)
  baked?: BakedNotebook | null; // decoded baked results, for `bakedFor`
}

/** A sweep cell that passed its check, with both of its specs (defaults filled). */
export interface ResolvedSweep {
  id: string; // the sweep cell's id: names its results and output files
  label: string; // its title, else its id (legends, facets)
  config: CellConfigs['sweep'];
  cellSpec: SweepSpec; // with the cell's own `seeds`: what the page runs
  publishedSpec: SweepSpec; // with `publishSeeds` when set: what baked results hold
  spec: SweepSpec; // the one `seeds` chose
  specIssues: SpecIssue[]; // problems of `spec` the cell's own check cannot see: publishSeeds past the engine's limits
}

/** The baked results under a sweep's id, and whether they are of its current specs. */
export interface BakedSweep {
  summary: SweepSummary;
  cellHash: string; // spec hash of the sweep's `cellSpec`
  publishedHash: string; // spec hash of its `publishedSpec`
  ofCellSpec: boolean; // the baked run is of the cell's own spec
  ofPublishedSpec: boolean; // the baked run is of the published spec (as `npm run bake` makes it)
}

export interface ResolvedNotebook {
  file: ParsedNotebook; // the file as read, before edits
  fileIssues: NotebookIssue[]; // problems reading the file (errors and warnings, with lines)
  notebook: Notebook; // with the edits applied
  checked: CheckedCell[]; // every cell, in order, with its issues
  sweeps: ResolvedSweep[]; // sweep cells without issues, in order
  plots: { id: string; config: CellConfigs['plot'] }[]; // plot cells without issues, in order
  theories: Map<string, CellConfigs['theory']>; // theory cells without issues, by id
  tables: Map<string, CellConfigs['table']>; // table cells without issues, by id
  logs: Map<string, CellConfigs['logs']>; // logs cells without issues, by id (their files are read by each front end: src/logs analyzeLogs)
  cell(id: string): CheckedCell | undefined;
  sweep(id: string): ResolvedSweep | undefined;
  /** Spec hashes of a sweep (its cell spec and its published spec), computed once. */
  specHashes(id: string): Promise<{ cell: string; published: string } | undefined>;
  /** The baked results of a sweep (in `baked`, default the options') and whether they match its specs; undefined when none are baked under its id. */
  bakedFor(id: string, baked?: BakedNotebook | null): Promise<BakedSweep | undefined>;
}

/** Resolves a notebook from its text, or from a file already parsed (the page re-resolves it after each edit). */
export function resolveNotebook(source: string | ParsedNotebook, options: ResolveOptions = {}): ResolvedNotebook {
  const file = typeof source === 'string' ? parseNotebook(source) : source;
  const edits = options.edits ?? {};
  const cells = file.notebook.cells.map((c) => (Object.hasOwn(edits, c.id) && edits[c.id] !== undefined ? { ...c, value: edits[c.id] } : c));
  const notebook = { ...file.notebook, cells };
  const checked = checkCells(cells, file.cellLines);
  const sweeps: ResolvedSweep[] = [];
  const plots: ResolvedNotebook['plots'] = [];
  const theories = new Map<string, CellConfigs['theory']>();
  const tables = new Map<string, CellConfigs['table']>();
  const logs = new Map<string, CellConfigs['logs']>();
  for (const c of checked) {
    if (c.issues.length || !c.config) continue;
    if (c.kind === 'sweep') sweeps.push(resolveSweep(c.cell.id, c.config, options.seeds ?? 'published'));
    else if (c.kind === 'plot') plots.push({ id: c.cell.id, config: c.config });
    else if (c.kind === 'theory') theories.set(c.cell.id, c.config);
    else if (c.kind === 'table') tables.set(c.cell.id, c.config);
    else if (c.kind === 'logs') logs.set(c.cell.id, c.config);
  }
  const byId = new Map(checked.map((c) => [c.cell.id, c]));
  const sweepById = new Map(sweeps.map((s) => [s.id, s]));
  const hashes = new Map<string, Promise<{ cell: string; published: string }>>();
  const specHashes = (id: string) => {
    const sweep = sweepById.get(id);
    if (!sweep) return Promise.resolve(undefined);
    let found = hashes.get(id);
    if (!found) {
      found = Promise.all([specHash(sweep.cellSpec), specHash(sweep.publishedSpec)]).then(([cell, published]) => ({ cell, published }));
      hashes.set(id, found);
    }
    return found;
  };
  const bakedFor = async (id: string, baked = options.baked): Promise<BakedSweep | undefined> => {
    const sweeps = baked?.sweeps;
    const summary = sweeps && Object.hasOwn(sweeps, id) ? sweeps[id] : undefined;
    const own = summary && (await specHashes(id));
    if (!summary || !own) return undefined;
    return {
      summary,
      cellHash: own.cell,
      publishedHash: own.published,
      ofCellSpec: summary.specHash === own.cell,
      ofPublishedSpec: summary.specHash === own.published,
    };
  };
  return {
    file,
    fileIssues: file.issues,
    notebook,
    checked,
    sweeps,
    plots,
    theories,
    tables,
    logs,
    cell: (id) => byId.get(id),
    sweep: (id) => sweepById.get(id),
    specHashes,
    bakedFor,
  };
}

function resolveSweep(id: string, config: CellConfigs['sweep'], seeds: SeedChoice): ResolvedSweep {
  const cellSpec = withDefaults(sweepSpecOf(config));
  const publishedInput = publishedSpecOf(config);
  const publishedSpec = withDefaults(publishedInput);
  // checkCells validated the cell's own spec; publishSeeds can push the published one past the engine's limits.
  const specIssues = seeds === 'published' && config.publishSeeds !== undefined ? validateSpec(publishedInput) : [];
  return { id, label: config.title ?? id, config, cellSpec, publishedSpec, spec: seeds === 'published' ? publishedSpec : cellSpec, specIssues };
}
