import { describe, expect, it } from 'vitest';
import { editsFromHash, editsToHash, hashNotebook, loadEdits } from './local-edits.ts';

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

  it('names the notebook the edits were made in, and a link for another notebook is not applied', () => {
    const hash = editsToHash({ sweep: '{"seeds": 16}' }, 'file:0123456789abcdef');
    expect(hash).toMatch(/^#nb=file%3A0123456789abcdef&cell\.sweep=/);
    expect(hashNotebook(hash)).toBe('file:0123456789abcdef');
    expect(editsFromHash(hash)).toEqual({ sweep: '{"seeds": 16}' });
    expect(loadEdits('file:0123456789abcdef', hash)).toEqual({ edits: { sweep: '{"seeds": 16}' }, from: 'url' });
    expect(loadEdits('threshold', hash)).toEqual({ edits: {}, from: 'none', ignored: 'file:0123456789abcdef' });
    expect(loadEdits('threshold', editsToHash({ sweep: '{}' }))).toEqual({ edits: { sweep: '{}' }, from: 'url' }); // old links: no nb=
    expect(editsToHash({}, 'threshold')).toBe('');
  });
});
