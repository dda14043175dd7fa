/**
 * Provenance helpers shared by the bake script (Node) and the page (browser): the WGSL hash is
 * SHA-256 over every `shaders/*.wgsl`, each as "name\ntext\n", sorted by name, so a page can
 * tell whether the shaders changed since its results were baked.
 *
 * @example
 *   await wgslHash([{ name: 'sequence.wgsl', text }]);
 */
import { sha256Hex } from '../engine/spec-hash.ts';

export async function wgslHash(files: { name: string; text: string }[]): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256Hex(sorted.map((f) => `${f.name}\n${f.text}\n`).join(''));
}

/** Packages whose versions a baked result records. */
export const PROVENANCE_PACKAGES = ['@observablehq/plot', 'lit', 'webgpu-utils', 'katex', 'marked', 'dompurify', 'vite'] as const;
