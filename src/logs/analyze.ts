/**
 * What a logs cell shows, from its files and settings: the runs (read by one reader for every
 * file), one summary per run for the chosen metric, and the real critical learning rate. The
 * page, the command line and the figures all start here, so each says the same about a file.
 * Throws a LogInputError naming the file (and line, field) on bad input.
 *
 * @example
 *   const a = analyzeLogs([{ name: 'data/sweep.csv', text }], { metric: 'answer_accuracy', csv: { run: 'label', step: 'grpo_step' } });
 *   a.summaries.map((s) => [s.learningRate, s.outcome]); a.critical.kind; // 'critical'
 */
import type { CsvMapping } from './csv.ts';
import { csvText } from '../results/index.ts';
import { someNames } from './input-limits.ts';
import type { JsonlMapping } from './jsonl.ts';
import { readLog } from './read.ts';
import { checkUniqueLabels, LogInputError, type LogFormat, type TrainingRun } from './run.ts';
import { applyRunSettings, type RunSettingsInput } from './run-settings.ts';
import {
  criticalLearningRate,
  describeCriticalLearningRate,
  metricSeries,
  summarizeRuns,
  type CriticalLearningRate,
  type OutcomeRulesInput,
  type RunSummary,
} from './summary.ts';

/** How to read and summarize a set of log files (a logs cell's settings). */
export interface LogsAnalysisOptions {
  format?: LogFormat; // one reader for every file; detected per file when absent
  csv?: CsvMapping; // the column mapping (CSV files)
  jsonl?: JsonlMapping; // the field mapping (JSONL files)
  fileSettings?: Readonly<Record<string, RunSettingsInput>>; // per file name: a stated learning rate, settings, an attached config
  metric: string; // the metric summarized (a name in the logs, or a METRIC_ALIASES key)
  rules?: OutcomeRulesInput; // outcome rules over the defaults
}

export interface LogsAnalysis {
  runs: TrainingRun[]; // in file order
  metric: string; // as asked
  summaries: RunSummary[]; // by learning rate
  critical: CriticalLearningRate;
}

/** Reads, summarizes and finds the critical learning rate; refuses a metric no run has, naming the metrics there are. */
export function analyzeLogs(files: readonly { name: string; text: string }[], options: LogsAnalysisOptions): LogsAnalysis {
  if (files.length === 0) throw new LogInputError('(no files)', undefined, 'files', 'empty log: the cell names no files');
  const runs = files.flatMap((file) => {
    const given = options.fileSettings?.[file.name];
    const read = readLog(file.name, file.text, {
      format: options.format,
      csv: options.csv,
      jsonl: options.jsonl,
      runLearningRates: given?.runLearningRates,
      learningRateGiven: given?.learningRate !== undefined || given?.config !== undefined,
    });
    return given ? read.map((run) => applyRunSettings(run, given, `fileSettings[${JSON.stringify(file.name)}]`)) : read;
  });
  checkUniqueLabels(runs);
  if (!runs.some((run) => metricSeries(run, options.metric))) {
    const names = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))];
    throw new LogInputError(
      files[0].name,
      undefined,
      'metric',
      `no run has the metric '${options.metric}' (metrics in the logs: ${someNames(names, 20) || 'none'})`,
    );
  }
  const summaries = summarizeRuns(runs, options.metric, options.rules);
  return { runs, metric: options.metric, summaries, critical: criticalLearningRate(summaries, options.rules) };
}

// Labels, metric and column names come from the logs, untrusted: csvText quotes them and keeps a formula a text.
const csvField = (v: string | number) =>
  typeof v === 'number' ? (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '' : v > 0 ? 'inf' : '-inf') : csvText(v);

/** The columns of the per-run summary CSV, in order. */
export const SUMMARY_CSV_COLUMNS = [
  'label',
  'learning_rate',
  'learning_rate_source',
  'metric',
  'start',
  'start_step',
  'peak',
  'peak_step',
  'final',
  'final_step',
  'last_step',
  'outcome',
  'reason',
  'learning_rate_from',
  'critical_learning_rate',
  'critical_interval_low',
  'critical_interval_high',
  'critical_result',
] as const;

/**
 * The per-run summary as CSV (one row per run, by learning rate; NaN as an empty field), the
 * file `gradgap run` writes and the page's export. The sweep's critical learning rate and its
 * interval (below, lr*] repeat on every row, so each row reads alone; `critical_result` says
 * which case it is (critical, none-collapsed, all-collapsed) in words.
 */
export function summaryCsv(summaries: readonly RunSummary[], critical: CriticalLearningRate): string {
  const [lr, low, high] = critical.kind === 'critical' ? [critical.learningRate, critical.interval[0], critical.interval[1]] : [NaN, NaN, NaN];
  const rows = summaries.map((s) =>
    [
      s.label,
      s.learningRate,
      s.learningRateSource,
      s.metric,
      s.start,
      s.startStep,
      s.peak,
      s.peakStep,
      s.final,
      s.finalStep,
      s.lastStep,
      s.outcome,
      s.reason,
      s.learningRateFrom,
      lr,
      low,
      high,
      describeCriticalLearningRate(critical),
    ]
      .map(csvField)
      .join(','),
  );
  return `${[SUMMARY_CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}
