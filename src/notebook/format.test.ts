import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CELL_TYPES, checkCells, parseNotebook, serializeNotebook, type Notebook } from './index.ts';
import { MAX_NOTEBOOK_CHARS } from './parse.ts';

// Cell sources are arbitrary text with `\n` line endings, including the hard parts: `</script`,
// `<\/script`, blank and whitespace-only lines at either end, tabs, entities, non-ASCII.
const tricky = fc.constantFrom(
  '</script>',
  '</SCRIPT ',
  '<\\/script>',
  '</script',
  '<!--',
  '-->',
  '&amp;',
  '&lt;',
  '\t',
  '    ',
  ' ',
  '',
  'é',
  '∇J',
  '"',
  "'",
  '<b>',
);
const line = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/\r/g, '')),
      tricky,
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join('').replace(/\n/g, ''));
const value = fc.array(line, { maxLength: 8 }).map((lines) => lines.join('\n'));
const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const type = fc.constantFrom(...Object.values(CELL_TYPES), 'module', 'text/x-typescript');
const title = fc.string({ maxLength: 30 }).map((s) => s.replace(/\r/g, ''));

const notebook: fc.Arbitrary<Notebook> = fc
  .record({
    title,
    theme: fc.constantFrom('air', 'slate', 'a"b&c'),
    readOnly: fc.boolean(),
    cells: fc.uniqueArray(fc.record({ id, type, value, hidden: fc.boolean(), pinned: fc.boolean() }), { selector: (c) => c.id, maxLength: 6 }),
  })
  .map((nb) => ({ ...nb, version: 1 }));

describe('notebook format', () => {
  it('parse(serialize(nb)) gives nb back, with no issues', () => {
    fc.assert(
      fc.property(notebook, (nb) => {
        const parsed = parseNotebook(serializeNotebook(nb));
        expect(parsed.issues).toEqual([]);
        expect(parsed.notebook).toEqual(nb);
      }),
      { numRuns: 400 },
    );
  });

  it('files we write round-trip byte for byte', () => {
    fc.assert(
      fc.property(notebook, (nb) => {
        const text = serializeNotebook(nb);
        expect(serializeNotebook(parseNotebook(text).notebook)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('writes the Notebook Kit shape', () => {
    const text = serializeNotebook({
      title: 'A & B',
      theme: 'air',
      readOnly: false,
      version: 1,
      cells: [{ id: 'intro', type: 'text/markdown', value: '# Hi\n\nsee </script>', hidden: false, pinned: true }],
    });
    expect(text).toBe(
      '<!doctype html>\n<notebook theme="air" version="1">\n  <title>A &amp; B</title>\n' +
        '  <script id="intro" type="text/markdown" pinned="">\n    # Hi\n\n    see <\\/script>\n  </script>\n</notebook>\n',
    );
  });

  it('reads a Notebook Kit file (numeric ids, no version)', () => {
    const text =
      '<!doctype html>\n<notebook theme="air">\n  <title>Hello</title>\n  <script id="1" type="text/markdown">\n    # Hello\n  </script>\n  <script id="2" type="module" pinned="">\n    1 + 2\n  </script>\n</notebook>\n';
    const { notebook: nb, issues } = parseNotebook(text);
    expect(issues).toEqual([]);
    expect(nb.cells.map((c) => [c.id, c.type, c.value, c.pinned])).toEqual([
      ['1', 'text/markdown', '# Hello', false],
      ['2', 'module', '1 + 2', true],
    ]);
  });
});

describe('corrupt and unknown files', () => {
  const good = (body: string) => `<!doctype html>\n<notebook theme="air" version="1">\n  <title>T</title>\n${body}</notebook>\n`;

  it('an unclosed cell is reported with its line, and the next cells still read', () => {
    const text = good('  <script id="a" type="text/markdown">\n    one\n  <script id="b" type="text/markdown">\n    two\n  </script>\n');
    const { notebook: nb, issues } = parseNotebook(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 4, severity: 'error' });
    expect(issues[0].message).toMatch(/cell "a" is never closed/);
    expect(nb.cells.map((c) => c.id)).toEqual(['a', 'b']);
    expect(nb.cells[1].value).toBe('two');
  });

  it('a newer format version is named with its line; the cells still read', () => {
    const { notebook: nb, issues } = parseNotebook(
      '<!doctype html>\n\n<notebook theme="air" version="7">\n  <title>T</title>\n  <script id="a" type="text/markdown">\n    hi\n  </script>\n</notebook>\n',
    );
    expect(issues).toHaveLength(1);
    expect(issues[0].line).toBe(3);
    expect(issues[0].message).toMatch(/format version 7, newer than this gradgap reads \(1\)/);
    expect(nb.cells).toHaveLength(1);
  });

  it('only real character references decode: `&constructor;` stays as written', () => {
    const nb = parseNotebook('<notebook version="1"><title>a &amp; &constructor; &tostring;</title></notebook>').notebook;
    expect(nb.title).toBe('a & &constructor; &tostring;');
  });

  it('a file that is not a notebook says so on line 1', () => {
    const { notebook: nb, issues } = parseNotebook('{"not": "a notebook"}');
    expect(issues[0]).toMatchObject({ line: 1 });
    expect(issues[0].message).toMatch(/no <notebook> element/);
    expect(nb.cells).toEqual([]);
  });

  it('a truncated file, stray elements and duplicate ids are each reported with a line', () => {
    const text =
      '<!doctype html>\n<notebook>\n  <title>T</title>\n  <div>x</div>\n  <script id="a" type="text/markdown">\n    1\n  </script>\n  <script id="a" type="text/markdown">\n    2\n  </script>\n';
    const { notebook: nb, issues } = parseNotebook(text);
    const byLine = issues.map((i) => [i.line, i.message.slice(0, 30)]);
    expect(byLine).toEqual([
      [4, 'unexpected <div> inside <noteb'],
      [4, 'stray text inside <notebook>: '],
      [4, 'unexpected closing tag </div> '],
      [8, 'two cells have the id "a"; the'],
      [11, 'the file ends before </noteboo'],
    ]);
    expect(nb.cells.map((c) => c.id)).toEqual(['a', 'a-2']);
  });

  // The reader used to rescan the rest of the file for every unclosed <script> (and every unclosed
  // <title>, and every duplicate id): 0.4 MB took 8 s and 2 MB minutes. Linear, each takes well
  // under a second; the bound is generous for a loaded machine and far below the quadratic time.
  it('many unclosed cells, titles or duplicate ids read in linear time, with their lines', () => {
    const body = (unit: string) => '<!doctype html>\n<notebook>\n' + unit.repeat(Math.ceil(2_000_000 / unit.length));
    const shapes = {
      unclosedCells: '  <script id="a" type="text/markdown">\n    x\n',
      unclosedTitles: '<title>x',
      duplicateIds: '  <script id="a" type="text/markdown">x</script>\n',
      unclosedOneLine: '<script>x',
    };
    for (const [name, unit] of Object.entries(shapes)) {
      const text = body(unit);
      const start = performance.now();
      const { notebook: nb, issues } = parseNotebook(text);
      const ms = performance.now() - start;
      // A hang detector, not a race: quadratic on 2,000,000 characters takes hours; linear, well under a second.
      expect(ms, `${name}: ${text.length} characters`).toBeLessThan(60_000);
      expect(issues.length, name).toBeGreaterThan(0);
      if (name === 'unclosedCells') {
        expect(nb.cells.length).toBe(Math.ceil(2_000_000 / unit.length));
        expect(issues[0]).toMatchObject({ line: 3, severity: 'error' });
        expect(issues[0].message).toMatch(/cell "a" is never closed with <\/script>; read up to line 4/);
        expect(issues.filter((i) => /^cell "a(-\d+)?" is never closed/.test(i.message))).toHaveLength(nb.cells.length);
        expect(issues.at(-1)?.message).toMatch(/the file ends before <\/notebook>/);
      }
      if (name === 'duplicateIds') expect(nb.cells.at(-1)?.id).toBe(`a-${nb.cells.length}`);
    }
  });

  it('a file over the size limit is refused at once with a message naming the limit', () => {
    const text = '<!doctype html>\n<notebook>\n' + '  <script id="a">\n    x\n'.repeat(50_000_000 / 24);
    expect(text.length).toBeGreaterThan(MAX_NOTEBOOK_CHARS);
    const start = performance.now();
    const { notebook: nb, issues } = parseNotebook(text);
    expect(performance.now() - start).toBeLessThan(60_000); // a hang detector: refused before any parsing
    expect(nb.cells).toEqual([]);
    expect(issues).toEqual([
      { line: 1, severity: 'error', message: expect.stringMatching(/^this file is 47\.7 MiB of text, over the 8\.0 MiB limit for a notebook/) },
    ]);
    expect(
      parseNotebook(serializeNotebook({ title: 'x'.repeat(MAX_NOTEBOOK_CHARS - 200), theme: 'air', readOnly: false, version: 1, cells: [] })).issues,
    ).toEqual([]);
  });

  it('bad JSON in a sweep cell points at the file line; other cells check clean', () => {
    const text = good(
      '  <script id="s" type="application/vnd.gradgap.sweep+json">\n    {\n      "seeds": 4,\n      "grid" {}\n    }\n  </script>\n' +
        '  <script id="t" type="application/vnd.gradgap.sweep+json">\n    {"seeds": 4}\n  </script>\n',
    );
    const parsed = parseNotebook(text);
    expect(parsed.issues).toEqual([]);
    const [s, t] = checkCells(parsed.notebook.cells, parsed.cellLines);
    expect(s.issues).toHaveLength(1);
    expect(s.issues[0].line).toBe(7);
    expect(s.issues[0].message).toBe('invalid JSON: expected \':\' after a key, found "{"');
    expect(t.issues).toEqual([]);
  });

  it('references to missing or wrong-kind cells are named', () => {
    const text = good(
      '  <script id="m" type="text/markdown">\n    hi\n  </script>\n' +
        '  <script id="p" type="application/vnd.gradgap.plot+json">\n    {"view": "phase", "sweep": "m", "theory": "nope"}\n  </script>\n',
    );
    const parsed = parseNotebook(text);
    const [, p] = checkCells(parsed.notebook.cells, parsed.cellLines);
    expect(p.issues.map((i) => i.message)).toEqual([
      'sweep refers to "m", a markdown cell; it must be a sweep cell',
      'theory refers to "nope", but no cell has that id',
    ]);
  });
});
