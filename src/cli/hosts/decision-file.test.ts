/** The CLI's decision cache file: where it lives, and that it remembers without touching the real one. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDecisionPath, fileDecisionStore } from './decision-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'gradgap-decisions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileDecisionStore', () => {
  it('lives under $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultDecisionPath({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/gradgap/backend-choice.json');
    expect(defaultDecisionPath({ HOME: '/home/u' })).toMatch(/\.cache\/gradgap\/backend-choice\.json$/);
  });

  it('remembers decisions across stores on one file, and shrugs off a bad file', async () => {
    const path = join(dir, 'sub', 'backend-choice.json');
    await fileDecisionStore(path).set('k1', { kind: 'cpu', webgpu: 4000, cpu: 62_000, threads: 2 });
    await fileDecisionStore(path).set('k2', { kind: 'webgpu', webgpu: NaN, cpu: 1, threads: 1 });
    expect(await fileDecisionStore(path).get('k1')).toEqual({ kind: 'cpu', webgpu: 4000, cpu: 62_000, threads: 2 });
    expect(await fileDecisionStore(path).get('k2')).toEqual({ kind: 'webgpu', webgpu: NaN, cpu: 1, threads: 1 });
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')))).toEqual(['k1', 'k2']);
    writeFileSync(path, '{half');
    expect(await fileDecisionStore(path).get('k1')).toBeUndefined();
    await fileDecisionStore(path).set('k3', { kind: 'cpu', webgpu: 1, cpu: 2, threads: 1 }); // starts afresh
    expect(await fileDecisionStore(path).get('k3')).toBeDefined();
    const unwritable = fileDecisionStore(join(path, 'not-a-dir', 'x.json'));
    await unwritable.set('k', { kind: 'cpu', webgpu: 1, cpu: 2, threads: 1 });
    expect(await unwritable.get('k')).toBeUndefined();
  });
});
