/**
 * Provenance shared by the bake script (Node), the command line and the page (browser): the
 * WGSL hash is SHA-256 over every `shaders/*.wgsl`, each as "name\ntext\n", sorted by name, so
 * a page can tell whether the shaders changed since its results were baked; and one writer of
 * the baked-results file, so `npm run bake` and `gradgap run`/`merge` record the same things.
 *
 * @example
 *   await wgslHash([{ name: 'sequence.wgsl', text }]);
 *   await bakedResultsText({ file: 'threshold.html', text }, provenance, { sweep: summary });
 */
import { sha256Hex } from '../engine/index.ts';
import { writeBaked, type Provenance } from './baked.ts';
import type { SweepSummary } from './summary.ts';

export async function wgslHash(files: { name: string; text: string }[]): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256Hex(sorted.map((f) => `${f.name}\n${f.text}\n`).join(''));
}

/** Packages whose versions a baked result records. */
export const PROVENANCE_PACKAGES = ['@observablehq/plot', 'lit', 'webgpu-utils', 'katex', 'marked', 'dompurify', 'vite'] as const;

/**
 * A notebook's baked-results file, written piece by piece (writeBaked: a large sweep's per-run
 * arrays are never one string): every sweep's summary, the SHA-256 of the notebook's text (so
 * `verify` can say it was edited since), and where the results were made.
 */
export async function writeBakedResults(
  notebook: { file: string; text: string },
  provenance: Provenance,
  sweeps: Record<string, SweepSummary>,
  write: (text: string) => void,
): Promise<void> {
  writeBaked({ notebook: notebook.file, notebookHash: await sha256Hex(notebook.text), provenance, sweeps }, write);
}

/** The same file as one text (the bake script, the page). */
export async function bakedResultsText(
  notebook: { file: string; text: string },
  provenance: Provenance,
  sweeps: Record<string, SweepSummary>,
): Promise<string> {
  let text = '';
  await writeBakedResults(notebook, provenance, sweeps, (piece) => (text += piece));
  return text;
}
