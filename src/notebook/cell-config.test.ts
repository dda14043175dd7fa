/** Declarative cell configs: unknown keys, prototype keys, enumerations and lists are refused with the field and what is allowed; deep JSON is refused before it is parsed. */
import { describe, expect, it } from 'vitest';
import { checkCells, parseNotebook } from './index.ts';
import { checkPlotConfig, checkSweepCellExtras, checkSweepRefConfig, depthExceededAt, MAX_JSON_DEPTH, readCellJson } from './cell-config.ts';

const lines = (issues: { field?: string; message: string }[]) => issues.map((i) => `${i.field}: ${i.message}`);
const plot = (config: Record<string, unknown>) => lines(checkPlotConfig({ view: 'trajectories', sweep: 's', ...config }));

describe('readCellJson nesting depth', () => {
  it('accepts 64 levels and refuses 65, naming the limit and the line', () => {
    expect(readCellJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)).ok).toBe(true);
    const deep = readCellJson('{\n  "base":\n' + '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1) + '\n}');
    expect(deep).toEqual({ ok: false, line: 3, message: expect.stringMatching(/nested more than 64 levels deep.*at most 64/) });
  });

  it('refuses a 10,000-deep object and 100,000 unclosed [ without overflowing the stack', () => {
    const object = readCellJson('{"base":'.repeat(10_000) + '1' + '}'.repeat(10_000));
    expect(object.ok).toBe(false);
    expect(!object.ok && object.message).toContain('64');
    const unclosed = readCellJson('['.repeat(100_000));
    expect(unclosed).toEqual({ ok: false, line: 1, message: expect.stringContaining('at most 64') });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ title: '['.repeat(1000) + '\\"{{{{' + '{'.repeat(1000), base: { L: 8 } });
    expect(depthExceededAt(text)).toBe(-1);
    expect(readCellJson(text).ok).toBe(true);
    expect(depthExceededAt('["\\\\", ' + '['.repeat(64) + ']'.repeat(64) + ']')).toBe(7 + 63);
  });

  it('stays linear on a long input', () => {
    const text = '[' + '"a\\"b", '.repeat(200_000) + '1]';
    const started = performance.now();
    expect(depthExceededAt(text)).toBe(-1);
    // A hang detector, not a race: quadratic on 200,000 escapes takes hours; linear, milliseconds.
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});

describe('plot cell config', () => {
  it('refuses unknown keys, naming the nearest one', () => {
    expect(plot({ colour: 'L' })).toEqual([
      `colour: unknown field; did you mean color? (plot fields: view, sweep, sweeps, y, fill, length, x, theory, color, scale, layout, where, seed, critical, logs, align, title, caption)`,
    ]);
    expect(plot({ wherre: { L: 8 } })[0]).toContain('did you mean where?');
    expect(plot({ zzz: 1 })[0]).toMatch(/^zzz: unknown field; plot fields: view, /);
  });

  it('refuses prototype keys', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(lines(checkPlotConfig(JSON.parse(`{"view": "phase", "sweep": "s", "${key}": 1}`)))).toEqual([
        expect.stringMatching(new RegExp(`^${key}: unknown field`)),
      ]);
      expect(lines(checkSweepRefConfig('theory', JSON.parse(`{"sweep": "s", "${key}": 1}`)))[0]).toContain('unknown field');
      expect(lines(checkSweepCellExtras(JSON.parse(`{"${key}": 1}`)))[0]).toContain('unknown field');
      expect(plot({ where: JSON.parse(`{"${key}": 1}`) })[0]).toMatch(new RegExp(`^where.${key}: unknown field; grid keys: stepSize`));
    }
  });

  it('refuses where keys that are not grid keys, and where values that are not one value', () => {
    expect(plot({ where: { colour: 1 } })).toEqual([
      'where.colour: unknown field; grid keys: stepSize, L, targetLength, J0, G, V, d, N, K, B, advantage, aggregation, optimizer, momentum, beta1, beta2, adamEpsilon, weightDecay, maxGradNorm, warmupSteps, schedule, ppoEpochs, miniBatches, clipLow, clipHigh, dualClip, klCoef, klEstimator',
    ]);
    expect(plot({ where: { J0: [0.2] } })[0]).toMatch(/^where\.J0: where\.J0 = \[1 values\]: must be one value/);
    expect(plot({ where: [1] })).toEqual(['where: where must be an object such as {"L": 8}, got an array']);
  });

  it('lists the allowed values of every enumerated field', () => {
    expect(plot({ scale: 'log' })).toEqual(['scale: scale = "log": must be one of linear, failure-log']);
    expect(plot({ color: 'colour' })[0]).toContain('must be one of stepSize, L, targetLength, J0');
    expect(plot({ fill: 'meanFinalj' })).toEqual([
      'fill: fill = "meanFinalj": must be one of meanFinalJ, collapseProbability, finalMeanLength, finalLostShare (did you mean meanFinalJ?)',
    ]);
    expect(plot({ x: 3 })).toEqual(['x: x = 3: must be one of stepSize, effectiveStepSize']);
    expect(plot({ critical: null })[0]).toContain('must be one of mean-below-J0, collapse-half');
  });

  it('refuses sweep on compare and sweeps elsewhere, and bad lists of ids', () => {
    expect(lines(checkPlotConfig({ view: 'compare', sweeps: ['a', 'b'], sweep: 'a' }))).toEqual([
      'sweep: the compare view reads "sweeps" (a list), not "sweep": move the id into sweeps',
    ]);
    expect(plot({ sweeps: ['a'] })).toEqual(['sweeps: only the compare view reads "sweeps"; the trajectories view reads one "sweep"']);
    expect(lines(checkPlotConfig({ view: 'compare', sweeps: [] }))).toEqual(['sweeps: sweeps must be a list of sweep cell ids, got an empty list']);
    expect(lines(checkPlotConfig({ view: 'compare', sweeps: ['a', 3, 'a'] }))).toEqual([
      'sweeps[1]: sweeps[1] = 3: must be a cell id (a non-empty string)',
      'sweeps[2]: sweeps[2] = "a" repeats sweeps[0]',
    ]);
    expect(plot({ sweep: 7 })).toEqual(['sweep: sweep = 7: must be the id of a sweep cell (a non-empty string)']);
    expect(plot({ theory: {} })).toEqual(['theory: theory must be the id of a theory cell, or a list of them, got an object']);
    expect(plot({ theory: ['t', ''] })).toEqual(['theory[1]: theory[1] = "": must be a cell id (a non-empty string)']);
    expect(plot({ title: 3 })).toEqual(['title: title must be a string, got a number']);
    expect(lines(checkPlotConfig([]))).toEqual(['plot: must be a JSON object such as {"view": "phase", "sweep": "…"}, got an empty list']);
  });
});

describe('theory and table cell configs', () => {
  it('refuse unknown keys, curves and columns, listing what is allowed', () => {
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', colour: 1 }))).toEqual(['colour: unknown field; theory fields: sweep, y, curves, instances']);
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', curve: ['one-step'] }))[0]).toContain('did you mean curves?');
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', curves: ['nope'] }))).toEqual([
      'curves[0]: curves[0] = "nope": must be one of one-step, theorem-1',
    ]);
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', curves: [] }))).toEqual([
      'curves: curves must be a list of curve names (one-step, theorem-1), got an empty list',
    ]);
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', curves: 'one-step' }))[0]).toContain('got a string');
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', y: 'V' }))).toEqual(['y: y = "V": must be one of L, J0, G']);
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', instances: 0.5 }))).toEqual(['instances: instances = 0.5: must be an integer in [1, 64]']);
    expect(lines(checkSweepRefConfig('theory', { sweep: 's', instances: '5' }))).toEqual(['instances: instances = "5": must be an integer in [1, 64]']);
    expect(lines(checkSweepRefConfig('table', { sweep: 's', columns: ['nope'] }))[0]).toMatch(
      /^columns\[0\]: columns\[0\] = "nope": must be one of meanFinalJ, q10, .*J0$/,
    );
    expect(lines(checkSweepRefConfig('table', { sweep: 's', columns: ['q50', 'q50'] }))).toEqual(['columns[1]: columns[1] = "q50" repeats columns[0]']);
    expect(lines(checkSweepRefConfig('table', { sweep: 's', colour: 1 }))).toEqual(['colour: unknown field; table fields: sweep, columns']);
    expect(lines(checkSweepRefConfig('table', { sweep: 's', columns: ['meanFinalJ', 'effectiveStepSize', 'J0', 'collapsed'] }))).toEqual([]);
    expect(lines(checkSweepRefConfig('table', 'x'))).toEqual(['table: must be a JSON object such as {"sweep": "…"}, got a string']);
  });
});

describe('sweep cell extras', () => {
  it('refuses unknown top-level keys, naming the nearest', () => {
    expect(lines(checkSweepCellExtras({ seedz: 8 }))).toEqual([
      'seedz: unknown field; did you mean seeds? (sweep cell fields: version, base, grid, seeds, seed, collapseFraction, title, publishSeeds)',
    ]);
    expect(lines(checkSweepCellExtras({ titel: 'x' }))[0]).toContain('did you mean title?');
    expect(lines(checkSweepCellExtras({ publishSeeds: 1e12 }))).toEqual(['publishSeeds: publishSeeds = 1000000000000: must be an integer in [1, 65536]']);
    expect(lines(checkSweepCellExtras({ title: ['x'] }))).toEqual(['title: title must be a string, got an array']);
    expect(lines(checkSweepCellExtras(null))[0]).toMatch(/^spec: must be a JSON object.*got null$/);
  });
});

describe('checkCells', () => {
  const notebook = (cells: [type: string, id: string, body: string][]) =>
    '<!doctype html>\n<notebook theme="air" version="1">\n  <title>T</title>\n' +
    cells.map(([type, id, body]) => `  <script id="${id}" type="application/vnd.gradgap.${type}+json">\n    ${body}\n  </script>\n`).join('') +
    '</notebook>\n';
  const check = (text: string) => {
    const parsed = parseNotebook(text);
    expect(parsed.issues).toEqual([]);
    return checkCells(parsed.notebook.cells, parsed.cellLines);
  };
  const SWEEP = '{"grid": {"J0": [0.2, 0.9], "stepSize": [1, 10]}, "seeds": 4}';

  it('turns a too-deep cell into a file line, with no stack overflow', () => {
    const cells = check(
      notebook([
        ['sweep', 's', SWEEP],
        ['sweep', 'deep', '{"base":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
      ]),
    );
    expect(cells[0].issues).toEqual([]);
    expect(cells[1].issues).toEqual([{ line: 8, message: expect.stringContaining('at most 64') }]);
  });

  it('refuses a typo in a sweep cell before the engine sees it', () => {
    expect(check(notebook([['sweep', 's', '{"seedz": 4}']]))[0].issues.map((i) => `${i.field}: ${i.message}`)[0]).toMatch(
      /^seedz: unknown field; did you mean seeds\?/,
    );
    expect(check(notebook([['sweep', 's', '{"base": {"Lx": 4}}']]))[0].issues[0]).toEqual({
      field: 'base.Lx',
      message: expect.stringContaining('did you mean L?'),
    });
  });

  it("checks a plot's where against its sweep's grid", () => {
    const where = (w: string) =>
      check(
        notebook([
          ['sweep', 's', SWEEP],
          ['plot', 'p', `{"view": "trajectories", "sweep": "s", "where": ${w}}`],
        ]),
      )[1].issues.map((i) => `${i.field}: ${i.message}`);
    expect(where('{"J0": 0.9}')).toEqual([]);
    expect(where('{"J0": 0.5}')).toEqual(['where.J0: where.J0 = 0.5 is not in sweep "s"\'s grid.J0: one of 0.2, 0.9']);
    expect(where('{"L": 8}')).toEqual(['where.L: where.L = 8, but sweep "s" does not sweep L (its grid keys: J0, stepSize): where.L must name a swept field']);
  });

  it("checks a plot's y and color against its sweeps' grids", () => {
    const issues = (p: string) =>
      check(
        notebook([
          ['sweep', 's', SWEEP],
          ['sweep', 't', '{"grid": {"stepSize": [1, 10]}}'],
          ['plot', 'p', p],
        ]),
      )[2].issues.map((i) => `${i.field}: ${i.message}`);
    expect(issues('{"view": "phase", "sweep": "s", "y": "J0"}')).toEqual([]);
    expect(issues('{"view": "phase", "sweep": "s", "y": "L"}')).toEqual([
      'y: y = "L", but sweep "s" does not sweep L (its grid keys: J0, stepSize): y must name a swept field',
    ]);
    expect(issues('{"view": "compare", "sweeps": ["s", "t"], "y": "J0"}')).toEqual([
      'y: y = "J0", but sweep "t" does not sweep J0 (its grid keys: stepSize): y must name a swept field',
    ]);
    expect(issues('{"view": "trajectories", "sweep": "t", "color": "G"}')[0]).toMatch(/^color: color = "G", but sweep "t" does not sweep G/);
  });
});
