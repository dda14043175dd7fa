import { describe, expect, it } from 'vitest';
import { xmlChars } from './export-figure.ts';

describe('xmlChars: an exported SVG stays well-formed XML', () => {
  it('removes what XML 1.0 cannot hold, keeps the rest', () => {
    expect(xmlChars('a\u0001b\u0000c\u001f\td\ne\rf\uFFFEg\uFFFF😀h\uD800i')).toBe('abc\td\ne\rfg😀hi');
    expect(xmlChars('J(θ) ‖g‖ η* ≤ 1')).toBe('J(θ) ‖g‖ η* ≤ 1');
  });
});
