/**
 * Runs that took another path. Across adapter kinds WGSL's exp and log differ in the last bits,
 * so nearly every run differs in *some* bit; a run whose sampled tokens changed (a uniform draw
 * on a float tie at a CDF edge) ends far from its twin. Final J apart by more than PATH_TOLERANCE
 * (far above f32 noise, ~1e-6) or a different divergence flag marks such a run.
 *
 * @example
 *   const d = pathDifferences(baked, fresh); // { runs: 2560, differing: 3, rate: 0.0012 }
 */

import { PATH_TOLERANCE } from '../results/index.ts';

// One tolerance for 'another path', Reproduce's (src/results/compare.ts).
export { PATH_TOLERANCE };

export interface PathDifferences {
  runs: number;
  differing: number;
  rate: number;
}

export function pathDifferences(a: { finalJ: Float32Array; diverged: Uint8Array }, b: { finalJ: Float32Array; diverged: Uint8Array }): PathDifferences {
  const runs = Math.min(a.finalJ.length, b.finalJ.length);
  let differing = 0;
  for (let r = 0; r < runs; r++) {
    if (a.diverged[r] !== b.diverged[r]) differing++;
    else if (!a.diverged[r] && !(Math.abs(a.finalJ[r] - b.finalJ[r]) <= PATH_TOLERANCE)) differing++;
  }
  return { runs, differing, rate: runs ? differing / runs : 0 };
}
