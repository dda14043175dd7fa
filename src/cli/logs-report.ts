/**
 * What `gradgap run` prints for each logs cell: the real critical learning rate with its interval,
 * each run's learning rate with where it came from and its outcome, and what the readers noted
 * (metrics joined, lines skipped). The same numbers go to logs/<id>.summary.csv.
 */
import { describeCriticalLearningRate, type LogsAnalysis } from '../logs/index.ts';

/** The lines for one logs cell, ending in a newline. */
export function logsReport(id: string, analysis: LogsAnalysis): string {
  const lines = [
    `logs "${id}": ${analysis.metric} over ${analysis.runs.length} run(s): real critical learning rate ${describeCriticalLearningRate(analysis.critical)}`,
  ];
  for (const s of analysis.summaries)
    lines.push(`  ${s.label}: learning rate ${Number(s.learningRate.toPrecision(6))} (${s.learningRateFrom}); ${s.outcome} (${s.reason})`);
  for (const run of analysis.runs) for (const note of run.notes) lines.push(`  note, ${run.file}: ${note}`);
  return `${lines.join('\n')}\n`;
}
