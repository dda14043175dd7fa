/**
 * Weights & Biases exports. Two shapes:
 * - a run's history CSV (the run page's "Export as CSV"): one row per logged step, `_step`,
 *   `_runtime`, `_timestamp` and one column per metric (`train/reward`, `train/learning_rate`);
 * - a panel's CSV export (wide): `Step` then, per run, `<run> - <metric>` with `…__MIN` and
 *   `…__MAX` beside it (the band W&B draws when it samples or smooths); the band columns are
 *   recognised and not read as metrics. An empty cell is a step the run did not log.
 */
import { forEachCsvRecord } from './csv.ts';
import { excerpt, someNames } from './input-limits.ts';
import { labelFromFileName, LogInputError, parseLogNumber, RunBuilder, type TrainingRun } from './run.ts';

/** Learning-rate columns of a history export, in the order tried. */
export const WANDB_LEARNING_RATE_COLUMNS = ['train/learning_rate', 'learning_rate', 'train/lr', 'lr', 'actor/lr'] as const;
/** W&B's own bookkeeping columns in a history export: not metrics. */
const WANDB_SYSTEM = /^_(step|runtime|timestamp|wandb.*)$/;
/** A panel column: `<run> - <metric>`, possibly with the band suffix. */
const PANEL_COLUMN = /^(.+?) - (.+?)(__MIN|__MAX)?$/;

/** Which W&B shape a CSV header is, if either. */
export function wandbShape(header: readonly string[]): 'history' | 'panel' | undefined {
  if (header.includes('_step')) return 'history';
  if (/^step$/i.test(header[0] ?? '') && header.length > 1 && header.slice(1).every((h) => PANEL_COLUMN.test(h))) return 'panel';
  return undefined;
}

/**
 * Reads a W&B history or panel CSV export into runs (one for a history, one per run for a panel).
 * `learningRates` gives a panel's runs their learning rates by label (a panel export has none).
 *
 * @example
 *   readWandbCsv('reward-panel.csv', text, { 'grpo-lr1e-6': 1e-6 }).map((r) => r.label);
 */
export function readWandbCsv(name: string, text: string, learningRates: Readonly<Record<string, number>> = {}, learningRateGiven = false): TrainingRun[] {
  let header: string[] | undefined;
  let shape: 'history' | 'panel' | undefined;
  const runs = new Map<string, RunBuilder>();
  const runOf = (label: string) => {
    let r = runs.get(label);
    if (!r) runs.set(label, (r = new RunBuilder(label, name, 'wandb')));
    return r;
  };
  let columns: { col: number; run: string; metric: string; lr: boolean }[] = [];
  let stepCol = 0;
  const bands = new Set<string>();
  forEachCsvRecord(text, (fields, line) => {
    if (!header) {
      header = fields.map((f) => f.trim());
      shape = wandbShape(header);
      if (!shape)
        throw new LogInputError(name, line, undefined, `not a W&B export: no _step column, and not 'Step, <run> - <metric>, …' (header: ${someNames(header)})`);
      const seen = new Map<string, number>();
      header.forEach((h, c) => {
        if (seen.has(h)) throw new LogInputError(name, line, h, `the header names column ${excerpt(h)} twice (columns ${seen.get(h)! + 1} and ${c + 1})`);
        seen.set(h, c);
      });
      if (shape === 'history') {
        stepCol = header.indexOf('_step');
        const lr = WANDB_LEARNING_RATE_COLUMNS.find((c) => header!.includes(c));
        const label = labelFromFileName(name);
        columns = header.flatMap((h, col) => (WANDB_SYSTEM.test(h) ? [] : [{ col, run: label, metric: h, lr: h === lr }]));
      } else {
        columns = header.slice(1).flatMap((h, k) => {
          const m = PANEL_COLUMN.exec(h)!;
          if (m[3]) {
            bands.add(m[2]);
            return [];
          }
          return [{ col: k + 1, run: m[1], metric: m[2], lr: (WANDB_LEARNING_RATE_COLUMNS as readonly string[]).includes(m[2]) }];
        });
      }
      return;
    }
    if (fields.length !== header.length) throw new LogInputError(name, line, undefined, `${fields.length} fields, the header has ${header.length}`);
    const step = parseLogNumber(fields[stepCol]);
    if (step === undefined || !Number.isFinite(step)) throw new LogInputError(name, line, header[stepCol], `step ${excerpt(fields[stepCol])} is not a number`);
    for (const { col, run, metric, lr } of columns) {
      const raw = fields[col];
      if (raw.trim() === '') continue; // this run logged nothing at this step
      const value = parseLogNumber(raw);
      if (value === undefined) {
        if (shape === 'panel') throw new LogInputError(name, line, header[col], `value ${excerpt(raw)} is not a number`);
        continue; // a history's text column (a table, a string)
      }
      const r = runOf(run);
      r.addMetric(metric, step, value);
      if (lr) r.addLearningRate(step, value);
    }
  });
  if (!header) throw new LogInputError(name, undefined, undefined, 'empty log: no header');
  if (runs.size === 0) throw new LogInputError(name, undefined, undefined, 'empty log: a header and no values');
  return [...runs.values()].map((r) => {
    if (bands.size > 0) r.notes.push(`W&B band columns (__MIN, __MAX) of ${someNames([...bands])} recognised and not read as metrics`);
    const given = learningRates[r.label];
    if (given !== undefined) r.setConfigLearningRate(given, `the logs cell (learning rate for run '${r.label}')`);
    return r.finish(WANDB_LEARNING_RATE_COLUMNS[0], learningRateGiven || given !== undefined);
  });
}
