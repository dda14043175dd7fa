/**
 * Provenance facts the CLI records (SPEC 2.3): package versions, the WGSL hash (the same
 * definition the page and the bake script use, src/results/provenance.ts), file hashes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVENANCE_PACKAGES, wgslHash, type Provenance } from '../results/index.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Packages that shape the numbers or the figures, plus the CLI's own hosts and DOM. */
const CLI_PACKAGES = ['webgpu', 'playwright', 'linkedom', 'tsx'] as const;

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

function version(pkg: string): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

/** gradgap's version and each package's; by default those that shape the results and the CLI's own. */
export function packageVersions(packages: readonly string[] = [...PROVENANCE_PACKAGES, ...CLI_PACKAGES]): Record<string, string> {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
  return { gradgap: own, ...Object.fromEntries(packages.map((p) => [p, version(p)])) };
}

/** What a baked-results file records about where it was made (written by src/results' `writeBakedResults`). */
export async function bakedProvenance(options: { command: string; runtime: string; packages?: Record<string, string> }): Promise<Provenance> {
  return { packages: options.packages ?? packageVersions(), wgslHash: (await wgslProvenance()).wgslHash, runtime: options.runtime, command: options.command };
}

/** SHA-256 over shaders/*.wgsl (the page's definition), and each file's own hash. */
export async function wgslProvenance(): Promise<{ wgslHash: string; files: Record<string, string> }> {
  const dir = join(ROOT, 'shaders');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.wgsl'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  return { wgslHash: await wgslHash(files), files: Object.fromEntries(files.map((f) => [f.name, sha256(f.text)])) };
}
