// The name the page keeps an opened file under always passes the page's own path check, and the
// check keeps refusing what leaves the notebook's folder.
import { describe, expect, it } from 'vitest';
import { dataFileName, filePathProblem } from './cell-config.ts';

const PICKED = [
  'runs (1).csv', // a browser's name for a second download
  'résumé #2.csv',
  'a%2F..%2Fb.csv',
  '..',
  '.',
  '',
  'C:\\Users\\me\\runs.csv',
  '../../etc/passwd',
  'x'.repeat(500) + '.jsonl',
  'emoji 😀 log.txt',
  'tab\tand\nnewline.csv',
  '\u202eevil.csv',
];

describe('dataFileName and filePathProblem agree', () => {
  it.each(PICKED)('%j becomes a name the check accepts, with no folder part', (picked) => {
    const name = dataFileName(picked);
    expect(filePathProblem(name), name).toBeNull();
    expect(name).not.toMatch(/[/\\]/);
    expect(name.length).toBeLessThanOrEqual(200);
  });

  it('keeps a plain name and a browser\'s "(1)" as they are, and the extension of a long one', () => {
    expect(dataFileName('runs (1).csv')).toBe('runs (1).csv');
    expect(dataFileName('grpo-lr-sweep.csv')).toBe('grpo-lr-sweep.csv');
    expect(dataFileName('x'.repeat(500) + '.jsonl')).toMatch(/^x+\.jsonl$/);
  });

  it('still refuses paths that leave the folder or hold other characters', () => {
    for (const bad of ['../x.csv', '/etc/passwd', 'data//x.csv', 'a\\b.csv', 'x%y.csv', 'é.csv', 'x'.repeat(201)])
      expect(filePathProblem(bad), bad).not.toBeNull();
  });
});
