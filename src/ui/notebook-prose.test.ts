/**
 * Prose of the built-in notebooks against their baked results (issue 21): every `{{…}}` reads a
 * value (no error), and the words a notebook puts around those values — "no run collapses",
 * "the median jumps once fewer than half are collapsed" — still hold for the baked numbers, so a
 * re-bake that changes them fails here rather than leaving prose that contradicts its plot.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBaked, type SweepSummary } from '../results/index.ts';
import { findReferences, parseReference, resolveNotebook, type CheckedCell } from '../notebook/index.ts';
import { evaluateReference, type ReferenceContext } from './prose-references.ts';
import type { SweepState } from './session.ts';
import { theoryForCell } from './theory-memo.ts';

const dir = new URL('../../notebooks/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.html'))
  .map((f) => f.replace(/\.html$/, ''));

/** The page's reference context over a notebook's baked results. */
async function bakedContext(name: string): Promise<{ context: ReferenceContext; markdown: CheckedCell[] }> {
  const baked = decodeBaked(readFileSync(new URL(`${name}.results.json`, dir), 'utf8'));
  const nb = resolveNotebook(readFileSync(new URL(`${name}.html`, dir), 'utf8'), { seeds: 'published', baked });
  const summaries = new Map<string, SweepSummary>();
  for (const s of nb.sweeps) {
    const b = await nb.bakedFor(s.id, baked);
    if (b?.ofPublishedSpec) summaries.set(s.id, b.summary);
  }
  const cells = new Map(nb.checked.map((c) => [c.cell.id, c]));
  const context: ReferenceContext = {
    cell: (id) => cells.get(id),
    sweep: (id) => (summaries.has(id) ? ({ summary: summaries.get(id), stale: false, status: 'done' } as unknown as SweepState) : undefined),
    theory: (id) => {
      const t = cells.get(id);
      if (t?.kind !== 'theory' || !t.config) return undefined;
      const s = cells.get(t.config.sweep);
      // As the page does: a transformer sweep's curve comes from its results (sweepTheoryCurves).
      return s?.kind === 'sweep' && s.config ? theoryForCell(s.config, t.config, '', summaries.get(t.config.sweep)) : undefined;
    },
  };
  return { context, markdown: nb.checked.filter((c) => c.kind === 'markdown') };
}

/** A reference's value as the page shows it. */
async function quote(name: string, text: string): Promise<string> {
  const { context } = await bakedContext(name);
  const parsed = parseReference(text);
  if (!('ref' in parsed)) throw new Error(parsed.error);
  const v = evaluateReference(parsed.ref, context);
  if (v.state !== 'fresh') throw new Error(`${text}: ${v.text}`);
  return v.text;
}
/** The leading number of a quoted value ("0.999 (10–90% of seeds: …)" → 0.999). */
const num = async (name: string, text: string) => Number((await quote(name, text)).split(' ')[0]);

describe('built-in notebooks: every reference reads a value from the baked results', () => {
  for (const name of names)
    it(name, async () => {
      const { context, markdown } = await bakedContext(name);
      const bad: string[] = [];
      for (const cell of markdown)
        for (const t of findReferences(cell.cell.value)) {
          const v = t.ref ? evaluateReference(t.ref, context) : { state: 'error', text: t.error };
          if (v.state !== 'fresh') bad.push(`#${cell.cell.id} {{${t.raw}}}: ${v.text}`);
        }
      expect(bad).toEqual([]);
    });
});

describe('the words around the quoted values hold for the baked results', () => {
  it('success-rate: at η = 30 the median over all runs sits near J = 0 at step 380 and near 1 from step 400; it falls at η = 1 and 10', async () => {
    expect(await num('success-rate', 'fixed.cell[stepSize=30, step=380].J')).toBeLessThan(0.01);
    expect(await num('success-rate', 'fixed.cell[stepSize=30, step=400].J')).toBeGreaterThan(0.9);
    for (const eta of [1, 10])
      expect(await num('success-rate', `fixed.cell[stepSize=${eta}, step=20].J`)).toBeLessThan(await num('success-rate', `fixed.cell[stepSize=${eta}].J`));
    // "the mean rises only a little after step 100" (collapsed runs seldom come back).
    const rise = (await num('success-rate', 'fixed.cell[stepSize=30].meanJ')) - (await num('success-rate', 'fixed.cell[stepSize=30, step=100].meanJ'));
    expect(rise).toBeGreaterThan(0);
    expect(rise).toBeLessThan(0.1);
    const share = await num('success-rate', 'fixed.cell[stepSize=30].collapseProbability');
    expect(share).toBeGreaterThan(0.35); // "about half the runs collapse"
    expect(share).toBeLessThan(0.65);
  });
  it('success-rate: η* falls as J0 grows from 0.2, and there is no crossing at J0 = 0.05', async () => {
    const crit = await Promise.all([0.2, 0.4, 0.6, 0.8, 0.9].map((j) => num('success-rate', `grid.critical[J0=${j}].value`)));
    for (let i = 1; i < crit.length; i++) expect(crit[i]).toBeLessThan(crit[i - 1]);
    expect(await quote('success-rate', 'grid.critical[J0=0.05]')).toMatch(/no crossing/);
  });
  it('many-prompts: mean J is more than 0.01 below 1 − lost at step 600 for η ≤ 3 (GRPO) and η ≤ 10 (Dr. GRPO), within 0.01 above', async () => {
    const gap = async (a: string, eta: number) =>
      1 -
      (await num('many-prompts', `stagnation.cell[advantage=${a}, stepSize=${eta}].meanLostShare`)) -
      (await num('many-prompts', `stagnation.cell[advantage=${a}, stepSize=${eta}].meanJ`));
    for (const [a, below, above] of [
      ['group-std', [1, 3], [10, 30, 100]],
      ['mean', [1, 3, 10], [30, 100]],
    ] as const) {
      for (const eta of below) expect(await gap(a, eta), `${a} η = ${eta}`).toBeGreaterThan(0.01);
      for (const eta of above) expect(Math.abs(await gap(a, eta)), `${a} η = ${eta}`).toBeLessThanOrEqual(0.01);
    }
  });
  it('many-prompts: "a few lost prompts come back but most stay lost" after step 40', async () => {
    for (const [a, eta] of [
      ['group-std', 30],
      ['group-std', 100],
      ['mean', 100],
    ] as const) {
      const at40 = await num('many-prompts', `stagnation.cell[advantage=${a}, stepSize=${eta}, step=40].meanLostShare`);
      const at600 = await num('many-prompts', `stagnation.cell[advantage=${a}, stepSize=${eta}].meanLostShare`);
      expect(at600).toBeLessThan(at40);
      expect(at600).toBeGreaterThan(at40 / 2);
    }
  });
});

describe('length-bias: the words around its quoted values', () => {
  const aggs = ['seq-sum', 'seq-mean-token-mean', 'token-mean', 'constant', 'constant-no-batch'];
  it('"almost no run collapses at η = 3" (at most 1% under every aggregation)', async () => {
    for (const a of aggs) expect(await num('length-bias', `aggs.cell[aggregation=${a}, stepSize=3].collapseProbability`)).toBeLessThanOrEqual(0.01);
  });
  it('"failing responses grow under seq-mean-token-mean, and only there" at η = 3, step 100', async () => {
    const at = (a: string, step: number) => num('length-bias', `aggs.cell[aggregation=${a}, stepSize=3, step=${step}].meanLengthFailing`);
    const start = await at('seq-mean-token-mean', 0);
    expect(await at('seq-mean-token-mean', 100)).toBeGreaterThan(start);
    for (const a of aggs.filter((a) => a !== 'seq-mean-token-mean')) expect(await at(a, 100)).toBeLessThanOrEqual(await at(a, 0));
  });
  it('"the five thresholds come close together" in effective step size: closer than in raw step size', async () => {
    const spread = async (x: string) => {
      const v = await Promise.all(aggs.map((a) => num('length-bias', `aggs.critical[aggregation=${a}, rule=collapse-half, x=${x}].value`)));
      return Math.max(...v) / Math.min(...v);
    };
    expect(await spread('effectiveStepSize')).toBeLessThan(2);
    expect(await spread('stepSize')).toBeGreaterThan(10);
  });
});

describe('the other notebooks: words around quoted values', () => {
  it('threshold: the median ‖g‖ at η = 1 drops by t = 20 and then moves little; at η = 100 it ends larger than at θ0, and the median update is 0 from t = 20', async () => {
    const g = (at: string) => num('threshold', `sweep.cell[stepSize=1${at}].gapNorm`);
    const [start, t20, end] = [await g(', step=0'), await g(', step=20'), await g('')];
    expect(t20).toBeLessThan(start / 2);
    expect(Math.abs(end - t20)).toBeLessThan(0.2 * t20);
    expect(await num('threshold', 'sweep.cell[stepSize=100].gapNorm')).toBeGreaterThan(start);
    for (const step of [20, 80, 150]) expect(await num('threshold', `sweep.cell[stepSize=100, step=${step}].updateNorm`)).toBe(0);
  });
  it('optimizer: AdamW crosses below SGD, warmup moves it right but not back to SGD, clipping hardly moves SGD', async () => {
    const crit = (s: string) => num('optimizer', `${s}.critical[rule=collapse-half].value`);
    const [sgd, clip, adamw, warm] = [await crit('sgd'), await crit('sgd-clip'), await crit('adamw'), await crit('adamw-clip-warmup')];
    expect(adamw).toBeLessThan(sgd / 2);
    expect(warm).toBeGreaterThan(adamw);
    expect(warm).toBeLessThan(sgd);
    expect(Math.abs(clip - sgd) / sgd).toBeLessThan(0.2);
    // "SGD runs stop moving ... even at η = 1"; "AdamW ... steps shrink towards 0 by t = 150".
    expect(await num('optimizer', 'sgd.cell[stepSize=1, step=40].updateNorm')).toBe(0);
    expect(await num('optimizer', 'adamw-clip-warmup.cell[stepSize=30].updateNorm')).toBeLessThan(
      (await num('optimizer', 'adamw-clip-warmup.cell[stepSize=30, step=20].updateNorm')) / 100,
    );
  });
  it('length: token-mean is safer than seq-sum by an order of magnitude or more at L = 8 and 32; seq-sum flat from 8 to 32', async () => {
    for (const L of [8, 32])
      expect(await num('length', `tokenmean.critical[L=${L}, rule=collapse-half].value`)).toBeGreaterThan(
        9 * (await num('length', `seqsum.critical[L=${L}, rule=collapse-half].value`)),
      );
    expect(await num('length', 'seqsum.critical[L=32, rule=collapse-half].high')).toBeGreaterThan(
      await num('length', 'seqsum.critical[L=8, rule=collapse-half].low'),
    );
  });
  it("neural-threshold: the transformer's η* falls as J0 rises; its one-step prediction lies above it, the log-linear one below", async () => {
    const nb = 'neural-threshold';
    const crit = await Promise.all([0.2, 0.4, 0.6, 0.8].map((j) => num(nb, `tgrpo.critical[J0=${j}].value`)));
    for (let i = 1; i < crit.length; i++) expect(crit[i]).toBeLessThan(crit[i - 1]);
    for (const j of [0.2, 0.4, 0.6, 0.8])
      expect(await num(nb, `tgrpo-theory.one-step[J0=${j}]`)).toBeGreaterThan(await num(nb, `tgrpo.critical[J0=${j}].value`));
    for (const j of [0.6, 0.8]) expect(await num(nb, `loglinear-theory.one-step[J0=${j}]`)).toBeLessThan(await num(nb, `loglinear.critical[J0=${j}].value`));
    // The log-linear threshold falls with J0 too ("above 3000" from 0.2 quotes no number: checked as text).
    expect(await quote(nb, 'loglinear.critical[J0=0.2]')).toMatch(/^above 3000/);
    expect(await num(nb, 'loglinear.critical[J0=0.8].value')).toBeLessThan(await num(nb, 'loglinear.critical[J0=0.4].value'));
  });
  it('neural-threshold: Dr. GRPO tolerates larger SGD steps than GRPO, its prediction too; AdamW lands both close; held-out J below training J', async () => {
    const nb = 'neural-threshold';
    for (const j of [0.2, 0.8]) expect(await num(nb, `tdrgrpo.critical[J0=${j}].value`)).toBeGreaterThan(await num(nb, `tgrpo.critical[J0=${j}].value`));
    expect(await num(nb, 'tdrgrpo-theory.one-step[J0=0.8]')).toBeGreaterThan(await num(nb, 'tgrpo-theory.one-step[J0=0.8]'));
    for (const j of [0.2, 0.8]) {
      const [a, b] = [await num(nb, `tadamw.critical[J0=${j}].value`), await num(nb, `tdradamw.critical[J0=${j}].value`)];
      expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(1.5); // "land close"
    }
    const cell = 'tgrpo.cell[J0=0.6, stepSize=0.2';
    const [train0, held0] = [await num(nb, `${cell}, step=0].J`), await num(nb, `${cell}, step=0].heldOutJ`)];
    const [train, held] = [await num(nb, `${cell}].J`), await num(nb, `${cell}].heldOutJ`)];
    expect(train - train0).toBeGreaterThan(held - held0); // raised more on the prompts it trained on
  });
});
