// Test helper: a fixture's text and the name readers see (the path under fixtures/).
import { readFileSync } from 'node:fs';

export function fixture(path: string): { name: string; text: string } {
  return { name: path, text: readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8') };
}
