/**
 * Baked results: the published run of each sweep of a notebook, stored beside it as
 * `notebooks/<name>.results.json`, with the provenance a reader needs to reproduce it (seeds,
 * spec hash, package versions, WGSL hash, adapter). Per-run arrays are little-endian base64 so
 * the file stays exact and reasonably small; NaN in statistics is written as null.
 * `gapBands` (‖g‖(t) quantiles) is optional within version 1: files baked before it existed
 * still read, and the gap plot says that they lack it. `updateBands` (‖Δθ‖(t) quantiles, SPEC 1.6)
 * is optional the same way, and so is `lengthBands` (SPEC 1.7: one base64 array per LENGTH_SERIES), and
 * `promptBands` (SPEC 1.8: one per PROMPT_SERIES, only in sweeps with many token prompts), and
 * `oneStepThreshold` (SPEC 1.10: per run, only in transformer sweeps).
 *
 * @example
 *   const text = encodeBaked({ notebook: 'threshold.html', provenance, sweeps: { sweep: summary } });
 *   const baked = decodeBaked(text); // throws BakedFormatError with the reason
 */
import { cellCount, isTransformer, PER_RUN_OUTPUTS, RUN_OUTPUTS, SERIES_BANDS, type PerRunOutputName } from '../engine/index.ts';
import { BAND_FIELDS, BAND_GROUPS, GAP_BAND_FIELDS, keyedBandFields, seriesBands, type BandGroup, type SweepSummary } from './summary.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { excerpt, excerptList, showValue } from '../spec/index.ts';

export const BAKED_FORMAT = 'gradgap-baked';
export const BAKED_VERSION = 1;

/** Where a baked result came from. */
export interface Provenance {
  packages: Record<string, string>; // gradgap and the libraries that shape the numbers or the page
  wgslHash: string; // SHA-256 over shaders/*.wgsl (name and text, sorted by name)
  runtime: string; // 'node v20.20.2', 'Chromium 156', …
  command: string; // how it was made, e.g. 'npm run bake'
}

export interface BakedNotebook {
  notebook: string; // file name of the notebook these results belong to
  notebookHash?: string; // SHA-256 of the notebook text when baked
  provenance: Provenance;
  sweeps: Record<string, SweepSummary>; // by sweep cell id
}

export class BakedFormatError extends Error {
  override name = 'BakedFormatError';
}

// Typed arrays are written little-endian; every platform we run on is little-endian, and a
// big-endian reader would fail the stored hashes rather than read garbage silently.
const f32 = (text: string, where: string) => {
  const bytes = bytesOf(text, where);
  if (bytes.byteLength % 4) throw new BakedFormatError(`${where}: ${bytes.byteLength} bytes is not a whole number of float32 values`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const bytesOf = (text: string, where: string) => {
  try {
    return fromBase64(text);
  } catch {
    throw new BakedFormatError(`${where}: not valid base64`);
  }
};

// Every key a file may hold, so that an edited or foreign file is refused rather than half read.
const TOP_KEYS = ['format', 'version', 'notebook', 'notebookHash', 'provenance', 'sweeps'];
const TOP_OPTIONAL = ['notebookHash'];
const PROVENANCE_KEYS = ['packages', 'wgslHash', 'runtime', 'command'];
const SWEEP_KEYS = [
  'specHash',
  'spec',
  'seeds',
  'backend',
  'wallMs',
  'complete',
  'runsDone',
  'stopReason',
  'message',
  'recordSteps',
  'cellStats',
  'trajectoryHash',
  'bands',
  'gapBands',
  'updateBands',
  'lengthBands',
  'promptBands',
  'ppoBands',
  'transformerBands',
  'finalJ',
  'minJ',
  'initialJ',
  'diverged',
  'oneStepThreshold',
];
const SWEEP_OPTIONAL = ['gapBands', 'updateBands', 'lengthBands', 'promptBands', 'ppoBands', 'transformerBands', 'oneStepThreshold'];
/** The per-run outputs a baked sweep holds (a summary's), in the file's key order; element types from RUN_OUTPUTS. */
const RUN_ARRAYS = SWEEP_KEYS.filter((k): k is PerRunOutputName => (PER_RUN_OUTPUTS as readonly string[]).includes(k));
const CELL_STATS_KEYS = ['cell', 'runs', 'finite', 'diverged', 'meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90', 'collapsed', 'collapseProbability'];
const BACKEND_KEYS = ['kind', 'threads', 'adapter', 'fallbackAdapter', 'reason'];
const STOP_REASONS = ['done', 'cancelled', 'device-lost', 'error'];
/** The keyed band groups (lengthBands, promptBands) and their series, in the file's order. */
const bandGroups = Object.entries(BAND_GROUPS) as [BandGroup, (typeof BAND_GROUPS)[BandGroup]][];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isHash = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/** Throws unless `value` is an object with every required key of `keys` and no other. */
function expectKeys(value: unknown, keys: readonly string[], optional: readonly string[], where: string): asserts value is Record<string, unknown> {
  if (!isObject(value)) throw new BakedFormatError(`${where}: expected an object, found ${excerpt(JSON.stringify(value) ?? String(value), 40)}`);
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length)
    throw new BakedFormatError(
      `${where}: unknown key${unknown.length > 1 ? 's' : ''} ${excerptList(unknown.map((k) => JSON.stringify(k)))} (this gradgap reads ${keys.join(', ')})`,
    );
  const missing = keys.filter((k) => !optional.includes(k) && value[k] === undefined);
  if (missing.length) throw new BakedFormatError(`${where}: missing ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
}

function check(ok: boolean, where: string, what: string): void {
  if (!ok) throw new BakedFormatError(`${where}: ${what}`);
}

const nanToNull = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
const nullToNaN = (stats: Record<string, number | null>[]): SweepSummary['cellStats'] =>
  stats.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? NaN : v]))) as unknown as SweepSummary['cellStats'];

/** How encodeSummary writes a typed array into the JSON: a placeholder that writeBaked fills with its base64. */
type ArrayText = (view: ArrayBufferView) => string;

function encodeSummary(s: SweepSummary, array: ArrayText): unknown {
  return {
    specHash: s.specHash,
    spec: s.spec,
    seeds: { perCell: s.spec.seeds, masterSeed: s.spec.seed },
    backend: s.backend,
    wallMs: Math.round(s.wallMs),
    complete: s.complete,
    runsDone: s.runsDone,
    stopReason: s.stopReason,
    message: s.message,
    recordSteps: s.recordSteps,
    cellStats: s.cellStats,
    trajectoryHash: s.trajectoryHash,
    bands: array(s.bands),
    gapBands: s.gapBands && array(s.gapBands), // undefined: the key is left out
    updateBands: s.updateBands && array(s.updateBands),
    // lengthBands, promptBands: one base64 array per series.
    ...Object.fromEntries(bandGroups.map(([group, series]) => [group, s[group] && Object.fromEntries(series.map((n) => [n, array(seriesBands(s, n)!)]))])),
    ...Object.fromEntries(RUN_ARRAYS.map((k) => [k, array(s[k])])),
    oneStepThreshold: s.oneStepThreshold && array(s.oneStepThreshold), // a transformer sweep's only
  };
}

/** Bytes of base64 written at a time: whole 3-byte groups, so the slices' base64 joins into the whole's. */
const BASE64_SLICE = 3 * 65_536;

/**
 * Writes a baked-results file piece by piece (stable key order, one sweep per block): the JSON of
 * everything but the typed arrays, and each array's base64 in slices where it stands, so a
 * million-run sweep's per-run finals never become one string (`gradgap run` streams the file).
 */
export function writeBaked(baked: BakedNotebook, write: (text: string) => void): void {
  const arrays: ArrayBufferView[] = [];
  // Each array stands in the JSON as a placeholder no other string can hold: a fresh token between NULs.
  const token = `gg${Math.random().toString(36).slice(2)}`;
  const placeholder: ArrayText = (view) => `\u0000${token}:${arrays.push(view) - 1}\u0000`;
  const body = {
    format: BAKED_FORMAT,
    version: BAKED_VERSION,
    notebook: baked.notebook,
    notebookHash: baked.notebookHash,
    provenance: baked.provenance,
    sweeps: Object.fromEntries(Object.entries(baked.sweeps).map(([id, s]) => [id, encodeSummary(s, placeholder)])),
  };
  // JSON.stringify writes a placeholder as the escape \u0000, the token, ':k', \u0000: split there,
  // keeping k (odd pieces); any other NUL a string holds stays in the text around them.
  const nul = JSON.stringify('\u0000').slice(1, -1).replace(/\\/g, '\\\\');
  const pieces = `${JSON.stringify(body, nanToNull, 1)}\n`.split(new RegExp(`${nul}${token}:(\\d+)${nul}`));
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) return write(piece);
    const view = arrays[Number(piece)];
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let at = 0; at < bytes.length; at += BASE64_SLICE) write(toBase64(bytes.subarray(at, at + BASE64_SLICE)));
  });
}

/** The text of a baked-results file: writeBaked's pieces joined. */
export function encodeBaked(baked: BakedNotebook): string {
  let text = '';
  writeBaked(baked, (piece) => (text += piece));
  return text;
}

/** Reads a baked-results file; throws BakedFormatError naming what is wrong. */
export function decodeBaked(text: string): BakedNotebook {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BakedFormatError(`baked results are not valid JSON: ${excerpt((error as Error).message, 120)}`);
  }
  if (body?.format !== BAKED_FORMAT) throw new BakedFormatError(`not a gradgap baked-results file (format = ${showValue(body?.format)})`);
  if (body.version !== BAKED_VERSION)
    throw new BakedFormatError(
      `baked-results version ${showValue(body.version)} is not the one this gradgap reads (${BAKED_VERSION}); re-bake with npm run bake`,
    );
  expectKeys(body, TOP_KEYS, TOP_OPTIONAL, 'the file');
  check(typeof body.notebook === 'string' && body.notebook !== '', 'notebook', `expected the notebook's file name, found ${JSON.stringify(body.notebook)}`);
  check(body.notebookHash === undefined || isHash(body.notebookHash), 'notebookHash', 'expected a SHA-256 in hex');
  expectKeys(body.provenance, PROVENANCE_KEYS, [], 'provenance');
  check(isObject(body.provenance.packages), 'provenance.packages', 'expected an object');
  for (const k of ['wgslHash', 'runtime', 'command']) check(typeof body.provenance[k] === 'string', `provenance.${k}`, 'expected a string');
  check(isObject(body.sweeps), 'sweeps', 'expected an object by sweep id');
  const sweeps: Record<string, SweepSummary> = {};
  for (const [id, raw] of Object.entries(body.sweeps as Record<string, unknown>)) {
    sweeps[id] = decodeSummary(id, raw);
  }
  return {
    notebook: body.notebook as string,
    notebookHash: body.notebookHash as string | undefined,
    provenance: body.provenance as unknown as Provenance,
    sweeps,
  };
}

/** One sweep's block, checked for shape and for agreement between its parts (seeds, spec, array sizes). */
function decodeSummary(id: string, raw: unknown): SweepSummary {
  const at = `sweep "${id}"`;
  expectKeys(raw, SWEEP_KEYS, SWEEP_OPTIONAL, at);
  const spec = raw.spec as SweepSummary['spec'];
  check(
    isObject(spec) && isObject(spec.base) && isObject(spec.grid) && Object.values(spec.grid).every(Array.isArray),
    `${at} spec`,
    'expected a sweep spec with base and grid',
  );
  check(
    Number.isInteger(spec.seeds) && spec.seeds >= 1 && Number.isInteger(spec.seed),
    `${at} spec`,
    `seeds = ${JSON.stringify(spec.seeds)}, seed = ${JSON.stringify(spec.seed)} are not whole numbers`,
  );
  expectKeys(raw.seeds, ['perCell', 'masterSeed'], [], `${at} seeds`);
  check(raw.seeds.perCell === spec.seeds, `${at} seeds.perCell`, `${JSON.stringify(raw.seeds.perCell)} but the spec has seeds = ${spec.seeds}`);
  check(raw.seeds.masterSeed === spec.seed, `${at} seeds.masterSeed`, `${JSON.stringify(raw.seeds.masterSeed)} but the spec has seed = ${spec.seed}`);
  check(isHash(raw.specHash), `${at} specHash`, 'expected a SHA-256 in hex');
  check(isHash(raw.trajectoryHash), `${at} trajectoryHash`, 'expected a SHA-256 in hex');
  expectKeys(raw.backend, BACKEND_KEYS, [], `${at} backend`);
  check(raw.backend.kind === 'cpu' || raw.backend.kind === 'webgpu', `${at} backend.kind`, `${JSON.stringify(raw.backend.kind)} is neither cpu nor webgpu`);
  check(typeof raw.backend.adapter === 'string', `${at} backend.adapter`, 'expected a string');
  check(typeof raw.wallMs === 'number', `${at} wallMs`, 'expected a number');
  check(typeof raw.complete === 'boolean', `${at} complete`, 'expected true or false');
  check(isCount(raw.runsDone), `${at} runsDone`, 'expected a whole number');
  check(STOP_REASONS.includes(raw.stopReason as string), `${at} stopReason`, `${JSON.stringify(raw.stopReason)} is not one of ${STOP_REASONS.join(', ')}`);
  check(typeof raw.message === 'string', `${at} message`, 'expected a string');
  const recordSteps = raw.recordSteps;
  check(Array.isArray(recordSteps) && recordSteps.length > 0 && recordSteps.every(isCount), `${at} recordSteps`, 'expected a list of steps');
  for (const k of ['bands', 'gapBands', 'updateBands', 'oneStepThreshold', ...RUN_ARRAYS])
    check(raw[k] === undefined || typeof raw[k] === 'string', `${at} ${k}`, 'expected base64 text');

  const cells = cellCount(spec);
  const runs = cells * spec.seeds;
  const runArrays = Object.fromEntries(
    RUN_ARRAYS.map((k) => [k, RUN_OUTPUTS[k].array === Uint8Array ? bytesOf(raw[k] as string, `${at} ${k}`) : f32(raw[k] as string, `${at} ${k}`)]),
  ) as Pick<SweepSummary, PerRunOutputName>;
  const { finalJ, diverged } = runArrays;
  if (diverged.length !== finalJ.length) throw new BakedFormatError(`${at}: ${diverged.length} divergence flags for ${finalJ.length} runs`);
  for (const k of RUN_ARRAYS) {
    const a = runArrays[k];
    check(a.length === runs, `${at} ${k}`, `${a.length} runs, but the spec has ${cells} cells × ${spec.seeds} seeds = ${runs}`);
  }
  const oneStepThreshold = typeof raw.oneStepThreshold === 'string' ? f32(raw.oneStepThreshold, `${at} oneStepThreshold`) : undefined;
  check(!oneStepThreshold || oneStepThreshold.length === runs, `${at} oneStepThreshold`, `${oneStepThreshold?.length} runs, but the spec has ${runs}`);
  check(!oneStepThreshold || isTransformer(spec.base), `${at} oneStepThreshold`, 'only a transformer sweep has a one-step threshold per run');
  const bands = f32(raw.bands as string, `${at} bands`);
  const gapBands = typeof raw.gapBands === 'string' ? f32(raw.gapBands, `${at} gapBands`) : undefined;
  if (gapBands && gapBands.length !== bands.length)
    throw new BakedFormatError(`${at}: ${gapBands.length} gradient-gap band values for ${bands.length} J band values`);
  const updateBands = typeof raw.updateBands === 'string' ? f32(raw.updateBands, `${at} updateBands`) : undefined;
  const R = (recordSteps as number[]).length;
  check(
    bands.length === cells * R * BAND_FIELDS.length,
    `${at} bands`,
    `${bands.length} values, but ${cells} cells × ${R} recorded steps × ${BAND_FIELDS.length} = ${cells * R * BAND_FIELDS.length}`,
  );
  check(
    !gapBands || gapBands.length === cells * R * GAP_BAND_FIELDS.length,
    `${at} gapBands`,
    `${gapBands?.length} values, but ${cells} cells × ${R} recorded steps × ${GAP_BAND_FIELDS.length}`,
  );
  check(
    !updateBands || updateBands.length === cells * R * GAP_BAND_FIELDS.length,
    `${at} updateBands`,
    `${updateBands?.length} values, but ${cells} cells × ${R} recorded steps × ${GAP_BAND_FIELDS.length}`,
  );
  const groups: Partial<Record<BandGroup, Record<string, Float32Array>>> = {};
  for (const [group, series] of bandGroups) {
    const data = raw[group];
    if (data === undefined) continue;
    expectKeys(data, series, [], `${at} ${group}`);
    groups[group] = Object.fromEntries(
      series.map((n) => {
        const where = `${at} ${group}.${n}`;
        const size = cells * R * SERIES_BANDS[n].length;
        check(typeof data[n] === 'string', where, 'expected base64 text');
        const values = f32(data[n] as string, where);
        check(values.length === size, where, `${values.length} values, but ${cells} cells × ${R} recorded steps × ${SERIES_BANDS[n].length} = ${size}`);
        return [n, values];
      }),
    );
  }

  check(Array.isArray(raw.cellStats), `${at} cellStats`, 'expected a list, one entry per cell');
  const seen = new Set<number>();
  (raw.cellStats as unknown[]).forEach((s, i) => {
    // unreached: a transformer sweep's count of seeds whose warm start never reached J0 (SPEC 1.10).
    expectKeys(s, [...CELL_STATS_KEYS, 'unreached'], ['unreached'], `${at} cellStats[${i}]`);
    for (const k of [...CELL_STATS_KEYS, ...('unreached' in s ? ['unreached'] : [])])
      check(s[k] === null || typeof s[k] === 'number', `${at} cellStats[${i}].${k}`, `expected a number, found ${JSON.stringify(s[k])}`);
    check(
      isCount(s.cell) && (s.cell as number) < cells && !seen.has(s.cell as number),
      `${at} cellStats[${i}].cell`,
      `${s.cell} is not a cell of the grid (0 … ${cells - 1}) or is listed twice`,
    );
    seen.add(s.cell as number);
  });
  if (raw.complete) check(seen.size === cells, `${at} cellStats`, `${seen.size} cells, but the sweep is complete and has ${cells}`);

  return {
    specHash: raw.specHash as string,
    spec,
    recordSteps: recordSteps as number[],
    cellStats: nullToNaN(raw.cellStats as Record<string, number | null>[]),
    bands,
    gapBands,
    updateBands,
    ...keyedBandFields(groups as Partial<Pick<SweepSummary, BandGroup>>),
    ...runArrays,
    ...(oneStepThreshold ? { oneStepThreshold } : {}),
    trajectoryHash: raw.trajectoryHash as string,
    backend: raw.backend as unknown as SweepSummary['backend'],
    wallMs: raw.wallMs as number,
    complete: raw.complete as boolean,
    runsDone: raw.runsDone as number,
    stopReason: raw.stopReason as SweepSummary['stopReason'],
    message: raw.message as string,
  };
}
