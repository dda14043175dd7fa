/**
 * Real runs on the simulation's axes: for one metric, each run's learning rate, start, peak and
 * final value and an outcome (converged / degraded / collapsed), by rules given as data; then the
 * real critical learning rate, the smallest one that collapsed, bracketed by its neighbours.
 * The rules assume higher is better (reward, accuracy); for a loss, summarize its negation.
 */
import { LogInputError, type MetricSeries, type TrainingRun } from './run.ts';

/**
 * The same quantity under each format's name, so a sweep read from mixed formats can be
 * summarized by one name. `metricSeries` tries the name itself first, then these.
 */
export const METRIC_ALIASES: Record<string, readonly string[]> = {
  reward: ['reward', 'critic/score/mean', 'train/reward'],
  rewardStd: ['reward_std', 'critic/score/std'],
  completionLength: ['completions/mean_length', 'completion_length', 'response_length/mean'],
  kl: ['kl', 'actor/kl_loss', 'actor/ppo_kl'],
  gradNorm: ['grad_norm', 'actor/grad_norm'],
  entropy: ['entropy', 'actor/entropy', 'actor/entropy_loss'],
  learningRate: ['learning_rate', 'actor/lr', 'train/learning_rate', 'train/lr'],
};

/** A run's series for `metric`: by its own name, else the first alias it has (METRIC_ALIASES). */
export function metricSeries(run: TrainingRun, metric: string): { name: string; series: MetricSeries } | undefined {
  for (const name of [metric, ...(METRIC_ALIASES[metric] ?? [])]) {
    const series = run.metrics[name];
    if (series) return { name, series };
  }
  return undefined;
}

/** Conditions on a run's final value; a rule holds when any condition it sets holds. */
export interface OutcomeRule {
  finalBelowFractionOfStart?: number; // final < f · start (a positive start only: refused for a metric that starts ≤ 0)
  finalBelowFractionOfPeak?: number; // final < f · peak (a positive peak only)
  finalDropFromStartAtLeast?: number; // start − final ≥ d: any sign (a reward that can be negative)
  finalDropFromPeakAtLeast?: number; // peak − final ≥ d: any sign
  finalAtMost?: number; // final ≤ this value
  endsNonFinite?: boolean; // the metric's last recorded value is NaN or infinite (diverged)
}

/** A run the log itself marks as stopped (a `status` column, a setting): its own outcome. */
export interface StoppedRule {
  setting: string; // the setting (a CSV column that is not a metric, a config key) that says so
  values: (string | number | boolean)[]; // its values that mean "stopped early" (strings compared trimmed, case-insensitive)
  countsAs?: 'excluded' | 'collapsed'; // for the critical learning rate: left out (default), or counted as collapsed
}

export interface OutcomeRules {
  collapsed: OutcomeRule; // tested first
  degraded: OutcomeRule; // tested when not collapsed; a run that is neither converged
  finalPoints: number; // final = mean of the last this-many finite values (smooths a noisy reward)
  window: number; // start, peak and final are means over this many consecutive finite values (1: single points)
  minPoints: number; // fewest finite values a run needs for any rule (fewer: outcome 'too-short'); default 1, or 2 × the window
  stopped?: StoppedRule; // runs the log marks as stopped early
  lrCollapsedWhen: 'any' | 'majority' | 'all'; // a learning rate with several runs (seeds) counts as collapsed when …
}

/**
 * Defaults: collapsed when the run ends below half its starting value (it lost what the base
 * model could do) or non-finite; degraded when it ends below 80% of its own peak.
 */
export const DEFAULT_OUTCOME_RULES: OutcomeRules = {
  collapsed: { finalBelowFractionOfStart: 0.5, endsNonFinite: true },
  degraded: { finalBelowFractionOfPeak: 0.8 },
  finalPoints: 1,
  window: 1,
  minPoints: 1,
  lrCollapsedWhen: 'any',
};

/** Every outcome, in the order figures and keys list them. */
export const RUN_OUTCOMES = ['converged', 'degraded', 'collapsed', 'stopped-early', 'too-short', 'no-data'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface RunSummary {
  label: string;
  learningRate: number;
  learningRateSource: TrainingRun['learningRateSource'];
  learningRateFrom: string; // where the learning rate was read, in words
  metric: string; // the series' own name in this run's log
  start: number; // mean of the first `window` finite values (NaN with no data)
  startStep: number;
  peak: number; // largest mean over `window` consecutive finite values
  peakStep: number; // step of the last value in that window
  final: number; // mean of the last max(finalPoints, window) finite values
  finalStep: number; // step of the last finite value
  lastStep: number; // the run's last step (any metric): smaller than the others' when it ended early
  outcome: RunOutcome;
  reason: string; // the condition that decided the outcome, in words
}

/** Partial rules merged over the defaults, one level deep. */
export type OutcomeRulesInput = Partial<Omit<OutcomeRules, 'collapsed' | 'degraded'>> & { collapsed?: OutcomeRule; degraded?: OutcomeRule };

function resolveRules(rules: OutcomeRulesInput = {}): OutcomeRules {
  const window = rules.window ?? 1;
  return {
    ...DEFAULT_OUTCOME_RULES,
    ...rules,
    minPoints: rules.minPoints ?? (window > 1 ? 2 * window : Math.max(1, rules.finalPoints ?? 1)),
    collapsed: rules.collapsed ?? DEFAULT_OUTCOME_RULES.collapsed,
    degraded: rules.degraded ?? DEFAULT_OUTCOME_RULES.degraded,
  };
}

/** A relative rule over a value that is not positive means nothing ("final −0.49 < 0.5 × start −0.098"): refused, naming the run. */
function checkRelative(rule: OutcomeRule, which: string, run: string, s: { start: number; peak: number }): void {
  const bad = (field: string, of: string, value: number) =>
    new LogInputError(
      run,
      undefined,
      `rules.${which}.${field}`,
      `needs a positive ${of}, but the run starts at ${fmt(s.start)} and peaks at ${fmt(s.peak)} (a metric that can be negative or zero): use ${field === 'finalBelowFractionOfStart' ? 'finalDropFromStartAtLeast' : 'finalDropFromPeakAtLeast'} (an absolute drop) or finalAtMost instead (${of} ${fmt(value)})`,
    );
  if (rule.finalBelowFractionOfStart !== undefined && !(s.start > 0)) throw bad('finalBelowFractionOfStart', 'start', s.start);
  if (rule.finalBelowFractionOfPeak !== undefined && !(s.peak > 0)) throw bad('finalBelowFractionOfPeak', 'peak', s.peak);
}

/** The first condition of `rule` that holds, in words, or undefined. */
function ruleHolds(rule: OutcomeRule, s: { start: number; peak: number; final: number; endsNonFinite: boolean }): string | undefined {
  if (rule.endsNonFinite && s.endsNonFinite) return 'ends non-finite';
  if (rule.finalBelowFractionOfStart !== undefined && s.final < rule.finalBelowFractionOfStart * s.start)
    return `final ${fmt(s.final)} < ${rule.finalBelowFractionOfStart} × start ${fmt(s.start)}`;
  if (rule.finalBelowFractionOfPeak !== undefined && s.final < rule.finalBelowFractionOfPeak * s.peak)
    return `final ${fmt(s.final)} < ${rule.finalBelowFractionOfPeak} × peak ${fmt(s.peak)}`;
  if (rule.finalDropFromStartAtLeast !== undefined && s.start - s.final >= rule.finalDropFromStartAtLeast)
    return `final ${fmt(s.final)} ≤ start ${fmt(s.start)} − ${rule.finalDropFromStartAtLeast}`;
  if (rule.finalDropFromPeakAtLeast !== undefined && s.peak - s.final >= rule.finalDropFromPeakAtLeast)
    return `final ${fmt(s.final)} ≤ peak ${fmt(s.peak)} − ${rule.finalDropFromPeakAtLeast}`;
  if (rule.finalAtMost !== undefined && s.final <= rule.finalAtMost) return `final ${fmt(s.final)} ≤ ${rule.finalAtMost}`;
  return undefined;
}

/** Whether the run's settings mark it as stopped by `rule`; the setting and value in words. */
function stoppedBy(rule: StoppedRule | undefined, run: TrainingRun): string | undefined {
  if (!rule || !(rule.setting in run.settings)) return undefined;
  const value = run.settings[rule.setting];
  const norm = (v: string | number | boolean) => (typeof v === 'string' ? v.trim().toLowerCase() : v);
  return rule.values.some((v) => norm(v) === norm(value)) ? `${rule.setting} = ${String(value)}` : undefined;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : String(x);
}

/** A learning rate as sweeps name them: 2e-4, 1.5e-5. */
function fmtLr(x: number): string {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(3)).toExponential() : String(x);
}

/**
 * One summary per run for `metric` (a name in the log, or a key of METRIC_ALIASES), sorted by
 * learning rate. A run without the metric has outcome 'no-data'.
 *
 * @example
 *   summarizeRuns(runs, 'val/accuracy', { collapsed: { finalBelowFractionOfPeak: 0.5 } });
 */
export function summarizeRuns(runs: readonly TrainingRun[], metric: string, rules: OutcomeRulesInput = {}): RunSummary[] {
  const r = resolveRules(rules);
  return runs
    .map((run): RunSummary => {
      const found = metricSeries(run, metric);
      const base = {
        label: run.label,
        learningRate: run.learningRate,
        learningRateSource: run.learningRateSource,
        learningRateFrom: run.learningRateFrom,
        lastStep: run.lastStep,
      };
      const finite: number[] = [];
      const { steps, values } = found?.series ?? { steps: [], values: [] };
      values.forEach((v, i) => Number.isFinite(v) && finite.push(i));
      const empty = { metric: found?.name ?? metric, start: NaN, startStep: NaN, peak: NaN, peakStep: NaN, final: NaN, finalStep: NaN };
      const stopped = stoppedBy(r.stopped, run);
      if (stopped !== undefined && finite.length === 0) return { ...base, ...empty, outcome: 'stopped-early', reason: `stopped early: ${stopped}` };
      if (!found || finite.length === 0) return { ...base, ...empty, outcome: 'no-data', reason: found ? 'no finite values' : `no '${metric}' metric` };
      // Means over `window` consecutive finite values: start (first window), peak (best window), final (last).
      const w = Math.max(1, Math.min(r.window, finite.length));
      const mean = (from: number, n: number) => {
        let sum = 0;
        for (let k = from; k < from + n; k++) sum += values[finite[k]];
        return sum / n;
      };
      let p = w - 1;
      let best = -Infinity;
      if (w === 1) {
        for (let k = 0; k < finite.length; k++) if (values[finite[k]] > best) [best, p] = [values[finite[k]], k];
      } else {
        for (let k = w - 1, sum = mean(0, w - 1) * (w - 1); k < finite.length; k++) {
          sum += values[finite[k]] - (k >= w ? values[finite[k - w]] : 0);
          if (sum / w > best) [best, p] = [sum / w, k];
        }
        best = mean(p - w + 1, w); // exactly, without the running sum's rounding
      }
      const tailN = Math.max(1, Math.min(finite.length, Math.max(r.finalPoints, r.window)));
      const final = mean(finite.length - tailN, tailN);
      const last = finite[finite.length - 1];
      const s = { start: mean(0, w), peak: best, final, endsNonFinite: !Number.isFinite(values[values.length - 1]) };
      const measured = {
        metric: found.name,
        start: s.start,
        startStep: steps[finite[w - 1]],
        peak: s.peak,
        peakStep: steps[finite[p]],
        final,
        finalStep: steps[last],
      };
      if (stopped !== undefined) return { ...base, ...measured, outcome: 'stopped-early', reason: `stopped early: ${stopped}` };
      if (finite.length < r.minPoints)
        return {
          ...base,
          ...measured,
          outcome: 'too-short',
          reason: `${finite.length} finite point${finite.length === 1 ? '' : 's'}, the rules need ${r.minPoints}`,
        };
      checkRelative(r.collapsed, 'collapsed', run.file, s);
      checkRelative(r.degraded, 'degraded', run.file, s);
      const collapsed = ruleHolds(r.collapsed, s);
      const degraded = collapsed === undefined ? ruleHolds(r.degraded, s) : undefined;
      return { ...base, ...measured, outcome: collapsed ? 'collapsed' : degraded ? 'degraded' : 'converged', reason: collapsed ?? degraded ?? 'no rule holds' };
    })
    .sort((a, b) => a.learningRate - b.learningRate);
}

/** The real critical learning rate of a sweep, from its run summaries. */
export type CriticalLearningRate =
  | {
      kind: 'critical';
      learningRate: number; // the smallest learning rate that collapsed
      below: number | null; // the largest learning rate under it that did not (null: it is the smallest tested)
      interval: [number, number]; // (below, learningRate]: the threshold lies in it; below = 0 when null
      nonMonotone: boolean; // some larger learning rate did not collapse (seed noise, or the rule is too loose)
    }
  | { kind: 'none-collapsed'; largestTested: number }
  | { kind: 'all-collapsed'; smallestTested: number };

/**
 * Smallest collapsed learning rate and the interval to the largest non-collapsed one below it.
 * Runs with outcome 'no-data' or 'too-short' are left out, and 'stopped-early' unless the rule counts it as collapsed; several runs at one learning rate are pooled by
 * `lrCollapsedWhen`.
 *
 * @example
 *   criticalLearningRate(summarizeRuns(runs, 'val/accuracy'));
 *   // { kind: 'critical', learningRate: 2e-4, below: 7e-5, interval: [7e-5, 2e-4], nonMonotone: false }
 */
export function criticalLearningRate(summaries: readonly RunSummary[], rules: OutcomeRulesInput = {}): CriticalLearningRate {
  const when = resolveRules(rules).lrCollapsedWhen;
  const byLr = new Map<number, { runs: number; collapsed: number }>();
  const stoppedCollapsed = resolveRules(rules).stopped?.countsAs === 'collapsed';
  for (const s of summaries) {
    if (s.outcome === 'no-data' || s.outcome === 'too-short' || (s.outcome === 'stopped-early' && !stoppedCollapsed)) continue;
    const entry = byLr.get(s.learningRate) ?? { runs: 0, collapsed: 0 };
    entry.runs++;
    if (s.outcome === 'collapsed' || s.outcome === 'stopped-early') entry.collapsed++;
    byLr.set(s.learningRate, entry);
  }
  const lrs = [...byLr.keys()].sort((a, b) => a - b);
  if (lrs.length === 0) return { kind: 'none-collapsed', largestTested: NaN };
  const collapsed = lrs.map((lr) => {
    const { runs, collapsed: c } = byLr.get(lr)!;
    return when === 'any' ? c > 0 : when === 'all' ? c === runs : 2 * c > runs;
  });
  const first = collapsed.indexOf(true);
  if (first === -1) return { kind: 'none-collapsed', largestTested: lrs[lrs.length - 1] };
  if (collapsed.every(Boolean)) return { kind: 'all-collapsed', smallestTested: lrs[0] };
  const below = first > 0 ? lrs[first - 1] : null;
  return { kind: 'critical', learningRate: lrs[first], below, interval: [below ?? 0, lrs[first]], nonMonotone: collapsed.slice(first).includes(false) };
}

/** The result in one line, for a table or a plot note. */
export function describeCriticalLearningRate(result: CriticalLearningRate): string {
  switch (result.kind) {
    case 'none-collapsed':
      return `none collapsed (largest tested ${fmtLr(result.largestTested)})`;
    case 'all-collapsed':
      return `all collapsed (smallest tested ${fmtLr(result.smallestTested)})`;
    case 'critical':
      return `${fmtLr(result.learningRate)} (between ${result.below === null ? '0' : fmtLr(result.below)} and ${fmtLr(result.learningRate)}${result.nonMonotone ? '; a larger lr did not collapse' : ''})`;
  }
}
