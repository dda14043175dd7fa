// Real training logs on the simulation's axes: readers for TRL trainer_state.json, CSV, JSONL
// and verl console logs, each turning a file's text into runs; run summaries and the real
// critical learning rate. Pure: no DOM, no file system, nothing from the rest of src/.
export { type LogFormat, type MetricSeries, type TrainingRun, LogInputError } from './run.ts';
export { type LearningRateSchedule, type ScheduleShape, detectSchedule } from './schedule.ts';
export { type CsvMapping, CSV_COLUMN_GUESSES, readCsvRuns } from './csv.ts';
export { type JsonlMapping, JSONL_CONFIG_TYPES, JSONL_LEARNING_RATE_FIELDS, JSONL_STEP_FIELDS, readJsonlRuns } from './jsonl.ts';
export { readTrainerState } from './trainer-state.ts';
export { readVerlLog } from './verl.ts';
export { bytesToBinaryString, isTensorBoardName, readTensorBoardEvents } from './tensorboard.ts';
export { readWandbCsv } from './wandb.ts';
export { type RunSettingsInput, CONFIG_LEARNING_RATE_KEYS, applyRunSettings, readConfigFile } from './run-settings.ts';
export { type ReadLogOptions, detectFormat, readLog, readLogs } from './read.ts';
export {
  type CriticalLearningRate,
  type OutcomeRule,
  type OutcomeRules,
  type OutcomeRulesInput,
  type RunOutcome,
  type RunSummary,
  type StoppedRule,
  DEFAULT_OUTCOME_RULES,
  RUN_OUTCOMES,
  METRIC_ALIASES,
  criticalLearningRate,
  describeCriticalLearningRate,
  metricSeries,
  summarizeRuns,
} from './summary.ts';
export { type LogsAnalysis, type LogsAnalysisOptions, SUMMARY_CSV_COLUMNS, analyzeLogs, summaryCsv } from './analyze.ts';
