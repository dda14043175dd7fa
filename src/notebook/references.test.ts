import { describe, expect, it } from 'vitest';
import { findReferences, parseReference, referencedCells } from './references.ts';

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
