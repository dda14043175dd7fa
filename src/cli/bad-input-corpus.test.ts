/**
 * The bad-input corpus: spec fields, cell configs, notebook files, command-line flags, baked files
 * and shards that a user (or a notebook's author) can get wrong. Each case runs the CLI's own
 * entry point (`main`) in-process and must exit 2 with one line on stderr that names the field or
 * flag and what is allowed, no stack trace, and nothing left in or beside --out; a handful also
 * run as a child process (`bin/gradgap.mjs`), end to end. Tampered baked files and shards must be
 * refused by verify (exit 1, the difference named) and merge (exit 2, the shard and field named);
 * hostile but valid text (control characters, formulas) must give well-formed outputs. No case
 * has a wall-clock limit but the hang detector (HANG_MS): the verdict never depends on how busy
 * the machine is.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradgap, gradgapInProcess, HANG_MS, tempDir, type CliRun } from './cli-harness.ts';

// ---------------------------------------------------------------------------------------------
// Notebook builders

const BASE = { V: 8, d: 6, L: 4, J0: 0.2, G: 4, advantage: 'group-std', aggregation: 'seq-sum', iterations: 4, recordEvery: 2 };
const GOOD_SWEEP = { title: 'corpus', base: BASE, grid: { stepSize: [1, 10] }, seeds: 2 };

const notebookOf = (cells: [type: string, id: string, body: string][]) =>
  `<!doctype html>\n<notebook version="1">\n  <title>bad-input corpus</title>\n${cells
    .map(([type, id, body]) => `  <script id="${id}" type="${type}">\n${body}\n  </script>\n`)
    .join('')}</notebook>\n`;

const SWEEP = 'application/vnd.gradgap.sweep+json';
const PLOT = 'application/vnd.gradgap.plot+json';
const THEORY = 'application/vnd.gradgap.theory+json';
const TABLE = 'application/vnd.gradgap.table+json';
const LOGS = 'application/vnd.gradgap.logs+json';

/** A notebook with one sweep cell whose JSON text is `body`. */
const sweepText = (body: string) => notebookOf([[SWEEP, 'sweep', body]]);
/** A notebook with one sweep cell: the good sweep with `patch` applied to it. */
const sweep = (patch: (s: Record<string, unknown>) => void) => {
  const s = structuredClone(GOOD_SWEEP) as Record<string, unknown>;
  patch(s);
  return sweepText(JSON.stringify(s));
};
/** The good sweep with one base field replaced (or removed with `undefined`). */
const base = (key: string, value: unknown) => sweep((s) => ((s.base as Record<string, unknown>)[key] = value));
/** A valid small transformer sweep's base (copy of 2 tokens over V 4: 16 prompts), and the good sweep on it with `patch` over the base. */
const TRANSFORMER_BASE = { policy: 'transformer', V: 4, d: 8, N: 8, B: 4, G: 4, J0: 0.3, promptLength: 2, iterations: 4, recordEvery: 2 };
const transformer = (patch: Record<string, unknown>) => sweep((s) => (s.base = { ...TRANSFORMER_BASE, ...patch }));
/** The good sweep plus one other cell. */
const withCell = (type: string, config: unknown) =>
  notebookOf([
    [SWEEP, 'sweep', JSON.stringify(GOOD_SWEEP)],
    [type, 'other', JSON.stringify(config)],
  ]);

// ---------------------------------------------------------------------------------------------
// The corpus: [name, notebook text (written to nb.html) or null, argv (NB and OUT substituted), stderr must match]

type Case = [name: string, notebook: string | null, argv: string[], message: RegExp, files?: Record<string, string>];
const RUN = ['run', 'NB', '--out', 'OUT'];

const specCases: Case[] = [
  // Base fields: type, range and integrality.
  ['V = 1', base('V', 1), RUN, /base\.V.*\[2, 64\]/],
  ['V = 65', base('V', 65), RUN, /base\.V.*\[2, 64\]/],
  ['V = 2.5', base('V', 2.5), RUN, /base\.V.*integer/],
  ['V as a string', base('V', '8'), RUN, /base\.V.*integer/],
  ['L = 0', base('L', 0), RUN, /base\.L.*\[1, 256\]/],
  ['L = 257', base('L', 257), RUN, /base\.L.*\[1, 256\]/],
  ['L = 1.5', base('L', 1.5), RUN, /base\.L.*integer/],
  ['L = null', base('L', null), RUN, /base\.L.*integer/],
  ['d = 0', base('d', 0), RUN, /base\.d.*\[1, 1024\]/],
  ['d = 1025', base('d', 1025), RUN, /base\.d.*\[1, 1024\]/],
  ['J0 = 0', base('J0', 0), RUN, /base\.J0.*\(0, 1\)/],
  ['J0 = 1', base('J0', 1), RUN, /base\.J0.*\(0, 1\)/],
  ['J0 = -0.1', base('J0', -0.1), RUN, /base\.J0.*\(0, 1\)/],
  ['J0 as a string', base('J0', '0.2'), RUN, /base\.J0.*number/],
  ['J0 = 1e400 (Infinity)', sweepText(JSON.stringify(GOOD_SWEEP).replace('"J0":0.2', '"J0":1e400')), RUN, /base\.J0.*finite/],
  ['G = 0', base('G', 0), RUN, /base\.G.*\[1, 1024\]/],
  ['G = 1025', base('G', 1025), RUN, /base\.G.*\[1, 1024\]/],
  ['G = 1 with group-std', base('G', 1), RUN, /G.*group-std.*G ≥ 2/],
  ['iterations = 0', base('iterations', 0), RUN, /base\.iterations.*\[1, 100000\]/],
  ['iterations = 100001', base('iterations', 100_001), RUN, /base\.iterations.*\[1, 100000\]/],
  ['recordEvery = 0', base('recordEvery', 0), RUN, /base\.recordEvery/],
  ['recordEvery > iterations', base('recordEvery', 5), RUN, /recordEvery.*iterations/],
  ['stepSize = 0', base('stepSize', 0), RUN, /base\.stepSize.*\(0, 1000000\]/],
  ['stepSize = -1', base('stepSize', -1), RUN, /base\.stepSize/],
  ['stepSize = 1e7', base('stepSize', 1e7), RUN, /base\.stepSize.*1000000/],
  ['epsilon = -1', base('epsilon', -1), RUN, /base\.epsilon.*\[0, 1\]/],
  ['epsilon = 2', base('epsilon', 2), RUN, /base\.epsilon.*\[0, 1\]/],
  ['family = "tok"', base('family', 'tok'), RUN, /base\.family.*one of.*token/],
  ['advantage = "grpo"', base('advantage', 'grpo'), RUN, /base\.advantage.*one of.*group-std/],
  ['aggregation = "mean"', base('aggregation', 'mean'), RUN, /base\.aggregation.*one of.*seq-sum/],
  ['mode = "fast"', base('mode', 'fast'), RUN, /base\.mode.*one of.*sampled/],
  ['features = "gauss"', base('features', 'gauss'), RUN, /base\.features.*one of/],
  ['reward = "maybe"', base('reward', 'maybe'), RUN, /base\.reward.*one of/],
  ['std = "population"', base('std', 'population'), RUN, /base\.std.*one of/],
  ['exactDirection = "up"', base('exactDirection', 'up'), RUN, /base\.exactDirection.*one of/],
  ['theta0 a string', base('theta0', 'zeros'), RUN, /base\.theta0.*array of finite numbers/],
  ['theta0 with a string entry', base('theta0', [1, 'a', 0, 0, 0, 0]), RUN, /base\.theta0.*array of finite numbers/],
  ['theta0 of the wrong length', base('theta0', [0, 0]), RUN, /theta0 has 2 entries.*d entries/],
  // Many prompts at token level (SPEC 1.8).
  ['B = 2 > N = 1 at token level', base('B', 2), RUN, /base\.B.*B = 2.*N = 1.*\[1, N = 1\]/],
  ['N = 0', base('N', 0), RUN, /base\.N.*N = 0.*\[1, 1024\]/],
  ['N above the start tokens', sweep((s) => Object.assign(s.base as object, { N: 9 })), RUN, /base\.N.*N = 9 prompts.*V = 8 tokens.*\[1, 8\]/],
  ['B > N with many prompts', sweep((s) => Object.assign(s.base as object, { N: 4, B: 6 })), RUN, /base\.B.*B = 6.*N = 4/],
  [
    'per-prompt records over the limit',
    sweep((s) => Object.assign(s.base as object, { V: 64, N: 64, iterations: 1000, recordEvery: 1 })),
    RUN,
    /base\.N.*64 × 1001 = 64064 per-prompt J_q values per run; at most 16384/,
  ],
  // The practitioners' loop (SPEC 1.6).
  ['optimizer = "lion"', base('optimizer', 'lion'), RUN, /base\.optimizer.*one of.*adamw/],
  ['schedule = "step"', base('schedule', 'step'), RUN, /base\.schedule.*one of.*cosine/],
  ['beta1 = 1', base('beta1', 1), RUN, /base\.beta1.*\[0, 1\)/],
  ['beta2 = -0.1', base('beta2', -0.1), RUN, /base\.beta2.*\[0, 1\)/],
  ['adamEpsilon = 0', base('adamEpsilon', 0), RUN, /base\.adamEpsilon.*\(0, 1\]/],
  ['weightDecay = -0.01', base('weightDecay', -0.01), RUN, /base\.weightDecay.*\[0, 1000\]/],
  ['momentum = -0.9', base('momentum', -0.9), RUN, /base\.momentum.*\[0, 1\)/],
  ['maxGradNorm = 0', base('maxGradNorm', 0), RUN, /base\.maxGradNorm.*null \(no clipping\) or a number in \(0, 1000000\]/],
  ['warmupSteps longer than the run', base('warmupSteps', 5), RUN, /base\.warmupSteps.*longer than the run.*\[0, iterations = 4\]/],
  // Responses that end (SPEC 1.7).
  [
    'targetLength > L',
    sweep((s) => Object.assign(s.base as object, { eos: true, targetLength: 6 })),
    RUN,
    /base\.targetLength.*targetLength = 6.*\[1, 4\].*maximum length L = 4/,
  ],
  ['targetLength = 0', sweep((s) => Object.assign(s.base as object, { eos: true, targetLength: 0 })), RUN, /base\.targetLength.*integer in \[1, 256\]/],
  ['eos with the bandit family', sweep((s) => Object.assign(s.base as object, { family: 'bandit', eos: true })), RUN, /base\.eos.*bandit.*family "token"/],
  ['eos = "yes"', base('eos', 'yes'), RUN, /base\.eos.*true.*false/],
  [
    'exact expected update for seq-mean-token-mean with EOS',
    sweep((s) =>
      Object.assign(s.base as object, { eos: true, targetLength: 3, mode: 'exact', exactDirection: 'expected-update', aggregation: 'seq-mean-token-mean' }),
    ),
    RUN,
    /base\.aggregation.*seq-mean-token-mean with EOS has no exact expected update.*joint law of length and reward/,
  ],
  [
    'exact expected update for token-mean with EOS',
    sweep((s) => Object.assign(s.base as object, { eos: true, targetLength: 3, mode: 'exact', aggregation: 'token-mean' })),
    RUN,
    /base\.aggregation.*token-mean with EOS has no exact expected update.*couples the responses/,
  ],
  ['grid.beta1 with 1', sweep((s) => (s.grid = { beta1: [0.9, 1] })), RUN, /grid\.beta1\[1\].*\[0, 1\)/],
  ['tabular features with V = 33', sweep((s) => Object.assign(s.base as object, { features: 'tabular', V: 33 })), RUN, /V.*\[2, 32\]/],
  ['B·G·L over the token limit', sweep((s) => Object.assign(s.base as object, { G: 1024, L: 16 })), RUN, /B·G·L.*at most 8192/],
  // Top-level fields.
  ['seeds = 0', sweep((s) => (s.seeds = 0)), RUN, /seeds.*\[1, 65536\]/],
  ['seeds = 65537', sweep((s) => (s.seeds = 65_537)), RUN, /seeds.*\[1, 65536\]/],
  ['seeds = 1e12', sweep((s) => (s.seeds = 1e12)), RUN, /seeds.*\[1, 65536\]/],
  ['seeds = 2.5', sweep((s) => (s.seeds = 2.5)), RUN, /seeds.*integer/],
  ['seeds as a string', sweep((s) => (s.seeds = '64')), RUN, /seeds.*integer/],
  ['seed = -1', sweep((s) => (s.seed = -1)), RUN, /seed\b.*\[0, 4294967295\]/],
  ['seed = 2^32', sweep((s) => (s.seed = 2 ** 32)), RUN, /seed\b.*\[0, 4294967295\]/],
  ['collapseFraction = 0', sweep((s) => (s.collapseFraction = 0)), RUN, /collapseFraction.*\(0, 1\]/],
  ['collapseFraction = 1.5', sweep((s) => (s.collapseFraction = 1.5)), RUN, /collapseFraction.*\(0, 1\]/],
  ['version = 2', sweep((s) => (s.version = 2)), RUN, /version.*only version 1/],
  // Unknown and prototype keys, at every level.
  ['a typo\'d top-level key "seedz"', sweep((s) => (s.seedz = 64)), RUN, /seedz.*did you mean seeds/],
  ['a typo\'d base key "Lx"', base('Lx', 4), RUN, /base\.Lx.*did you mean L\b/],
  ['an unknown base key far from any', base('colour', 'red'), RUN, /base\.colour.*unknown/],
  ['base.__proto__', sweepText(JSON.stringify(GOOD_SWEEP).replace('"V":8', '"__proto__":{"V":9},"V":8')), RUN, /base\.__proto__.*unknown/],
  ['base.constructor', base('constructor', 1), RUN, /base\.constructor.*unknown/],
  ['base.toString', base('toString', 1), RUN, /base\.toString.*unknown/],
  ['base.hasOwnProperty', base('hasOwnProperty', 1), RUN, /base\.hasOwnProperty.*unknown/],
  ['base.valueOf', base('valueOf', 1), RUN, /base\.valueOf.*unknown/],
  ['top-level __proto__', sweepText(JSON.stringify(GOOD_SWEEP).replace('"seeds":2', '"seeds":2,"__proto__":{"seeds":3}')), RUN, /__proto__.*unknown/],
  ['grid.constructor', sweepText(JSON.stringify(GOOD_SWEEP).replace('"grid":{', '"grid":{"constructor":[1],')), RUN, /grid\.constructor/],
  ['base as an array', sweep((s) => (s.base = [1, 2])), RUN, /base.*must be an object.*array/],
  ['base as a string', sweep((s) => (s.base = 'token')), RUN, /base.*must be an object/],
  ['grid as an array', sweep((s) => (s.grid = [1, 10])), RUN, /grid.*must be an object/],
  ['a grid key that cannot be swept', sweep((s) => (s.grid = { colour: [1] })), RUN, /grid\.colour/],
  ['an empty grid list', sweep((s) => (s.grid = { stepSize: [] })), RUN, /grid\.stepSize.*1 to 1000 values/],
  ['a grid value that is not a list', sweep((s) => (s.grid = { stepSize: 3 })), RUN, /grid\.stepSize.*list/],
  ['a bad grid value', sweep((s) => (s.grid = { stepSize: [1, 0] })), RUN, /grid\.stepSize\[1\].*\(0, 1000000\]/],
  ['a grid value of the wrong type', sweep((s) => (s.grid = { L: [4, 'eight'] })), RUN, /grid\.L\[1\].*integer/],
  [
    'too many grid cells',
    sweep((s) => (s.grid = { stepSize: Array.from({ length: 300 }, (_, i) => i + 1), L: Array.from({ length: 250 }, (_, i) => i + 1) })),
    RUN,
    /grid.*cells; at most 65536/,
  ],
  ['too many runs', sweep((s) => ((s.grid = { stepSize: Array.from({ length: 100 }, (_, i) => i + 1) }), (s.seeds = 65_536))), RUN, /runs; at most 4194304/],
  ['the sweep cell is an array', sweepText('[1, 2, 3]'), RUN, /sweep.*object/],
  ['the sweep cell is a string', sweepText('"token"'), RUN, /sweep.*object/],
  ['the sweep cell is empty', sweepText(''), RUN, /sweep/],
  ['a JSON syntax error', sweepText('{"base": {"L": 4,}, "seeds": 2}'), RUN, /line \d+/],
  ['10,000-deep nesting', sweepText('{"base":'.repeat(10_000) + '1' + '}'.repeat(10_000)), RUN, /line \d+.*(nest|deep|depth).*64/],
  ['100,000 unclosed [', sweepText('['.repeat(100_000)), RUN, /(nest|deep|depth).*64/],
];

// Values that pass in float64 and break in the float32 the engine runs in; grid axes nothing reads.
const precisionCases: Case[] = [
  [
    'beta1 that rounds to 1 in f32',
    sweep((s) => Object.assign(s.base as object, { optimizer: 'adam', beta1: 0.99999999999 })),
    RUN,
    /base\.beta1.*rounds to 1 in float32/,
  ],
  [
    'beta2 that rounds to 1 in f32',
    sweep((s) => Object.assign(s.base as object, { optimizer: 'adamw', beta2: 0.99999999999 })),
    RUN,
    /base\.beta2.*rounds to 1 in float32/,
  ],
  [
    'momentum that rounds to 1 in f32',
    sweep((s) => Object.assign(s.base as object, { optimizer: 'momentum', momentum: 0.999999999999 })),
    RUN,
    /base\.momentum.*rounds to 1 in float32/,
  ],
  [
    'adamEpsilon that underflows in f32',
    sweep((s) => Object.assign(s.base as object, { optimizer: 'adam', adamEpsilon: 1e-50 })),
    RUN,
    /base\.adamEpsilon.*rounds to 0 in float32.*2\^-126/,
  ],
  ['grid.momentum with SGD', sweep((s) => (s.grid = { momentum: [0.5, 0.9] })), RUN, /grid\.momentum.*optimizer "sgd" does not read momentum/],
  [
    'grid.beta2 with momentum',
    sweep((s) => ((s.grid = { beta2: [0.9, 0.99] }), Object.assign(s.base as object, { optimizer: 'momentum' }))),
    RUN,
    /grid\.beta2.*does not read beta2/,
  ],
  ['grid.adamEpsilon with SGD', sweep((s) => (s.grid = { adamEpsilon: [1e-8, 1e-6] })), RUN, /grid\.adamEpsilon.*does not read adamEpsilon/],
  // The transformer policy (SPEC 1.10): named refusals with their numbers, and what it cannot take yet.
  ['an unknown policy', base('policy', 'mlp'), RUN, /base\.policy.*log-linear, transformer/],
  ['a transformer field under log-linear', base('layers', 2), RUN, /base\.layers.*applies only with policy "transformer"/],
  ['transformer d not divisible by heads', transformer({ d: 10, heads: 4 }), RUN, /base\.heads.*d 10 is not divisible by heads 4/],
  ['transformer over the parameters per run', transformer({ V: 64, d: 64, heads: 4, N: 8 }), RUN, /base\.d.*53504 parameters.*at most 32768/],
  ['transformer task needing more prompts than V offers', transformer({ N: 20 }), RUN, /base\.N.*needs 20 distinct prompts.*V 4 offers only 16/],
  ['transformer in mode exact', transformer({ mode: 'exact' }), RUN, /base\.mode.*no exact trajectory for the transformer.*mode "sampled"/],
  ['transformer with eos and L too short', transformer({ eos: true, V: 5, L: 2 }), RUN, /base\.L.*L = 2 with eos.*at least 3/],
  ['transformer with miniBatches not dividing B', transformer({ miniBatches: 3 }), RUN, /base\.miniBatches/],
  ['transformer with theta0', transformer({ theta0: [0, 1] }), RUN, /base\.theta0.*must be null/],
  ['transformer sweeping L', sweep((s) => ((s.base = TRANSFORMER_BASE), (s.grid = { L: [2, 4] }))), RUN, /grid\.L.*policy "transformer" does not sweep L/],
  ['transformer sweeping layers', sweep((s) => ((s.base = TRANSFORMER_BASE), (s.grid = { layers: [1, 2] }))), RUN, /grid\.layers.*cannot be swept yet/],
];

// Prose references are checked as a plot's are: exit 2 naming the Markdown cell.
const prose = (text: string) =>
  notebookOf([
    [SWEEP, 'sweep', JSON.stringify(GOOD_SWEEP)],
    ['text/markdown', 'intro', text],
  ]);
const proseCases: Case[] = [
  ['a prose reference to a missing cell', prose('η* = {{nope.critical}}'), RUN, /markdown cell "intro".*\{\{nope\.critical\}\}: no cell has the id "nope"/],
  ['a prose reference to a bogus field', prose('{{sweep.bogus}}'), RUN, /markdown cell "intro".*\{\{sweep\.bogus\}\}.*not \.bogus/],
  ['an unclosed {{ in prose', prose('η* = {{sweep.critical\n\nmore'), RUN, /markdown cell "intro".*unclosed \{\{/],
];

const cellCases: Case[] = [
  ['a plot with an unknown view', withCell(PLOT, { view: 'nope', sweep: 'sweep' }), RUN, /plot cell "other".*view.*one of/],
  ['a plot with an unknown key', withCell(PLOT, { view: 'phase', sweep: 'sweep', colour: 'red' }), RUN, /plot cell "other".*colour.*unknown/],
  ['a plot with an unknown where key', withCell(PLOT, { view: 'trajectories', sweep: 'sweep', where: { colour: 1 } }), RUN, /plot cell "other".*where\.colour/],
  ['a plot of a missing sweep', withCell(PLOT, { view: 'phase', sweep: 'nope' }), RUN, /plot cell "other".*sweep refers to "nope"/],
  ['a plot as an array', withCell(PLOT, ['phase']), RUN, /plot cell "other".*object/],
  ['a theory cell with an unknown curve', withCell(THEORY, { sweep: 'sweep', curves: ['nope'] }), RUN, /theory cell "other".*curves.*nope.*one of/],
  ['a theory cell with an unknown key', withCell(THEORY, { sweep: 'sweep', colour: 1 }), RUN, /theory cell "other".*colour.*unknown/],
  ['a table cell with an unknown column', withCell(TABLE, { sweep: 'sweep', columns: ['nope'] }), RUN, /table cell "other".*columns.*nope/],
  ['a table cell with an unknown key', withCell(TABLE, { sweep: 'sweep', colour: 1 }), RUN, /table cell "other".*colour.*unknown/],
];

// Logs cells: the good sweep, a logs cell reading data/ beside the notebook, and the files there.
const GOOD_CSV = 'label,learning_rate,step,acc\na,1e-5,0,0.1\na,1e-5,5,0.2\nb,1e-4,0,0.1\nb,1e-4,5,0\n';
const withLogs = (config: Record<string, unknown>) =>
  notebookOf([
    [SWEEP, 'sweep', JSON.stringify(GOOD_SWEEP)],
    [LOGS, 'runs', JSON.stringify({ files: ['data/runs.csv'], metric: 'acc', ...config })],
  ]);
const logsCase = (name: string, config: Record<string, unknown>, files: Record<string, string>, message: RegExp): Case => [
  name,
  withLogs(config),
  RUN,
  message,
  files,
];

const logsCases: Case[] = [
  logsCase(
    'a log that is none of the formats',
    { files: ['data/run.log'] },
    { 'data/run.log': 'hello there\nnothing to see\n' },
    /logs cell "runs".*data\/run\.log.*not a recognised log/,
  ),
  logsCase(
    'a CSV missing the mapped column',
    { mapping: { step: 'grpo_step' } },
    { 'data/runs.csv': GOOD_CSV },
    /logs cell "runs".*data\/runs\.csv.*mapped step column 'grpo_step' is not in the header/,
  ),
  logsCase(
    'a non-numeric learning rate',
    {},
    { 'data/runs.csv': GOOD_CSV.replace('a,1e-5,5', 'a,fast,5') },
    /logs cell "runs".*line 3.*learning_rate.*'fast' is not a number/,
  ),
  logsCase(
    'two runs with the same label',
    { files: ['data/a/run.csv', 'data/b/run.csv'] },
    { 'data/a/run.csv': 'learning_rate,step,acc\n1e-5,0,0.1\n', 'data/b/run.csv': 'learning_rate,step,acc\n1e-4,0,0.1\n' },
    /logs cell "runs".*two runs are labelled 'run'/,
  ),
  logsCase('an empty log', {}, { 'data/runs.csv': '' }, /logs cell "runs".*data\/runs\.csv.*empty log/),
  logsCase('a log with a header and no rows', {}, { 'data/runs.csv': 'label,learning_rate,step,acc\n' }, /logs cell "runs".*empty log/),
  logsCase(
    'a missing log file',
    { files: ['data/missing.csv'] },
    { 'data/runs.csv': GOOD_CSV },
    /logs cell "runs".*files\[0\] = "data\/missing\.csv": no such file/,
  ),
  logsCase(
    'a metric no run has',
    { metric: 'reward' },
    { 'data/runs.csv': GOOD_CSV },
    /logs cell "runs".*no run has the metric 'reward' \(metrics in the logs: 'acc'\)/,
  ),
  logsCase('a logs cell with an unknown key', { metrik: 'acc' }, { 'data/runs.csv': GOOD_CSV }, /logs cell "runs".*metrik.*did you mean metric/),
  logsCase(
    'a logs file outside the notebook folder',
    { files: ['../runs.csv'] },
    {},
    /logs cell "runs".*files\[0\].*relative path inside the notebook's folder/,
  ),
  logsCase(
    'a bad outcome rule',
    { rules: { collapsed: { finalBelowFractionOfStart: 2 } } },
    { 'data/runs.csv': GOOD_CSV },
    /rules\.collapsed\.finalBelowFractionOfStart.*\[0, 1\]/,
  ),
  ['a logs plot of a missing logs cell', withCell(PLOT, { view: 'logs-outcome', logs: 'nope' }), RUN, /plot cell "other".*logs refers to "nope"/],
];

const fileCases: Case[] = [
  ['an empty file', '', RUN, /no <notebook> element/],
  ['binary garbage', '\u0000\u0001\u00ff'.repeat(100), RUN, /no <notebook> element/],
  ['an unknown notebook version', '<notebook version="2"><title>x</title></notebook>', RUN, /version/],
  ['a notebook without a sweep', notebookOf([['text/markdown', 'intro', 'hello']]), RUN, /no sweep cell/],
  ['2 MB of unclosed <script> tags', `<notebook version="1"><title>x</title>${'<script type="text/markdown">a'.repeat(70_000)}`, RUN, /line \d+/],
];

const flagCases: Case[] = [
  ['no command', null, [], /command|usage/i],
  ['an unknown command', null, ['runn', 'NB'], /unknown command "runn"/],
  ['run without a notebook', null, ['run', '--out', 'OUT'], /needs NOTEBOOK/],
  ['run without --out', GOOD_NB(), ['run', 'NB'], /needs --out/],
  ['--out under /proc', GOOD_NB(), ['run', 'NB', '--out', '/proc/gradgap-corpus/x'], /--out/],
  ['--out as an empty string', GOOD_NB(), ['run', 'NB', '--out', ''], /--out/],
  ['--shard 0/2', GOOD_NB(), [...RUN, '--shard', '0/2'], /--shard 0\/2/],
  ['--shard 1/0', GOOD_NB(), [...RUN, '--shard', '1/0'], /--shard 1\/0/],
  ['--shard a/b', GOOD_NB(), [...RUN, '--shard', 'a/b'], /--shard a\/b/],
  ['--shard 1.5/2', GOOD_NB(), [...RUN, '--shard', '1.5/2'], /--shard 1\.5\/2/],
  ['--shard with 20 digits', GOOD_NB(), [...RUN, '--shard', '1/99999999999999999999'], /--shard/],
  ['--threads 0', GOOD_NB(), [...RUN, '--threads', '0'], /--threads 0.*integer/],
  ['--threads -1', GOOD_NB(), [...RUN, '--threads=-1'], /--threads -1/],
  ['--threads abc', GOOD_NB(), [...RUN, '--threads', 'abc'], /--threads abc/],
  ['--threads 1.5', GOOD_NB(), [...RUN, '--threads', '1.5'], /--threads 1\.5/],
  ['--threads 1e400', GOOD_NB(), [...RUN, '--threads', '1e400'], /--threads 1e400/],
  ['--host nope', GOOD_NB(), [...RUN, '--host', 'nope'], /--host nope.*one of/],
  ['--backend gpu', GOOD_NB(), [...RUN, '--backend', 'gpu'], /--backend gpu.*one of/],
  ['--spec all', GOOD_NB(), [...RUN, '--spec', 'all'], /--spec all.*one of/],
  ['an unknown flag', GOOD_NB(), [...RUN, '--colour', 'red'], /unknown flag --colour/],
  ['a flag given twice', GOOD_NB(), [...RUN, '--threads', '1', '--threads', '2'], /--threads given twice/],
  ['a flag without its value', GOOD_NB(), ['run', 'NB', '--out'], /--out needs a value/],
  ['a switch given a value', GOOD_NB(), [...RUN, '--quiet=yes'], /--quiet takes no value/],
  ['two notebooks', GOOD_NB(), ['run', 'NB', 'NB', '--out', 'OUT'], /one NOTEBOOK/],
  ['merge of a missing folder', null, ['merge', 'MISSING', '--out', 'OUT'], /missing.*(no such|no provenance)/],
  ['merge without --out', null, ['merge', 'MISSING'], /needs --out/],
  ['verify of a missing notebook', null, ['verify', 'MISSING'], /no such file/],
  ['verify with a missing baked file', GOOD_NB(), ['verify', 'NB', '--baked', 'MISSING'], /no baked results/],
  ['bench --workload W9', null, ['bench', '--workload', 'W9'], /--workload W9.*one of/],
  ['bench with a positional argument', null, ['bench', 'extra'], /bench/],
  ['slurm without --tasks', GOOD_NB(), ['slurm', 'NB', '--out', 'OUT'], /needs --tasks/],
  ['slurm --tasks 0', GOOD_NB(), ['slurm', 'NB', '--out', 'OUT', '--tasks', '0'], /--tasks 0: .*\[1, 1024\]/],
  ['slurm --tasks 2000', GOOD_NB(), ['slurm', 'NB', '--out', 'OUT', '--tasks', '2000'], /--tasks 2000: .*\[1, 1024\]/],
  ['slurm --cpus-per-task 0', GOOD_NB(), ['slurm', 'NB', '--out', 'OUT', '--tasks', '2', '--cpus-per-task', '0'], /--cpus-per-task 0: .*\[1, 1024\]/],
  ['slurm --time 2h', GOOD_NB(), ['slurm', 'NB', '--out', 'OUT', '--tasks', '2', '--time', '2h'], /--time 2h: must be a Slurm time limit/],
  ['slurm --partition a;b', GOOD_NB(), ['slurm', 'NB', '--out', 'OUT', '--tasks', '2', '--partition', 'a;b'], /--partition a;b: must be a partition name/],
];

/** A case's folder: the notebook as nb.html, its files, and its argv with NB, OUT and MISSING filled in. */
function prepare(notebook: string | null, argv: string[], files: Record<string, string>): { dir: string; args: string[] } {
  const dir = tempDir('gradgap-corpus-');
  const nb = join(dir, 'nb.html');
  if (notebook !== null) writeFileSync(nb, notebook);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, args: argv.map((a) => (a === 'NB' ? nb : a === 'OUT' ? join(dir, 'out') : a === 'MISSING' ? join(dir, 'missing') : a)) };
}

function GOOD_NB(): string {
  return sweepText(JSON.stringify(GOOD_SWEEP));
}

const CORPUS: Case[] = [...specCases, ...precisionCases, ...proseCases, ...cellCases, ...logsCases, ...fileCases, ...flagCases];

describe('bad-input corpus', () => {
  it('has at least 80 cases, each named once', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(80);
    expect(new Set(CORPUS.map((c) => c[0])).size).toBe(CORPUS.length);
  });

  it.concurrent.each(CORPUS)('%s: exit 2, one clear line, nothing left', async (_name, notebook, argv, message, files = {}) => {
    const { dir, args } = prepare(notebook, argv, files);
    const run = await gradgapInProcess(args);
    expectRefusal(run, message);
    const inputs = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))];
    expect(readdirSync(dir).sort(), 'nothing left in or beside --out').toEqual(notebook === null ? [] : ['nb.html', ...inputs].sort());
  });
});

/** Exit 2 with one line on stderr naming what is wrong: no stack trace, no dump. */
function expectRefusal(run: CliRun, message: RegExp, code = 2): void {
  expect(run.timedOut, 'stopped by the hang detector').toBe(false);
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(run.stderr, 'no stack trace').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(lines.length, `one line on stderr: ${run.stderr.slice(0, 500)}`).toBe(1);
  expect(lines[0]).toMatch(/^gradgap: /);
  expect(lines[0]).toMatch(message);
  expect(lines[0].length, 'a line, not a dump').toBeLessThan(600);
  expect(run.code).toBe(code);
}

// ---------------------------------------------------------------------------------------------
// End to end: a handful of the corpus through bin/gradgap.mjs as a child process (npx gradgap).

const SPAWNED = ['V = 1', 'recordEvery = 0', 'a JSON syntax error', 'no command', 'an unknown flag', 'a prose reference to a missing cell'];

describe('bad-input corpus, spawned', () => {
  it.concurrent.each(CORPUS.filter((c) => SPAWNED.includes(c[0])))('%s: exit 2 from the process', async (_name, notebook, argv, message, files = {}) => {
    const { args } = prepare(notebook, argv, files);
    expectRefusal(await gradgap(args), message);
  });
});

// ---------------------------------------------------------------------------------------------
// verify and merge trust nothing they are given.

/** A little-endian float32 array stored as base64, edited. */
function editFloats(text: string, edit: (values: Float32Array) => void): string {
  const bytes = Buffer.from(text, 'base64');
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  edit(values);
  return Buffer.from(values.buffer).toString('base64');
}

type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('verify cannot be talked out of its check', () => {
  // 2 cells × 8 seeds = 16 runs: fewer than 100, so no run may part at a float tie.
  const NB = sweepText(JSON.stringify({ ...GOOD_SWEEP, seeds: 8 }));
  let dir = '';
  let original: Json = {};
  beforeAll(async () => {
    dir = tempDir('gradgap-corpus-verify-');
    writeFileSync(join(dir, 'nb.html'), NB);
    const run = await gradgapInProcess(['run', join(dir, 'nb.html'), '--out', join(dir, 'out'), '--backend', 'cpu', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    original = JSON.parse(readFileSync(join(dir, 'out/nb.results.json'), 'utf8'));
  }, HANG_MS);

  let counter = 0;
  const verifyEdited = async (edit: (s: Json, file: Json) => void) => {
    const file = structuredClone(original);
    edit(file.sweeps.sweep, file);
    const path = join(dir, `edited-${counter++}.results.json`);
    writeFileSync(path, JSON.stringify(file));
    const run = await gradgapInProcess(['verify', join(dir, 'nb.html'), '--baked', path, '--quiet']);
    // Whatever else it says: a verify that reports differing runs never ends "verified".
    if (/runs? differs?|MISMATCH/.test(run.stdout)) expect(run.stdout).not.toMatch(/^verified:/m);
    return run;
  };
  const relabel = (s: Json) => (s.backend = { ...s.backend, kind: 'webgpu', adapter: 'Some GPU', threads: 1 });
  /** Runs 0 and 15 (cells η = 1 and η = 10) swapped in every per-run array. */
  const swap = (s: Json) => {
    for (const k of ['finalJ', 'minJ', 'initialJ'])
      s[k] = editFloats(s[k], (v) => {
        expect(Math.abs(v[0] - v[15]) > 0.001 || k !== 'finalJ', 'the swapped runs differ').toBe(true);
        [v[0], v[15]] = [v[15], v[0]];
      });
  };

  it('the untouched file verifies bit for bit', async () => {
    const run = await verifyEdited(() => {});
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Bit for bit: all 16 runs/);
  });

  const tamperings: [string, (s: Json, file: Json) => void, RegExp][] = [
    // Swapped runs are no longer the twin's bit for bit: held run by run, and two parted runs are more than the 0 ties allowed.
    ['relabelled as a GPU, two runs swapped', (s) => (relabel(s), swap(s)), /2 of 16 runs took another path .* more than the 0 float ties allowed/],
    [
      'relabelled as a GPU, a band quantile raised',
      (s) => (relabel(s), (s.bands = editFloats(s.bands, (v) => (v[4 + 2] += 0.05)))),
      /J\(t\) bands: 1 of \d+ values differ/,
    ],
    ['relabelled as a GPU, the trajectory hash replaced', (s) => (relabel(s), (s.trajectoryHash = 'a'.repeat(64))), /trajectoryHash\): baked aaaaaaaaaaaa…/],
    [
      'relabelled as a GPU, every J(θ0) moved in its last bits (a float-tie check), two runs swapped',
      (s) => (relabel(s), swap(s), (s.initialJ = editFloats(s.initialJ, (v) => v.forEach((x, i) => (v[i] = Math.fround(x * (1 + 2 ** -21))))))),
      /2 of 16 runs took another path .* more than the 0 float ties allowed/,
    ],
    ['gapBands deleted', (s) => delete s.gapBands, /#sweep gapBands: missing from the baked file/],
    ['updateBands deleted', (s) => delete s.updateBands, /#sweep updateBands: missing from the baked file/],
    ['lengthBands deleted', (s) => delete s.lengthBands, /#sweep lengthBands\.meanLength: missing from the baked file/],
    ['gapBands deleted from a file relabelled as a GPU', (s) => (relabel(s), delete s.gapBands), /#sweep gapBands: missing from the baked file/],
  ];
  it.each(tamperings)('%s: exit 1, the difference named', async (_name, edit, message) => {
    const run = await verifyEdited(edit);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(run.stdout).not.toMatch(/^verified:/m);
    expect(run.stderr).toMatch(/^gradgap: verify failed: 1 of 1 sweeps do not match/m);
  });

  it('provenance that differs is said: the WGSL hash loudly, package versions and runtime as notes', async () => {
    const run = await verifyEdited((_s, file) => {
      file.provenance.wgslHash = 'b'.repeat(64);
      file.provenance.packages = { ...file.provenance.packages, lit: '0.0.1' };
      file.provenance.runtime = 'Chromium 1';
    });
    expect(run.code).toBe(0); // the re-run on the twin decides; the kernels do not shape its numbers
    expect(run.stdout).toMatch(/^WARNING provenance\.wgslHash: baked bbbbbbbbbbbb…, this checkout [0-9a-f]{12}…: the WGSL kernels changed since baking/m);
    expect(run.stdout).toMatch(/^note: provenance\.packages differ: lit baked 0\.0\.1, now \d/m);
    expect(run.stdout).toMatch(/^note: provenance\.runtime: baked on Chromium 1, re-run on node/m);
  });
});

describe('merge trusts no shard', () => {
  let dir = '';
  beforeAll(async () => {
    dir = tempDir('gradgap-corpus-merge-');
    writeFileSync(join(dir, 'nb.html'), GOOD_NB());
    for (const i of [1, 2]) {
      const run = await gradgapInProcess(['run', join(dir, 'nb.html'), '--out', join(dir, `s${i}`), '--backend', 'cpu', '--shard', `${i}/2`, '--quiet']);
      expect(run.code, run.stderr).toBe(0);
    }
  }, HANG_MS);

  /** Merges an edited copy of shard 1 with shard 2. */
  const mergeEdited = async (edit: (shard: string) => void | Promise<void>) => {
    const shard = tempDir('gradgap-corpus-shard-');
    cpSync(join(dir, 's1'), shard, { recursive: true });
    await edit(shard);
    const out = join(tempDir('gradgap-corpus-merged-'), 'out');
    const run = await gradgapInProcess(['merge', shard, join(dir, 's2'), '--out', out, '--quiet']);
    return { run, shard, out };
  };
  const editJson = (path: string, edit: (j: Json) => void) => {
    const j = JSON.parse(readFileSync(path, 'utf8'));
    edit(j);
    writeFileSync(path, JSON.stringify(j, null, 1));
  };
  /** Edits the head of a shard's sweep JSON (the text before its first per-run list). */
  const editHead = (shard: string, edit: (text: string) => string) => {
    const path = join(shard, 'sweeps/sweep.json');
    const text = readFileSync(path, 'utf8');
    const at = text.indexOf('\n"initialJ": [');
    writeFileSync(path, edit(text.slice(0, at)) + text.slice(at));
  };

  it('untouched shards merge', async () => {
    const { run } = await mergeEdited(() => {});
    expect(run.code, run.stderr).toBe(0);
  });

  const cases: [string, (shard: string) => void | Promise<void>, RegExp][] = [
    [
      'the notebook copy replaced',
      (d) => writeFileSync(join(d, 'notebook.html'), GOOD_NB().replace('corpus', 'other')),
      /notebook\.html hashes to .*provenance\.json notebook\.sha256/,
    ],
    [
      'the grid relabelled (η = 10 as 99) under the old spec hash',
      (d) => editHead(d, (t) => t.replace('"stepSize":[1,10]', '"stepSize":[1,99]')),
      /sweep "sweep" specHash is [0-9a-f]{12}…, but its spec hashes to/,
    ],
    [
      'the grid relabelled with its spec hash recomputed everywhere',
      async (d) => {
        const head = readFileSync(join(d, 'sweeps/sweep.json'), 'utf8');
        const spec = JSON.parse(/\n"spec": (.*),\n/.exec(head)![1]);
        spec.grid.stepSize = [1, 99];
        const { specHash } = await import('../spec/index.ts');
        const hash = await specHash(spec);
        editHead(d, (t) => t.replace('"stepSize":[1,10]', '"stepSize":[1,99]').replace(/"specHash": "[0-9a-f]{64}"/, `"specHash": "${hash}"`));
        editJson(join(d, 'provenance.json'), (p) => (p.sweeps.sweep.specHash = hash));
      },
      /sweep "sweep" is not the notebook's sweep cell "sweep".*spec\.grid\.stepSize\[1\]: shard 99, notebook 10/,
    ],
    [
      'recordEvery: 0 in a shard head',
      (d) => editHead(d, (t) => t.replace('"recordEvery":2', '"recordEvery":0')),
      /sweeps\/sweep\.json: spec\.base\.recordEvery: recordEvery = 0/,
    ],
    [
      '"sweeps": null in a shard\'s provenance',
      (d) => editJson(join(d, 'provenance.json'), (p) => (p.sweeps = null)),
      /provenance\.json sweeps = null: expected an object by sweep id/,
    ],
    [
      "a shard's run range past its runs",
      (d) => editHead(d, (t) => t.replace(/"runRange": \[0,2\]/, '"runRange": [0,9]')),
      /runRange = \[0,9\]: expected \[begin, end\) with 0 ≤ begin ≤ end ≤ 4/,
    ],
    [
      "a shard's backend that is not one",
      (d) => editJson(join(d, 'provenance.json'), (p) => (p.sweeps.sweep.backend = 'gpu')),
      /provenance\.json sweeps\["sweep"\]\.backend = "gpu"/,
    ],
  ];
  it.each(cases)('%s: exit 2 naming the shard and the field, nothing written', async (_name, edit, message) => {
    const { run, shard, out } = await mergeEdited(edit);
    expectRefusal(run, message);
    expect(run.stderr).toContain(shard);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile but valid: a correct exit 0 with well-formed outputs.

describe('hostile text gives well-formed outputs', () => {
  it('a plot title with control characters: the SVG is well-formed XML', async () => {
    const { dir, args } = prepare(withCell(PLOT, { view: 'phase', sweep: 'sweep', title: 'η\u0001 sweep\u0000\u001b[31m' }), RUN, {});
    const run = await gradgapInProcess([...args, '--backend', 'cpu', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const svg = readFileSync(join(dir, 'out/plots/other.svg'), 'utf8');
    expect(svg).not.toMatch(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
    expect(svg).toContain('η sweep[31m');
  });

  it('a run label that is a formula: a text in the summary CSV; negative numbers stay numbers', async () => {
    const csv =
      'label,learning_rate,step,acc\n"=HYPERLINK(""http://x"",""y"")",1e-5,0,0.1\n"=HYPERLINK(""http://x"",""y"")",1e-5,5,0.2\n@b,1e-4,0,0.1\n@b,1e-4,5,-0.5\n';
    const { dir, args } = prepare(withLogs({}), RUN, { 'data/runs.csv': csv });
    const run = await gradgapInProcess([...args, '--backend', 'cpu', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const summary = readFileSync(join(dir, 'out/logs/runs.summary.csv'), 'utf8');
    expect(summary).toContain('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(summary).toMatch(/^'@b,/m);
    expect(summary).toContain(',-0.5,');
    expect(summary).not.toMatch(/^[=+@]/m);
  });

  it('a prose reference inside a code span is shown, not evaluated: the notebook runs', async () => {
    const { args } = prepare(prose('write `{{nope.critical}}` to quote η*, and\n\n```\n{{sweep.bogus}}\n```'), RUN, {});
    const run = await gradgapInProcess([...args, '--backend', 'cpu', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
  });
});
