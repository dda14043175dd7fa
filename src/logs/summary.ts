/**
 * Real runs on the simulation's axes: for one metric, each run's learning rate, start, peak and
 * final value and an outcome (converged / degraded / collapsed), by rules given as data; then the
 * real critical learning rate, the smallest one that collapsed, bracketed by its neighbours.
 * The rules assume higher is better (reward, accuracy); for a loss, summarize its negation.
 */
import type { MetricSeries, TrainingRun } from './run.ts';

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
  finalBelowFractionOfStart?: number; // final < f · start
  finalBelowFractionOfPeak?: number; // final < f · peak
  finalAtMost?: number; // final ≤ this value
  endsNonFinite?: boolean; // the metric's last recorded value is NaN or infinite (diverged)
}

export interface OutcomeRules {
  collapsed: OutcomeRule; // tested first
  degraded: OutcomeRule; // tested when not collapsed; a run that is neither converged
  finalPoints: number; // final = mean of the last this-many finite values (smooths a noisy reward)
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
  lrCollapsedWhen: 'any',
};

export type RunOutcome = 'converged' | 'degraded' | 'collapsed' | 'no-data';

export interface RunSummary {
  label: string;
  learningRate: number;
  learningRateSource: TrainingRun['learningRateSource'];
  metric: string; // the series' own name in this run's log
  start: number; // first finite value (NaN with no data)
  startStep: number;
  peak: number; // largest finite value
  peakStep: number;
  final: number; // mean of the last `finalPoints` finite values
  finalStep: number; // step of the last finite value
  lastStep: number; // the run's last step (any metric): smaller than the others' when it ended early
  outcome: RunOutcome;
  reason: string; // the condition that decided the outcome, in words
}

/** Partial rules merged over the defaults, one level deep. */
export type OutcomeRulesInput = Partial<Omit<OutcomeRules, 'collapsed' | 'degraded'>> & { collapsed?: OutcomeRule; degraded?: OutcomeRule };

function resolveRules(rules: OutcomeRulesInput = {}): OutcomeRules {
  return {
    ...DEFAULT_OUTCOME_RULES,
    ...rules,
    collapsed: rules.collapsed ?? DEFAULT_OUTCOME_RULES.collapsed,
    degraded: rules.degraded ?? DEFAULT_OUTCOME_RULES.degraded,
  };
}

/** The first condition of `rule` that holds, in words, or undefined. */
function ruleHolds(rule: OutcomeRule, s: { start: number; peak: number; final: number; endsNonFinite: boolean }): string | undefined {
  if (rule.endsNonFinite && s.endsNonFinite) return 'ends non-finite';
  if (rule.finalBelowFractionOfStart !== undefined && s.final < rule.finalBelowFractionOfStart * s.start)
    return `final ${fmt(s.final)} < ${rule.finalBelowFractionOfStart} × start ${fmt(s.start)}`;
  if (rule.finalBelowFractionOfPeak !== undefined && s.final < rule.finalBelowFractionOfPeak * s.peak)
    return `final ${fmt(s.final)} < ${rule.finalBelowFractionOfPeak} × peak ${fmt(s.peak)}`;
  if (rule.finalAtMost !== undefined && s.final <= rule.finalAtMost) return `final ${fmt(s.final)} ≤ ${rule.finalAtMost}`;
  return undefined;
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
      const base = { label: run.label, learningRate: run.learningRate, learningRateSource: run.learningRateSource, lastStep: run.lastStep };
      const finite: number[] = [];
      const { steps, values } = found?.series ?? { steps: [], values: [] };
      values.forEach((v, i) => Number.isFinite(v) && finite.push(i));
      if (!found || finite.length === 0) {
        return {
          ...base,
          metric: found?.name ?? metric,
          start: NaN,
          startStep: NaN,
          peak: NaN,
          peakStep: NaN,
          final: NaN,
          finalStep: NaN,
          outcome: 'no-data',
          reason: found ? 'no finite values' : `no '${metric}' metric`,
        };
      }
      let p = finite[0];
      for (const i of finite) if (values[i] > values[p]) p = i;
      const tail = finite.slice(-Math.max(1, r.finalPoints));
      const final = tail.reduce((sum, i) => sum + values[i], 0) / tail.length;
      const last = finite[finite.length - 1];
      const s = { start: values[finite[0]], peak: values[p], final, endsNonFinite: !Number.isFinite(values[values.length - 1]) };
      const collapsed = ruleHolds(r.collapsed, s);
      const degraded = collapsed === undefined ? ruleHolds(r.degraded, s) : undefined;
      return {
        ...base,
        metric: found.name,
        start: s.start,
        startStep: steps[finite[0]],
        peak: s.peak,
        peakStep: steps[p],
        final,
        finalStep: steps[last],
        outcome: collapsed ? 'collapsed' : degraded ? 'degraded' : 'converged',
        reason: collapsed ?? degraded ?? 'no rule holds',
      };
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
 * Runs with outcome 'no-data' are left out; several runs at one learning rate are pooled by
 * `lrCollapsedWhen`.
 *
 * @example
 *   criticalLearningRate(summarizeRuns(runs, 'val/accuracy'));
 *   // { kind: 'critical', learningRate: 2e-4, below: 7e-5, interval: [7e-5, 2e-4], nonMonotone: false }
 */
export function criticalLearningRate(summaries: readonly RunSummary[], rules: OutcomeRulesInput = {}): CriticalLearningRate {
  const when = resolveRules(rules).lrCollapsedWhen;
  const byLr = new Map<number, { runs: number; collapsed: number }>();
  for (const s of summaries) {
    if (s.outcome === 'no-data') continue;
    const entry = byLr.get(s.learningRate) ?? { runs: 0, collapsed: 0 };
    entry.runs++;
    if (s.outcome === 'collapsed') entry.collapsed++;
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
