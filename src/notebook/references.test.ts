import { describe, expect, it } from 'vitest';
import { findReferences, parseReference, referencedCells, checkProseReferences, codeRanges } from './references.ts';

describe('prose references', () => {
  it('reads a sweep critical step size, with a selector and a part', () => {
    expect(parseReference('sweep.critical')).toEqual({ ref: { target: 'sweep', field: 'critical', where: {}, part: undefined } });
    expect(parseReference(' seqsum.critical[L=8, rule=collapse-half].low ')).toEqual({
      ref: { target: 'seqsum', field: 'critical', where: { L: '8', rule: 'collapse-half' }, part: 'low' },
    });
    expect(parseReference('sweep-1.cell[stepSize=0.5].meanFinalJ')).toEqual({
      ref: { target: 'sweep-1', field: 'cell', where: { stepSize: '0.5' }, part: 'meanFinalJ' },
    });
    expect(parseReference('theory.one-step[L=8]')).toEqual({ ref: { target: 'theory', field: 'one-step', where: { L: '8' }, part: undefined } });
  });

  it('says what is wrong with a bad reference', () => {
    expect(parseReference('sweep')).toEqual({ error: expect.stringMatching(/expected CELL\.field/) });
    expect(parseReference('sweep.critical[L8]')).toEqual({ error: expect.stringMatching(/key=value/) });
    expect(parseReference('sweep.critical[L=8')).toEqual({ error: 'unbalanced [ ]' });
    expect(parseReference('sweep.critical[L=8, L=9]')).toEqual({ error: 'L is selected twice' });
    expect(parseReference('1x.critical')).toEqual({ error: expect.stringMatching(/not a cell id/) });
  });

  it('finds every {{…}} with offsets, skips \\{{, and flags an unclosed one', () => {
    const text = 'a {{s.critical}} b \\{{not}} c {{t.one-step[L=2]}} d {{open';
    const tokens = findReferences(text);
    expect(tokens.map((t) => t.raw)).toEqual(['s.critical', 't.one-step[L=2]', '']);
    expect(text.slice(tokens[0].start, tokens[0].end)).toBe('{{s.critical}}');
    expect(tokens[2].error).toMatch(/unclosed/);
    expect(referencedCells(text)).toEqual(['s', 't']);
  });
});

describe('references in Markdown code are text', () => {
  it('an inline code span or a fenced block shows {{…}} as written; outside them it is a reference', () => {
    const text =
      'η* = {{sweep.critical}}; write `{{sweep.critical}}` to quote it\n\n```\n{{sweep.cell[stepSize=1].q50}}\n```\n\n``a `{{x}}` b`` and {{sweep.critical.low}}';
    expect(findReferences(text).map((t) => t.raw)).toEqual(['sweep.critical', 'sweep.critical.low']);
    expect(codeRanges('~~~\n{{a.b}}').length).toBe(1); // an unclosed fence runs to the end
    expect(findReferences('~~~\n{{a.b}}')).toEqual([]);
    expect(findReferences('an unpaired ` then {{sweep.critical}}').map((t) => t.raw)).toEqual(['sweep.critical']);
  });
});

describe('checkProseReferences: what is known before any result', () => {
  const kinds = new Map([
    ['sweep', 'sweep'],
    ['theory', 'theory'],
    ['phase', 'plot'],
  ]);
  it('accepts references to what exists', () => {
    expect(
      checkProseReferences(
        '{{sweep.critical}} {{sweep.critical[L=8, rule=collapse-half].low}} {{sweep.cell[stepSize=1].meanFinalJ}} {{theory.one-step[L=8]}} `{{nope.x}}`',
        kinds,
      ),
    ).toEqual([]);
  });
  it('names a missing cell, an unknown field, a plot target, an unclosed {{', () => {
    expect(checkProseReferences('{{nope.critical}}', kinds)).toEqual([
      '{{nope.critical}}: no cell has the id "nope"; a reference names a sweep or a theory cell',
    ]);
    expect(checkProseReferences('{{sweep.bogus}}', kinds)[0]).toMatch(
      /^\{\{sweep\.bogus\}\}: "sweep" is a sweep: name \.critical or \.cell\[…\]\.statistic, not \.bogus/,
    );
    expect(checkProseReferences('{{sweep.cell[stepSize=1].nope}}', kinds)[0]).toMatch(/name a statistic, one of/);
    expect(checkProseReferences('{{sweep.critical.mid}}', kinds)[0]).toMatch(/after critical comes value, low, high/);
    expect(checkProseReferences('{{theory.nope}}', kinds)[0]).toMatch(/curves are one-step, theorem-1, not nope/);
    expect(checkProseReferences('{{phase.critical}}', kinds)[0]).toMatch(/"phase" is a plot cell/);
    expect(checkProseReferences('η = {{sweep.critical', kinds)).toEqual(['{{: unclosed {{ (a reference ends with }}; write \\{{ for literal braces)']);
  });
});
