import { describe, expect, it } from 'vitest';
import { specHash } from '../spec/spec-hash.ts';
import type { BakedNotebook } from '../results/baked.ts';
import type { SweepSummary } from '../results/summary.ts';
import { checkCells, checkSweepDraft, parseNotebook, resolveNotebook } from './index.ts';

const notebook = (cells: [type: string, id: string, body: string][]) =>
  '<!doctype html>\n<notebook theme="air" version="1">\n  <title>T</title>\n' +
  cells.map(([type, id, body]) => `  <script id="${id}" type="application/vnd.gradgap.${type}+json">\n    ${body}\n  </script>\n`).join('') +
  '</notebook>\n';
const SWEEP = '{"title": "GRPO", "grid": {"stepSize": [1, 10]}, "seeds": 4, "publishSeeds": 8}';
const TEXT = notebook([
  ['sweep', 's', SWEEP],
  ['plot', 'p', '{"view": "phase", "sweep": "s", "theory": "t"}'],
  ['theory', 't', '{"sweep": "s"}'],
  ['table', 'tab', '{"sweep": "s"}'],
  ['sweep', 'bad', '{"seeds": 0}'],
]);

describe('resolveNotebook', () => {
  it('gives each valid sweep both specs, the chosen one as spec, and the other cells by kind', () => {
    const published = resolveNotebook(TEXT);
    expect(published.sweeps.map((s) => s.id)).toEqual(['s']);
    const [s] = published.sweeps;
    expect([s.label, s.cellSpec.seeds, s.publishedSpec.seeds, s.spec.seeds, s.cellSpec.base.iterations]).toEqual(['GRPO', 4, 8, 8, 150]);
    expect(resolveNotebook(TEXT, { seeds: 'cell' }).sweeps[0].spec.seeds).toBe(4);
    expect(published.plots).toEqual([{ id: 'p', config: { view: 'phase', sweep: 's', theory: 't' } }]);
    expect([...published.theories.keys(), ...published.tables.keys()]).toEqual(['t', 'tab']);
    expect(published.cell('bad')?.issues[0]).toMatchObject({ field: 'seeds' });
    expect(published.sweep('bad')).toBeUndefined();
  });

  it('checks as checkCells does, and applies edits by cell id', () => {
    const parsed = parseNotebook(TEXT);
    expect(resolveNotebook(parsed).checked).toEqual(checkCells(parsed.notebook.cells, parsed.cellLines));
    const edited = resolveNotebook(parsed, { edits: { bad: '{"seeds": 2}', constructor: 'x' } });
    expect(edited.sweeps.map((s) => [s.id, s.spec.seeds])).toEqual([
      ['s', 8],
      ['bad', 2],
    ]);
    expect(edited.notebook.cells[4].value).toBe('{"seeds": 2}');
    expect(resolveNotebook(parsed).notebook.cells[4].value).toBe('{"seeds": 0}');
  });

  it("names publishSeeds past the engine's limits only for the published spec", () => {
    // 9 × 8 cells × 65536 seeds: past the engine's runs per sweep.
    const text = notebook([
      ['sweep', 's', '{"grid": {"stepSize": [1, 2, 3, 4, 5, 6, 7, 8, 9], "J0": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]}, "seeds": 4, "publishSeeds": 65536}'],
    ]);
    expect(resolveNotebook(text).sweeps[0].specIssues[0]).toMatchObject({ field: 'seeds' });
    expect(resolveNotebook(text, { seeds: 'cell' }).sweeps[0].specIssues).toEqual([]);
  });

  it('looks up baked results by sweep id and says which spec they are of', async () => {
    const nb = resolveNotebook(TEXT);
    const published = await specHash(nb.sweeps[0].publishedSpec);
    const summary = { specHash: published } as SweepSummary;
    const baked = { notebook: 'n.html', provenance: {}, sweeps: { s: summary } } as unknown as BakedNotebook;
    expect(await nb.bakedFor('s')).toBeUndefined();
    const found = await resolveNotebook(TEXT, { baked }).bakedFor('s');
    expect(found).toMatchObject({ summary, publishedHash: published, ofPublishedSpec: true, ofCellSpec: false });
    expect(found?.cellHash).toBe(await specHash(nb.sweeps[0].cellSpec));
    expect(await nb.bakedFor('s', baked)).toMatchObject({ ofPublishedSpec: true });
    expect(await nb.bakedFor('bad', baked)).toBeUndefined();
    expect(await nb.bakedFor('toString', baked)).toBeUndefined();
  });
});

describe('checkSweepDraft', () => {
  it("is the sweep check of checkCells, with a syntax error's line within the cell", () => {
    for (const body of [SWEEP, '{"seeds": 0}', '{"seedz": 4}', '{"title": 3}', '[]']) {
      const [cell] = checkCells(parseNotebook(notebook([['sweep', 's', body]])).notebook.cells);
      expect(checkSweepDraft(body)).toEqual({ config: cell.config, issues: cell.issues });
    }
    expect(checkSweepDraft('{\n"seeds": }')).toEqual({ issues: [{ message: expect.stringMatching(/^line 2 of the cell: invalid JSON/) }] });
  });
});
