import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cellCount, withDefaults } from '../spec/spec.ts';
import { specHash } from '../spec/spec-hash.ts';
import { decodeBaked } from '../results/baked.ts';
import { checkCells, parseNotebook, publishedSpecOf, serializeNotebook, sweepSpecOf } from './index.ts';

const dir = new URL('../../notebooks/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.html'));

describe('built-in notebooks', () => {
  it('there are at least five', () => expect(files.length).toBeGreaterThanOrEqual(5));

  for (const f of files) {
    it(`${f}: canonical form, no issues, and default sweeps small enough for 2 cores`, () => {
      const text = readFileSync(new URL(f, dir), 'utf8');
      const parsed = parseNotebook(text);
      expect(parsed.issues).toEqual([]);
      expect(serializeNotebook(parsed.notebook)).toBe(text);
      const checked = checkCells(parsed.notebook.cells, parsed.cellLines);
      expect(checked.flatMap((c) => c.issues.map((i) => `${c.cell.id}: ${i.field ?? ''} ${i.message}`))).toEqual([]);
      const kinds = new Set(checked.map((c) => c.kind));
      expect([...kinds]).toEqual(expect.arrayContaining(['markdown', 'sweep', 'plot']));
      // Default sweeps run in seconds on the CPU twin: at most 2·10^5 run-steps each.
      for (const c of checked) {
        if (c.kind !== 'sweep') continue;
        const spec = withDefaults(sweepSpecOf(c.config!));
        expect(cellCount(spec) * spec.seeds * spec.base.iterations, `${f} #${c.cell.id}`).toBeLessThanOrEqual(200_000);
      }
    });
  }

  for (const f of files) {
    it(`${f}: baked results exist and are of the notebook's published sweeps (else: npm run bake)`, async () => {
      const bakedFile = new URL(f.replace(/\.html$/, '.results.json'), dir);
      expect(existsSync(bakedFile), `${f} has no baked results: npm run bake`).toBe(true);
      const baked = decodeBaked(readFileSync(bakedFile, 'utf8'));
      const parsed = parseNotebook(readFileSync(new URL(f, dir), 'utf8'));
      const sweeps = checkCells(parsed.notebook.cells).flatMap((c) => (c.kind === 'sweep' ? [c] : []));
      expect(Object.keys(baked.sweeps).sort()).toEqual(sweeps.map((c) => c.cell.id).sort());
      for (const c of sweeps) {
        const hash = await specHash(withDefaults(publishedSpecOf(c.config!)));
        expect(baked.sweeps[c.cell.id].specHash, `${f} #${c.cell.id}: baked results are stale, run npm run bake`).toBe(hash);
        expect(baked.sweeps[c.cell.id].complete).toBe(true);
      }
    });
  }
});
