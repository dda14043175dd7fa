// Messages quote what a file holds only as a short, escaped excerpt (issues.ts excerpt/excerptList).
import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, excerpt, excerptList } from './issues.ts';

describe('excerpt', () => {
  it('keeps short text, cuts long text at 60 characters and marks the cut', () => {
    expect(excerpt('acc')).toBe('acc');
    const long = `HOME=/root PATH=/usr/bin ${'x'.repeat(100)} SECRET_XYZ=hunter2`;
    expect(excerpt(long)).toBe(`${long.slice(0, EXCERPT_CHARS)}…`);
    expect(excerpt(long)).not.toContain('SECRET_XYZ');
  });

  it('escapes control, line-separator and bidi characters, so a message stays one inert line', () => {
    expect(excerpt('a\0b\nc\rd\te\x1b[31m')).toBe('a\\u0000b\\nc\\rd\\te\\u001b[31m');
    expect(excerpt('x\u2028y\u202ez\u2066')).toBe('x\\u2028y\\u202ez\\u2066');
  });

  it('never cuts a character in half', () => {
    const text = `${'a'.repeat(59)}😀😀`;
    expect(excerpt(text)).toBe(`${'a'.repeat(59)}…`);
  });

  it('lists at most 8 names, each cut at 30 characters', () => {
    const names = Array.from({ length: 40 }, (_, i) => `column_${i}_${'y'.repeat(40)}`);
    const listed = excerptList(names);
    expect(listed).toMatch(/, … \(40 in all\)$/);
    expect(listed.split(', ').length).toBe(9);
    expect(listed.length).toBeLessThan(8 * 33 + 20);
  });
});
