/**
 * One entry for every format: `detectFormat` picks the reader from the file's name and text,
 * `readLog` reads one file, `readLogs` several (refusing two runs with the same label).
 */
import { forEachCsvRecord, readCsvRuns, type CsvMapping } from './csv.ts';
import { readJsonlRuns, type JsonlMapping } from './jsonl.ts';
import { checkUniqueLabels, LogInputError, type LogFormat, type TrainingRun } from './run.ts';
import { readTrainerState } from './trainer-state.ts';
import { binaryStringBytes, isTensorBoardName, readTensorBoardEvents } from './tensorboard.ts';
import { crc32c, maskCrc } from './tfrecord.ts';
import { looksLikeVerl, readVerlLog } from './verl.ts';
import { readWandbCsv, wandbShape } from './wandb.ts';

export interface ReadLogOptions {
  format?: LogFormat; // skip detection
  csv?: CsvMapping;
  jsonl?: JsonlMapping;
  runLearningRates?: Readonly<Record<string, number>>; // by run label, for files of several runs without one (a W&B panel export)
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
  // Binary: checked before any line is looked at (a TFRecord's first bytes are a length and a checksum).
  if (isTensorBoardName(name) || looksLikeTfRecord(text)) return 'tensorboard';
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
  const markdown = markdownSign(lower, text);
  if (markdown)
    throw new LogInputError(
      name,
      markdown.line,
      undefined,
      `this looks like Markdown (${markdown.what}), not a log: name the CSV, JSONL, trainer_state.json, verl log, W&B export or TensorBoard event file it describes`,
    );
  const header = firstDataLine(text);
  if (wandbShape(parseCsvHeader(header))) return 'wandb';
  if (lower.endsWith('.csv') || (/^[^,{}[\]]+(,[^,{}[\]]*)+$/.test(header) && !/\s-\s\S+:/.test(header))) return 'csv';
  throw new LogInputError(
    name,
    1,
    undefined,
    'not a recognised log: expected a trainer_state.json, a CSV, JSONL metrics, a verl console log, a W&B CSV export or a TensorBoard event file',
  );
}

/** A header line split as CSV (enough to recognise a W&B export's columns). */
function parseCsvHeader(line: string): string[] {
  const fields: string[] = [];
  forEachCsvRecord(line, (f) => fields.length === 0 && fields.push(...f.map((x) => x.trim())));
  return fields;
}

/** A TFRecord starts with a length and its masked CRC32C: true when the first 12 bytes are one. */
function looksLikeTfRecord(text: string): boolean {
  if (text.length < 16) return false;
  const head = binaryStringBytes(text.slice(0, 12));
  return head !== undefined && new DataView(head.buffer).getUint32(8, true) === maskCrc(crc32c(head, 0, 8));
}

/** Where a text reads as Markdown: a `.md` name, a `# heading` line followed by prose, or a `| a | b |` table with its `|---|` rule. */
function markdownSign(lowerName: string, text: string): { line: number; what: string } | undefined {
  if (/\.(md|markdown)$/.test(lowerName)) return { line: 1, what: 'a .md file' };
  const lines = text.slice(0, 1 << 16).split(/\r?\n/);
  for (let i = 0; i < lines.length - 1; i++) {
    if (/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$/.test(lines[i + 1]) && lines[i].includes('|'))
      return { line: i + 1, what: 'a table with a |---| rule' };
    const next = lines[i + 1].trim() === '' ? (lines[i + 2] ?? '') : lines[i + 1];
    // Prose after the heading: three words in a row (a CSV header after a `# comment` has none).
    if (/^#{1,6} \S/.test(lines[i]) && /[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/.test(next)) return { line: i + 1, what: 'a # heading' };
  }
  return undefined;
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
    case 'wandb':
      return readWandbCsv(name, text, options.runLearningRates, given);
    case 'tensorboard':
      return readTensorBoardEvents(name, text, given);
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
