/**
 * The one-step threshold's line search, for any policy (SPEC 1.4, 1.10): the largest η with
 * J(θ + η′w) > J(θ) for every η′ in (0, η], given a test `rises(η)` that evaluates J exactly along
 * the expected update w. One place for the bracketing both the log-linear theory
 * (src/theory/one-step-threshold.ts) and the transformer (transformer/one-step-threshold.ts) use.
 *
 * Start where the first-order gain in logit J is 1e-4 (deltaMu = ⟨w, g⟩ per unit η): well above
 * rounding, well inside the linear regime; halve down while J does not rise there ('not-ascent'
 * past 200 halvings); step up by `ratio` until it stops rising ('not-found-below-max' at etaMax);
 * bisect in log η to `relativeTolerance`; optionally scan on to etaMax for where J rises again.
 *
 * @example
 *   const r = searchRiseThreshold((eta) => logitJ(eta) > base, deltaMu, { etaMax: 1e6, relativeTolerance: 1e-6, ratio: 2 ** 0.25 });
 *   r.stepSize; r.status; r.bracket;
 */

export type RiseStatus = 'found' | 'not-found-below-max' | 'not-ascent';

export interface RiseSearch {
  stepSize: number; // the threshold (0 when not ascent, +∞ when not found below etaMax)
  status: RiseStatus;
  bracket: [number, number] | null; // last η that rose, first that did not
  recoversAt: number | null; // first η past the threshold where J rises again (scanToMax)
}

export interface RiseSearchOptions {
  etaMax: number;
  relativeTolerance: number;
  ratio: number; // grid ratio of the upward scan
  scanToMax?: boolean; // default true
}

export function searchRiseThreshold(rises: (eta: number) => boolean, deltaMu: number, o: RiseSearchOptions): RiseSearch {
  const { etaMax, relativeTolerance, ratio } = o;
  const result = (stepSize: number, status: RiseStatus, bracket: [number, number] | null, recoversAt: number | null = null): RiseSearch => ({
    stepSize,
    status,
    bracket,
    recoversAt,
  });
  let lo = Math.min(1e-4 / deltaMu, etaMax);
  let guard = 0;
  while (!rises(lo)) {
    lo /= 2;
    if (++guard > 200 || lo * deltaMu < 1e-14) return result(0, 'not-ascent', null);
  }
  let hi = 0;
  if (guard > 0)
    hi = 2 * lo; // came down from a point that did not rise
  else {
    while (lo < etaMax) {
      const next = Math.min(lo * ratio, etaMax);
      if (!rises(next)) {
        hi = next;
        break;
      }
      lo = next;
    }
    if (hi === 0) return result(Infinity, 'not-found-below-max', null);
  }
  while (hi / lo - 1 > relativeTolerance) {
    const mid = Math.sqrt(lo * hi);
    if (mid <= lo || mid >= hi) break;
    if (rises(mid)) lo = mid;
    else hi = mid;
  }
  let recoversAt: number | null = null;
  if (o.scanToMax ?? true) {
    for (let eta = hi * ratio; eta <= etaMax; eta *= ratio) {
      if (rises(eta)) {
        recoversAt = eta;
        break;
      }
    }
  }
  return result(lo, 'found', [lo, hi], recoversAt);
}
