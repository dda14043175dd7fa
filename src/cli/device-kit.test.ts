/**
 * The device kit (scripts/device-kit/): its bundled CLI builds, and the unpacked kit starts through
 * run.sh far from the repository (no node_modules, no tsx) and reaches a WebGPU adapter — here
 * Dawn's OpenGL ES compatibility adapter on llvmpipe, which the bench must call "not a GPU".
 * Built without the Node binary and xz (that build takes minutes; README.md there has its numbers):
 * the same bundle, worker, webgpu package and run.sh. libvulkan1 goes in when apt-get's .deb is
 * already cached (`npm run device-kit` caches it), so no test needs the network.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HANG_MS } from './cli-harness.ts';
import { ROOT } from './provenance-info.ts';

const CACHE = join(ROOT, 'node_modules/.cache/gradgap-device-kit');
const dirs: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('device kit', () => {
  it(
    'builds, unpacks elsewhere, and run.sh --quick reaches a Dawn adapter with JSON on the last line',
    () => {
      const withVulkan = existsSync(CACHE) && readdirSync(CACHE).some((f) => /^libvulkan1_.*\.deb$/.test(f));
      const built = temp('gradgap-kit-build-');
      const flags = ['--dir', built, '--no-node', '--no-xz', ...(withVulkan ? [] : ['--no-vulkan'])];
      execFileSync(process.execPath, [join(ROOT, 'scripts/device-kit/build.mjs'), ...flags], { cwd: ROOT, stdio: 'pipe' });

      // Unpack as a GPU machine would (tar keeps run.sh's mode and libvulkan's links), far from ROOT.
      const unpacked = temp('gradgap-kit-run-');
      execFileSync('sh', ['-c', 'tar -C "$1" -cf - gradgap-device-kit | tar -C "$2" -xf -', 'sh', built, unpacked]);
      const kit = join(unpacked, 'gradgap-device-kit');
      for (const f of ['run.sh', 'gradgap.mjs', 'cpu-worker.mjs', 'web-worker-entry.mjs', 'node_modules/webgpu/dist/linux-x64/dawn.node'])
        expect(existsSync(join(kit, f)), f).toBe(true);
      if (withVulkan) expect(existsSync(join(kit, 'lib/libvulkan.so.1'))).toBe(true);

      const env: NodeJS.ProcessEnv = { ...process.env, NODE: process.execPath };
      for (const key of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES', 'NODE_OPTIONS', 'GRADGAP_GLES']) delete env[key];
      const run = spawnSync(join(kit, 'run.sh'), ['--quick', '--threads', '2'], { cwd: kit, env, encoding: 'utf8', timeout: HANG_MS });
      expect(run.error, String(run.error)).toBeUndefined();
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.trim().split('\n');
      const json = JSON.parse(lines[lines.length - 1]);
      expect(json).toMatchObject({ bench: 'gradgap', host: 'dawn', quick: true });
      expect(typeof json.adapter).toBe('string');
      expect(json.adapter).not.toBe('none'); // Dawn gave an adapter; the CPU twin alone would say 'none'
      expect(json.workloads.W1.webgpu.error, 'the WGSL engine ran on it').toBeUndefined();
      expect(json.workloads.W1.webgpu.backend).toContain(json.adapter);
      expect(json.workloads.W2.cpuAll.error).toBeUndefined(); // the bundled worker thread starts
      if (withVulkan) expect(run.stderr).toContain('libvulkan.so.1 (Debian libvulkan1, from the kit)');
      if (json.fallbackAdapter) {
        expect(json.gpu).toBe(false);
        expect(lines[lines.length - 2]).toMatch(/not a GPU$/);
      }
    },
    HANG_MS,
  );
});
