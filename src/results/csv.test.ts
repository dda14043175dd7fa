import { describe, expect, it } from 'vitest';
import { csvText } from './csv.ts';

describe('csvText: a CSV text field', () => {
  it('leads a would-be formula with an apostrophe', () => {
    for (const s of ['=HYPERLINK("http://x","y")', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '-', '-inf'])
      expect(csvText(s).replace(/^"|"$/g, '').startsWith("'"), s).toBe(true);
    expect(csvText('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });
  it('leaves numbers written as text, and ordinary text, as they are', () => {
    for (const s of ['-0.5', '-1e-5', '+3', '-7', 'group-std', 'run a', '']) expect(csvText(s)).toBe(s);
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('a\nb')).toBe('"a\nb"');
  });
});
