/**
 * A logs cell's per-file settings (a stated learning rate, an attached config file, other
 * settings) and its outcome rules' newer parts (windows, a stopped-early rule, absolute drops):
 * their shapes, their checks, and how a front end turns a checked cell into what src/logs
 * analyzeLogs takes. The page and the command line both go through `logsAnalysisOptions`.
 */
import type { LogsAnalysisOptions, RunSettingsInput } from '../logs/index.ts';
import { kindOf, showValue, unknownKeyIssues } from '../spec/index.ts';

interface Issue {
  field: string;
  message: string;
}

/** What a logs cell states for one of its files (src/logs RunSettingsInput, with the config as a path). */
export interface LogsFileSettings {
  learningRate?: number; // the run's peak learning rate as configured: wins over the config file and the log
  config?: string; // a JSON or YAML config file relative to the notebook, read for the learning rate and settings
  learningRateKey?: string; // the config's (dotted) key holding the learning rate, when it is not found by itself
  settings?: Record<string, string | number | boolean>; // any other setting, shown with the run (and usable by rules.stopped)
  runLearningRates?: Record<string, number>; // by run label: a file of several runs without learning rates (a W&B panel export)
}

export const LOGS_FILE_SETTINGS_KEYS: readonly string[] = Object.freeze(['learningRate', 'config', 'learningRateKey', 'settings', 'runLearningRates']);
export const LOGS_STOPPED_KEYS: readonly string[] = Object.freeze(['setting', 'values', 'countsAs']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Checks `fileSettings`: keys must be files the cell names; `pathProblem` checks a config path as `files` are checked. */
export function fileSettingsIssues(value: unknown, files: unknown, pathProblem: (x: unknown) => string | null): Issue[] {
  if (value === undefined) return [];
  if (!isObject(value))
    return [{ field: 'fileSettings', message: `fileSettings must be an object such as {"data/run.jsonl": {"learningRate": 1e-6}}, got ${kindOf(value)}` }];
  const named = Array.isArray(files) ? files : [];
  const issues: Issue[] = [];
  for (const [file, s] of Object.entries(value)) {
    const f = `fileSettings[${JSON.stringify(file)}]`;
    if (!named.includes(file)) {
      issues.push({ field: f, message: `${f}: not one of the cell's files (${named.map(String).join(', ') || 'none'})` });
      continue;
    }
    if (!isObject(s)) {
      issues.push({ field: f, message: `${f} must be an object such as {"learningRate": 1e-6} or {"config": "data/run.yaml"}, got ${kindOf(s)}` });
      continue;
    }
    issues.push(...unknownKeyIssues(s, LOGS_FILE_SETTINGS_KEYS, `${f}.`, 'file settings'));
    if (s.learningRate !== undefined && !(typeof s.learningRate === 'number' && s.learningRate > 0 && Number.isFinite(s.learningRate)))
      issues.push({
        field: `${f}.learningRate`,
        message: `${f}.learningRate = ${showValue(s.learningRate)}: must be a positive number (the peak learning rate)`,
      });
    if (s.config !== undefined) {
      const problem = pathProblem(s.config);
      if (problem) issues.push({ field: `${f}.config`, message: `${f}.config = ${showValue(s.config)}: ${problem}` });
    }
    if (s.learningRateKey !== undefined) {
      if (typeof s.learningRateKey !== 'string' || s.learningRateKey === '')
        issues.push({
          field: `${f}.learningRateKey`,
          message: `${f}.learningRateKey = ${showValue(s.learningRateKey)}: must be a dotted key such as "optim.lr"`,
        });
      else if (s.config === undefined)
        issues.push({ field: `${f}.learningRateKey`, message: `${f}.learningRateKey names a key of the config file: set "config" too` });
    }
    if (s.runLearningRates !== undefined) {
      if (!isObject(s.runLearningRates))
        issues.push({
          field: `${f}.runLearningRates`,
          message: `${f}.runLearningRates must be an object of run labels to learning rates, got ${kindOf(s.runLearningRates)}`,
        });
      else
        for (const [k, v] of Object.entries(s.runLearningRates))
          if (!(typeof v === 'number' && v > 0 && Number.isFinite(v)))
            issues.push({ field: `${f}.runLearningRates.${k}`, message: `${f}.runLearningRates.${k} = ${showValue(v)}: must be a positive number` });
    }
    if (s.settings !== undefined) {
      if (!isObject(s.settings))
        issues.push({ field: `${f}.settings`, message: `${f}.settings must be an object of names to values, got ${kindOf(s.settings)}` });
      else
        for (const [k, v] of Object.entries(s.settings))
          if (!isScalar(v))
            issues.push({ field: `${f}.settings.${k}`, message: `${f}.settings.${k} = ${showValue(v)}: must be a string, number or true/false` });
    }
  }
  return issues;
}

/** Checks `rules.stopped`, `rules.window`, `rules.minPoints` (the rest of the rules is checked beside the other logs fields). */
export function newerRulesIssues(rules: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const int = (key: string, max: number) => {
    const n = rules[key];
    if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max))
      issues.push({ field: `rules.${key}`, message: `rules.${key} = ${showValue(n)}: must be an integer in [1, ${max}]` });
  };
  int('window', 1000);
  int('minPoints', 100000);
  if (rules.window !== undefined && rules.finalPoints !== undefined)
    issues.push({
      field: 'rules.finalPoints',
      message: 'rules.finalPoints and rules.window both set the final window: keep one (window also smooths start and peak)',
    });
  const s = rules.stopped;
  if (s === undefined) return issues;
  if (!isObject(s))
    return [
      ...issues,
      { field: 'rules.stopped', message: `rules.stopped must be an object such as {"setting": "status", "values": ["stopped early"]}, got ${kindOf(s)}` },
    ];
  issues.push(...unknownKeyIssues(s, LOGS_STOPPED_KEYS, 'rules.stopped.', 'stopped rule fields'));
  if (typeof s.setting !== 'string' || s.setting === '')
    issues.push({
      field: 'rules.stopped.setting',
      message: `rules.stopped.setting = ${showValue(s.setting)}: must name a setting or non-metric column ("status")`,
    });
  if (!Array.isArray(s.values) || s.values.length === 0 || !s.values.every(isScalar))
    issues.push({
      field: 'rules.stopped.values',
      message: `rules.stopped.values = ${showValue(s.values)}: must be a list of values that mean "stopped early" (["stopped early"])`,
    });
  if (s.countsAs !== undefined && s.countsAs !== 'excluded' && s.countsAs !== 'collapsed')
    issues.push({ field: 'rules.stopped.countsAs', message: `rules.stopped.countsAs = ${showValue(s.countsAs)}: must be one of excluded, collapsed` });
  return issues;
}

/** Checks an absolute-drop condition of an outcome rule (any sign of metric). */
export function dropIssue(field: string, v: unknown): Issue[] {
  return v === undefined || (typeof v === 'number' && v >= 0 && Number.isFinite(v))
    ? []
    : [{ field, message: `${field} = ${showValue(v)}: must be a finite number ≥ 0` }];
}

/** The files a front end reads for a logs cell: its log files, then the config files its fileSettings name (each once). */
export function logsCellFileNames(config: { files: string[]; fileSettings?: Record<string, LogsFileSettings> }): { logs: string[]; configs: string[] } {
  const configs = [...new Set(Object.values(config.fileSettings ?? {}).flatMap((s) => (s.config === undefined ? [] : [s.config])))];
  return { logs: config.files, configs };
}

/**
 * What analyzeLogs takes for a checked logs cell, given the texts of its config files (by path).
 * One translation for the page and the command line.
 */
export function logsAnalysisOptions(
  config: {
    format?: LogsAnalysisOptions['format'];
    mapping?: { run?: string; learningRate?: string; step?: string; metrics?: string[]; typeField?: string; types?: string[] };
    metric: string;
    rules?: LogsAnalysisOptions['rules'];
    fileSettings?: Record<string, LogsFileSettings>;
  },
  configTexts: ReadonlyMap<string, string>,
): LogsAnalysisOptions {
  const m = config.mapping;
  const fileSettings: Record<string, RunSettingsInput> = {};
  for (const [file, s] of Object.entries(config.fileSettings ?? {}))
    fileSettings[file] = {
      learningRate: s.learningRate,
      settings: s.settings,
      learningRateKey: s.learningRateKey,
      runLearningRates: s.runLearningRates,
      config: s.config === undefined ? undefined : { name: s.config, text: configTexts.get(s.config) ?? '' },
    };
  return {
    format: config.format,
    csv: m && { run: m.run, learningRate: m.learningRate, step: m.step, metrics: m.metrics },
    jsonl: m && { run: m.run, learningRate: m.learningRate, step: m.step, metrics: m.metrics, typeField: m.typeField, types: m.types },
    metric: config.metric,
    rules: config.rules,
    fileSettings,
  };
}
