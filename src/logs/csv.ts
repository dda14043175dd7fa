/**
 * CSV of evaluation points, one row per (run, step). The caller maps the columns: which is the
 * run's label, the learning rate, the step, and which are metrics. RFC 4180 fields (quotes,
 * doubled quotes, newlines inside quotes), LF or CRLF; blank lines and lines starting with `#`
 * (outside quotes) are skipped, so a file can say where it came from in a comment.
 */
import { excerpt, someNames } from './input-limits.ts';
import { labelFromFileName, LogInputError, parseLogNumber, RunBuilder, type TrainingRun } from './run.ts';

/** Which columns mean what. Omitted fields are guessed from the header (see CSV_COLUMN_GUESSES). */
export interface CsvMapping {
  run?: string; // the run's label; without one the file is one run, labelled by its name
  learningRate?: string; // per row: constant for an eval table, or the schedule if it varies
  step?: string;
  metrics?: string[]; // default: every other column whose values are all numbers (or empty/nan)
}

/** Header names tried, in order, for a mapping field the caller left out. */
export const CSV_COLUMN_GUESSES = {
  run: ['run', 'label', 'run_name', 'name', 'experiment'],
  learningRate: ['learning_rate', 'lr', 'learningRate'],
  step: ['step', 'grpo_step', 'global_step', 'train_step', 'iteration'],
} as const;

export interface CsvRecord {
  line: number; // 1-based line where the record starts
  fields: string[];
}

/** Splits CSV text into records. Linear: one pass over the characters. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  forEachCsvRecord(text, (fields, line) => records.push({ line, fields }));
  return records;
}

/** Calls `visit` with each record and the line it starts on, without keeping them (large files). */
export function forEachCsvRecord(text: string, visit: (fields: string[], line: number) => void): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // BOM
  let line = 1;
  while (i < n) {
    const start = line;
    // Skip blank and comment lines.
    const c0 = text.charCodeAt(i);
    if (c0 === 10 || c0 === 13 || c0 === 35 /* # */) {
      let end = text.indexOf('\n', i);
      if (end === -1) end = n;
      if (c0 === 35 || text.slice(i, end).trim() === '') {
        i = end + 1;
        line++;
        continue;
      }
    }
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        let out = '';
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) throw new Error(`line ${start}: unterminated quoted field`);
          for (let k = text.indexOf('\n', i); k !== -1 && k < q; k = text.indexOf('\n', k + 1)) line++;
          if (text.charCodeAt(q + 1) === 34) {
            out += text.slice(from, q + 1);
            i = from = q + 2;
            continue;
          }
          out += text.slice(from, q);
          i = q + 1;
          break;
        }
        value = out;
        // Anything between the closing quote and the delimiter is kept (lenient).
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 10 || c === 13) break;
          value += text[i++];
        }
      } else {
        const from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 10 || c === 13) break;
          i++;
        }
        value = text.slice(from, i);
      }
      fields.push(value);
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    visit(fields, start);
  }
}

/**
 * Each header name's column, refusing a name that appears twice (naming both positions): with two
 * `acc` columns one would silently win. Built once, so every lookup is O(1) however wide the file.
 */
function headerColumns(name: string, header: readonly string[], line: number): Map<string, number> {
  const columns = new Map<string, number>();
  header.forEach((h, c) => {
    const first = columns.get(h);
    if (first !== undefined)
      throw new LogInputError(
        name,
        line,
        h,
        `the header names column ${excerpt(h)} twice (columns ${first + 1} and ${c + 1}): rename one so each column has its own name`,
      );
    columns.set(h, c);
  });
  return columns;
}

function columnIndex(
  name: string,
  header: readonly string[],
  columns: ReadonlyMap<string, number>,
  line: number,
  mapped: string | undefined,
  guesses: readonly string[] | undefined,
  field: string,
  required: boolean,
): number {
  if (mapped !== undefined) {
    const index = columns.get(mapped);
    if (index === undefined)
      throw new LogInputError(name, line, mapped, `mapped ${field} column ${excerpt(mapped)} is not in the header (${someNames(header)})`);
    return index;
  }
  for (const guess of guesses ?? []) {
    const index = columns.get(guess);
    if (index !== undefined) return index;
  }
  if (required) throw new LogInputError(name, line, field, `no ${field} column: map one (header: ${someNames(header)})`);
  return -1;
}

/**
 * Reads a CSV of (run, step) rows into runs, in the order each run first appears. Refuses a
 * mapped column missing from the header, a learning rate or step that is not a number, a metric
 * cell that is neither a number nor empty/nan, and two rows for the same run and step.
 *
 * @example
 *   readCsvRuns('sweep.csv', text, { run: 'label', learningRate: 'learning_rate', step: 'grpo_step', metrics: ['answer_accuracy'] });
 */
export function readCsvRuns(name: string, text: string, mapping: CsvMapping = {}, learningRateGiven = false): TrainingRun[] {
  let header: string[] | undefined;
  let headerLine = 0;
  let rowCount = 0;
  let readRow: (fields: string[], line: number) => void = () => {};
  const runs = new Map<string, { builder: RunBuilder; lines: Map<number, number>; lastRow: string[] }>();
  let candidates: number[] = []; // metric columns, or (unmapped) every other column until a cell is not a number
  const numeric: boolean[] = [];
  let lrCol = -1;
  let used = new Set<number>(); // the run, learning-rate and step columns
  const readHeader = (fields: string[], line: number) => {
    const h = (header = fields.map((f) => f.trim()));
    headerLine = line;
    const columns = headerColumns(name, h, line);
    const at = (field: string, mapped: string | undefined, guesses: readonly string[] | undefined, required: boolean) =>
      columnIndex(name, h, columns, line, mapped, guesses, field, required);
    const runCol = at('run', mapping.run, CSV_COLUMN_GUESSES.run, false);
    lrCol = at('learning rate', mapping.learningRate, CSV_COLUMN_GUESSES.learningRate, !learningRateGiven);
    const stepCol = at('step', mapping.step, CSV_COLUMN_GUESSES.step, true);
    used = new Set([runCol, lrCol, stepCol]);
    candidates = mapping.metrics ? mapping.metrics.map((m) => at('metric', m, undefined, true)) : h.map((_, c) => c).filter((c) => !used.has(c));
    candidates.forEach((c) => (numeric[c] = true));
    const fileLabel = labelFromFileName(name);
    readRow = (fields, line) => {
      rowCount++;
      if (fields.length !== h.length) throw new LogInputError(name, line, undefined, `${fields.length} fields, the header has ${h.length}`);
      const label = runCol === -1 ? fileLabel : fields[runCol].trim();
      if (label === '') throw new LogInputError(name, line, h[runCol], 'empty run label');
      let entry = runs.get(label);
      if (!entry) runs.set(label, (entry = { builder: new RunBuilder(label, name, 'csv'), lines: new Map(), lastRow: fields }));
      const step = parseLogNumber(fields[stepCol]);
      if (step === undefined || !Number.isFinite(step)) throw new LogInputError(name, line, h[stepCol], `step ${excerpt(fields[stepCol])} is not a number`);
      const previous = entry.lines.get(step);
      if (previous !== undefined)
        throw new LogInputError(
          name,
          line,
          h[stepCol],
          `a second row for run ${excerpt(label)} at step ${step} (first on line ${previous}): two runs with the same label?`,
        );
      entry.lines.set(step, line);
      if (lrCol !== -1) {
        const lr = parseLogNumber(fields[lrCol]);
        if (lr === undefined || (fields[lrCol].trim() !== '' && Number.isNaN(lr)))
          throw new LogInputError(name, line, h[lrCol], `learning rate ${excerpt(fields[lrCol])} is not a number`);
        entry.builder.addLearningRate(step, lr);
      }
      for (const c of candidates) {
        if (!numeric[c]) continue;
        const value = parseLogNumber(fields[c]);
        if (value !== undefined) entry.builder.addMetric(h[c], step, value);
        else if (mapping.metrics)
          throw new LogInputError(name, line, h[c], `metric value ${excerpt(fields[c])} is not a number (write nan or leave it empty for a gap)`);
        else numeric[c] = false; // not a metric column after all: a setting
      }
      entry.lastRow = fields;
    };
  };
  try {
    forEachCsvRecord(text, (fields, line) => (header === undefined ? readHeader(fields, line) : readRow(fields, line)));
  } catch (error) {
    if (error instanceof LogInputError) throw error;
    const m = /^line (\d+): (.*)$/.exec((error as Error).message);
    // The parser's own 'line N: …' says what is wrong in its words; anything else is quoted short.
    throw new LogInputError(name, m ? Number(m[1]) : undefined, undefined, m ? m[2] : excerpt((error as Error).message, 120));
  }
  if (header === undefined) throw new LogInputError(name, undefined, undefined, 'empty log: no header');
  if (rowCount === 0) throw new LogInputError(name, headerLine + 1, undefined, 'empty log: a header and no rows');
  const h = header;
  const metricCols = new Set(candidates.filter((c) => numeric[c]));
  if (metricCols.size === 0) throw new LogInputError(name, headerLine, undefined, 'no numeric metric columns: map some');
  const otherCols = h.map((_, c) => c).filter((c) => !used.has(c) && !metricCols.has(c));
  const metricNames = new Set([...metricCols].map((c) => h[c]));
  return [...runs.values()].map(({ builder, lastRow }) => {
    // Columns that are not metrics are settings, from the run's last row (a `status` column ends as the run ended).
    for (const c of otherCols) {
      const raw = lastRow[c];
      const asNumber = parseLogNumber(raw);
      builder.settings[h[c]] = asNumber !== undefined && raw.trim() !== '' ? asNumber : raw;
    }
    builder.dropMetrics((metric) => !metricNames.has(metric));
    return builder.finish(lrCol === -1 ? 'learning_rate' : h[lrCol], learningRateGiven);
  });
}
