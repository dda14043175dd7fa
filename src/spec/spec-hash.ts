/** SHA-256 of a canonical JSON form (keys sorted): the cache key and provenance id of a spec. */
import { EOS_DEFAULTS, OPTIMIZER_DEFAULTS, POLICY_DEFAULTS, PPO_DEFAULTS } from './spec.ts';

/** Fields added after specs were first hashed, at the values that leave a run as it was. */
const LATER_DEFAULTS: Readonly<Record<string, unknown>> = { ...OPTIMIZER_DEFAULTS, ...EOS_DEFAULTS, ...PPO_DEFAULTS, ...POLICY_DEFAULTS };

/** JSON with object keys sorted at every level, so equal specs hash equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Hash of a sweep spec. The grid becomes [key, values] pairs first: its key order sets the cell order.
 * The optimizer fields (SPEC 1.6), the EOS fields (SPEC 1.7), the PPO loop's (SPEC 1.9) and the policy's (SPEC 1.10) came after specs were first hashed:
 * at their defaults they are left out of `base`, so an older spec keeps the hash it had before they existed.
 */
export function specHash(spec: { grid?: object; base?: object }): Promise<string> {
  const base = spec.base && Object.fromEntries(Object.entries(spec.base).filter(([k, v]) => !(Object.hasOwn(LATER_DEFAULTS, k) && LATER_DEFAULTS[k] === v)));
  return sha256Hex(canonicalJson({ ...spec, ...(base && { base }), grid: Object.entries(spec.grid ?? {}) }));
}
