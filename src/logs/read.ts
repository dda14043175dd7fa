/**
 * One entry for every format: `detectFormat` picks the reader from the file's name and text,
 * `readLog` reads one file, `readLogs` several (refusing two runs with the same label).
 */
import { readCsvRuns, type CsvMapping } from './csv.ts';
import { readJsonlRuns, type JsonlMapping } from './jsonl.ts';
import { checkUniqueLabels, LogInputError, type LogFormat, type TrainingRun } from './run.ts';
import { readTrainerState } from './trainer-state.ts';
import { looksLikeVerl, readVerlLog } from './verl.ts';

export interface ReadLogOptions {
  format?: LogFormat; // skip detection
  csv?: CsvMapping;
  jsonl?: JsonlMapping;
  learningRateGiven?: boolean; // the caller states the learning rate (a logs cell): a log without one is not refused
}

/** The first non-blank line (at most 64 kB of it). */
function firstLine(text: string): string {
  const head = text.slice(0, 1 << 16);
  for (const line of head.split(/\r?\n/)) if (line.trim() !== '') return line.trim();
  return '';
}

/** The first line that is not blank or a `#` comment. */
function firstDataLine(text: string): string {
  for (const line of text.slice(0, 1 << 16).split(/\r?\n/)) if (line.trim() !== '' && !line.startsWith('#')) return line;
  return '';
}

/**
 * Which reader a file needs, from its content first and its extension second. Throws a
 * LogInputError naming the file when it is none of the formats (or empty).
 *
 * @example
 *   detectFormat('run.log', 'step:1 - critic/score/mean:0.250 - actor/lr:0.000'); // 'verl'
 */
export function detectFormat(name: string, text: string): LogFormat {
  const lower = name.toLowerCase();
  const first = firstLine(text);
  if (first === '') throw new LogInputError(name, 1, undefined, 'empty log');
  if (first.startsWith('{')) {
    if (/"log_history"\s*:/.test(text.slice(0, 1 << 20)) || (lower.endsWith('.json') && text.includes('"log_history"'))) return 'trainer-state';
    try {
      JSON.parse(first.replace(/\bNaN\b|-?\bInfinity\b/g, 'null'));
      return 'jsonl';
    } catch {
      // a pretty-printed JSON document, or a Python dict (a verl config dump): go on
    }
  }
  if (looksLikeVerl(text)) return 'verl';
  const header = firstDataLine(text);
  if (lower.endsWith('.csv') || (/^[^,{}[\]]+(,[^,{}[\]]*)+$/.test(header) && !/\s-\s\S+:/.test(header))) return 'csv';
  throw new LogInputError(name, 1, undefined, 'not a recognised log: expected a trainer_state.json, a CSV, JSONL metrics or a verl console log');
}

/**
 * Reads one file into runs with the reader its format needs.
 *
 * @example
 *   readLog('sweep.csv', text, { csv: { run: 'label', learningRate: 'learning_rate', step: 'grpo_step' } });
 */
export function readLog(name: string, text: string, options: ReadLogOptions = {}): TrainingRun[] {
  const format = options.format ?? detectFormat(name, text);
  const given = options.learningRateGiven ?? false;
  switch (format) {
    case 'trainer-state':
      return readTrainerState(name, text, given);
    case 'csv':
      return readCsvRuns(name, text, options.csv, given);
    case 'jsonl':
      return readJsonlRuns(name, text, options.jsonl, given);
    case 'verl':
      return readVerlLog(name, text, given);
  }
}

/**
 * Reads several files (one run each, or several from a CSV) into one list of runs, refusing two
 * runs with the same label.
 *
 * @example
 *   const runs = readLogs([{ name: 'lr-1e-6/trainer_state.json', text: a }, { name: 'lr-3e-6/trainer_state.json', text: b }]);
 */
export function readLogs(files: readonly { name: string; text: string }[], options: ReadLogOptions = {}): TrainingRun[] {
  const runs = files.flatMap((file) => readLog(file.name, file.text, options));
  checkUniqueLabels(runs);
  return runs;
}
