/**
 * The write rule: nothing the program writes lies outside --out, whatever names it (a cell id, the
 * notebook name in a shard's provenance, a symlinked folder already in --out), and nothing
 * half-written is left inside it. Each case runs the CLI's entry point in this process and lists
 * a sentinel folder (holding --out, the notebook and everything else) before and after.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from './cli-error.ts';
import { cells, gradgapInProcess, listAll, notebookFolder, RUNS_CSV, SECRET_VALUE, sentinel } from './file-rules-kit.ts';
import { listFiles, OutputStage } from './output-files.ts';
import { resolveInside } from './output-path.ts';
import { sha256 } from './provenance-info.ts';

describe('resolveInside: the one rule for output paths', () => {
  const root = sentinel();
  const out = join(root, 'out');
  mkdirSync(join(out, 'plots'), { recursive: true });
  mkdirSync(join(root, 'elsewhere'));
  symlinkSync(join(root, 'elsewhere'), join(out, 'linked'));
  symlinkSync(join(root, 'elsewhere', 'x.svg'), join(out, 'plots', 'dangling.svg'));

  it('follows a symlinked --out itself (the user named it): paths under it are inside', () => {
    const real = join(root, 'real-out');
    mkdirSync(real);
    symlinkSync(real, join(root, 'out-link'));
    expect(resolveInside(join(root, 'out-link'), 'plots/a.svg')).toBe(join(root, 'out-link', 'plots/a.svg'));
  });

  it('returns the absolute path of a path inside --out', () => {
    expect(resolveInside(out, 'plots/phase.svg')).toBe(join(out, 'plots/phase.svg'));
    expect(resolveInside(out, 'new/deeper/file.csv')).toBe(join(out, 'new/deeper/file.csv'));
  });

  it.each([
    ['../../../PWNED.svg', /"\.\." part/],
    ['plots/../../x', /"\.\." part/],
    ['/etc/passwd', /absolute/],
    ['\\\\server\\share', /absolute/],
    ['', /empty/],
    ['plots//x.svg', /empty/],
    ['a\0b', /NUL/],
    [`plots/${'p'.repeat(300)}.svg`, /304 bytes; the limit is 255/],
    ['linked/x.svg', /symlink that leads outside --out/],
    ['plots/dangling.svg', /is a symlink in --out/],
  ])('refuses %j (InputError naming the path and the rule)', (rel, why) => {
    expect(() => resolveInside(out, rel)).toThrow(InputError);
    expect(() => resolveInside(out, rel)).toThrow(why);
  });
});

describe('OutputStage: staged and committed only inside --out, all or nothing', () => {
  it('refuses a staged path outside --out, and a commit through a symlink made meanwhile moves nothing', () => {
    const root = sentinel();
    const out = join(root, 'out');
    const stage = OutputStage.open(out);
    expect(() => stage.write('../PWNED.json', '{}')).toThrow(/"\.\." part/);
    stage.write('plots/a.svg', '<svg/>');
    stage.write('provenance.json', '{}');
    // A folder of --out swapped for a link elsewhere after staging: found before the first rename.
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(out, 'plots'));
    expect(() => stage.commit(['provenance.json'])).toThrow(/symlink that leads outside --out/);
    expect(listAll(join(root, 'elsewhere'))).toEqual([]);
    expect(existsSync(join(out, 'provenance.json'))).toBe(false);
    stage.discard();
    expect(listAll(root)).toEqual(['elsewhere', 'out', 'out/plots']);
  });

  it('refuses one path staged twice (two outputs taking one name) instead of a rename failing after others were moved', () => {
    const stage = OutputStage.open(join(sentinel(), 'out'));
    stage.write('data/runs.csv', 'a');
    expect(() => stage.write('data/runs.csv', 'a')).toThrow(/staged twice/);
    stage.discard();
  });
});

/** Runs `gradgap run` on a notebook of these cells; returns the run, the sentinel's listing before and after, and --out. */
async function runNotebook(cellsOf: string[], extra: string[] = []) {
  const root = sentinel();
  const nb = notebookFolder(root, cellsOf);
  const out = join(root, 'a', 'b', 'out'); // deep, so ../../../ from plots/ would land inside the sentinel
  const before = listAll(root);
  const run = await gradgapInProcess(['run', nb, '--out', out, '--quiet', '--backend', 'cpu', ...extra]);
  return { root, out, run, before, after: listAll(root) };
}

describe('gradgap run: cell ids checked where cells are checked, before anything runs', () => {
  const bad: [string, string[], RegExp][] = [
    [
      'a plot id ../../../PWNED',
      [cells.logs('runs', 'data/runs.csv'), cells.plot('../../../PWNED', 'runs')],
      /plot cell "\.\.\/\.\.\/\.\.\/PWNED": id: .*letters, digits, - and _/,
    ],
    ['a logs id ../../../PWNED', [cells.logs('../../../PWNED', 'data/runs.csv')], /logs cell "\.\.\/\.\.\/\.\.\/PWNED": id: /],
    ['a sweep id ../../PWNED', [cells.sweep('../../PWNED')], /sweep cell "\.\.\/\.\.\/PWNED": id: /],
    ['a sweep id __proto__', [cells.sweep('__proto__')], /id "__proto__" is a name every JavaScript object already has/],
    ['a sweep id constructor', [cells.sweep('constructor')], /id "constructor" is a name every JavaScript object already has/],
    [
      'a 300-character plot id',
      [cells.logs('runs', 'data/runs.csv'), cells.plot('p'.repeat(300), 'runs')],
      /id "p{20}…" is 300 characters long: a cell id is 1 to 64/,
    ],
    ['an id with a dot', [cells.logs('runs.v2', 'data/runs.csv')], /id "runs\.v2" is not allowed/],
  ];
  it.each(bad)('%s: exit 2 naming the id and the rule; nothing written anywhere', async (_name, cellsOf, message) => {
    const { run, before, after } = await runNotebook(cellsOf);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(after).toEqual(before);
    expect(run.stderr).not.toContain(SECRET_VALUE);
    expect(run.stderr.length).toBeLessThan(600);
  });

  it('a notebook whose name would pass the file system limit: exit 2 before the run, not ENAMETOOLONG after it', async () => {
    const root = sentinel();
    const dir = join(root, 'nb');
    notebookFolder(root, [cells.logs('runs', 'data/runs.csv')]);
    const name = 'n'.repeat(249); // n….html fits; n….results.json (262 bytes) does not
    writeFileSync(join(dir, `${name}.html`), readFileSync(join(dir, 'rules.html')));
    const before = listAll(root);
    const run = await gradgapInProcess(['run', join(dir, `${name}.html`), '--out', join(root, 'out'), '--quiet']);
    expect(run.stderr).toMatch(/has a name of 262 bytes; the limit is 255/);
    expect(run.code).toBe(2);
    expect(listAll(root)).toEqual(before);
  });
});

describe('gradgap run: two logs cells reading one file', () => {
  it('works (exit 0): the file is copied once, both summaries and the plot written, provenance last and whole', async () => {
    const { run, out, root, before, after } = await runNotebook([
      cells.logs('first', 'data/runs.csv'),
      cells.logs('second', 'data/runs.csv'),
      cells.plot('traj', 'second'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(listFiles(out)).toEqual([
      'data/runs.csv',
      'logs/first.summary.csv',
      'logs/second.summary.csv',
      'notebook.html',
      'plots/traj.svg',
      'provenance.json',
      'rules.results.json',
    ]);
    expect(readFileSync(join(out, 'data/runs.csv'), 'utf8')).toBe(RUNS_CSV);
    const provenance = JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8'));
    expect(Object.keys(provenance.logs)).toEqual(['first', 'second']);
    // Nothing beside --out: only the folders leading to it are new.
    expect(after.filter((p) => !before.includes(p) && !p.startsWith('a/b/out'))).toEqual(['a', 'a/b']);
    expect(listAll(root).some((p) => p.includes('.gradgap-partial'))).toBe(false);
  });
});

describe("gradgap merge: the notebook name from a shard's provenance", () => {
  /** A shard folder as gradgap run leaves it, for a notebook of logs cells only (merge joins no sweeps). */
  function shard(root: string, file: unknown): string {
    const dir = join(root, 'shards', 's1');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data', 'runs.csv'), RUNS_CSV);
    const text = readFileSync(notebookFolder(join(root, 'src'), [cells.logs('runs', 'data/runs.csv')]), 'utf8');
    writeFileSync(join(dir, 'notebook.html'), text);
    writeFileSync(
      join(dir, 'provenance.json'),
      JSON.stringify({
        format: 'gradgap-provenance',
        version: 1,
        notebook: { file, title: 't', sha256: sha256(text) },
        runtime: 'node',
        wallMs: 1,
        sweeps: {},
      }),
    );
    return dir;
  }

  it.each([['../../PWNED.html'], ['/tmp/PWNED.html'], ['sub/dir.html'], [`${'n'.repeat(300)}.html`], [42]])(
    'notebook.file = %j: exit 2 naming the shard and the field; nothing written',
    async (file) => {
      const root = sentinel();
      const dir = shard(root, file);
      const before = listAll(root);
      const run = await gradgapInProcess(['merge', dir, '--out', join(root, 'merged', 'out'), '--quiet']);
      expect(run.stderr).toMatch(/provenance\.json:? notebook\.file = .*must be a plain file name/);
      expect(run.code).toBe(2);
      expect(listAll(root)).toEqual(before);
    },
  );

  it('a plain name merges (exit 0), its baked file inside --out', async () => {
    const root = sentinel();
    const dir = shard(root, 'mine.html');
    const run = await gradgapInProcess(['merge', dir, '--out', join(root, 'merged'), '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(listFiles(join(root, 'merged'))).toContain('mine.results.json');
  });
});
