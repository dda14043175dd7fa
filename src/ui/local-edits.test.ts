import { describe, expect, it } from 'vitest';
import { editsFromHash, editsToHash } from './local-edits.ts';

describe('edits in the URL', () => {
  it('round-trips cell edits through the fragment, JSON compacted and re-formatted', () => {
    const edits = { sweep: '{\n  "grid": {"stepSize": [1, 3, 10]},\n  "seeds": 16\n}', 'odd id&=': 'plain text with # and &' };
    const hash = editsToHash(edits);
    expect(hash).toMatch(/^#cell\.sweep=%7B%22grid%22/);
    expect(hash).not.toContain('%0A'); // compact: no newlines in the link
    expect(editsFromHash(hash)).toEqual({ sweep: '{"grid": {"stepSize": [1, 3, 10]}, "seeds": 16}', 'odd id&=': 'plain text with # and &' });
    expect(editsToHash({})).toBe('');
  });

  it('ignores fragments that are not edits, and mangled encodings', () => {
    expect(editsFromHash('#section-2')).toEqual({});
    expect(editsFromHash('#cell.a=%E0%A4%A&cell.b=ok')).toEqual({ b: 'ok' });
  });
});
