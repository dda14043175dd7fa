/**
 * verl console logs. Metrics come as lines `step:N - key:value - key:value …`
 * (`critic/score/mean`, `val-core/<data>/reward/mean@1`, `response_length/mean`,
 * `actor/grad_norm`, `actor/lr`, …), possibly behind a Ray prefix `(TaskRunner pid=…)`.
 * The console logger prints every value with three decimals, so `actor/lr` reads 0.000: the
 * learning rate comes from the config dump the trainer prints at start (a Python dict, on one
 * line or pprint-ed over many, with `'optim': {'lr': 1e-06, …}` under the actor).
 */
import { parsePythonLiteral, type PythonValue } from './python-literal.ts';
import { flattenSettings, labelFromFileName, LogInputError, parseLogNumber, RunBuilder, type TrainingRun } from './run.ts';
import type { LearningRateSchedule } from './schedule.ts';
import { excerpt } from '../spec/index.ts';

/** Ray's per-line prefix, e.g. `(TaskRunner pid=2345)` or `(main_task pid=1, ip=10.0.0.1)`. */
const RAY_PREFIX = /^\([\w.-]+ pid=\d+(?:, ip=[\d.]+)?\)\s?/;
/** A metrics line: `step:N - ` then key:value pairs. */
const STEP_LINE = /(?:^|\s)step:(\d+) - (.*)$/;
/** How many lines a pprint-ed config dump may span. */
const MAX_CONFIG_LINES = 5000;

/** True when some line of the text looks like a verl metrics line. */
export function looksLikeVerl(text: string): boolean {
  return /(?:^|\s)step:\d+ - [^\s:]+:/.test(text);
}

/** A value as verl prints it: a number, nan/inf, or `np.float64(0.5)`. */
function verlNumber(raw: string): number | undefined {
  const wrapped = /^\s*(?:np|numpy|torch)\.\w+\((.*)\)\s*$/.exec(raw);
  const text = wrapped ? wrapped[1].replace(/,\s*dtype=.*$/, '') : raw;
  return parseLogNumber(text);
}

/** The actor's optimizer settings in a flattened config: prefers `…actor.optim.*`, never the critic's. */
function actorOptim(settings: Record<string, string | number | boolean>): { lrKey?: string; prefix?: string } {
  const keys = Object.keys(settings).filter((k) => /(^|\.)optim\.lr$/.test(k));
  const lrKey = keys.find((k) => /(^|\.)actor\.optim\.lr$/.test(k)) ?? keys.find((k) => !/critic|reward_model|ref\./.test(k));
  return { lrKey, prefix: lrKey?.slice(0, -'lr'.length) };
}

/** The schedule the actor's config states (verl: `warmup_style` or `lr_scheduler_type`, warmup steps or ratio). */
function configSchedule(settings: Record<string, string | number | boolean>, prefix: string, lr: number): LearningRateSchedule {
  const style = String(settings[`${prefix}lr_scheduler_type`] ?? settings[`${prefix}warmup_style`] ?? 'constant');
  const steps = Number(settings[`${prefix}lr_warmup_steps`] ?? -1);
  const ratio = Number(settings[`${prefix}lr_warmup_steps_ratio`] ?? 0);
  const warmup = steps > 0 || ratio > 0;
  const decay = style === 'cosine' ? 'cosine' : style === 'constant' ? 'constant' : undefined;
  const shape =
    decay === undefined ? 'unknown' : decay === 'constant' && !warmup ? 'constant' : (`${warmup ? 'warmup-' : ''}${decay}` as LearningRateSchedule['shape']);
  return {
    shape,
    peak: lr,
    peakStep: steps > 0 ? steps : warmup ? NaN : 0,
    warmupSteps: steps > 0 ? steps : warmup ? NaN : 0,
    final: decay === 'constant' ? lr : NaN,
  };
}

/** Finds and parses the config dump: the first dict literal (over one or many lines) with an optimizer lr. */
function readConfigDump(lines: string[]): { settings: Record<string, string | number | boolean>; line: number } | undefined {
  for (let l = 0; l < lines.length; l++) {
    const first = lines[l].replace(RAY_PREFIX, '').trimStart();
    if (!first.startsWith("{'")) continue;
    const chunk = [first];
    for (let k = l + 1; k < Math.min(lines.length, l + MAX_CONFIG_LINES); k++) chunk.push(lines[k].replace(RAY_PREFIX, ''));
    let value: PythonValue;
    try {
      value = parsePythonLiteral(chunk.join('\n')).value;
    } catch {
      continue;
    }
    const settings = flattenSettings(value);
    if (actorOptim(settings).lrKey !== undefined) return { settings, line: l + 1 };
  }
  return undefined;
}

/**
 * Reads one verl console log into one run, labelled by the file name. The learning rate is the
 * config dump's actor `optim.lr` (learningRateSource 'config') when there is one, else the peak
 * of `actor/lr` if that is nonzero ('log'); with neither, a LogInputError.
 *
 * @example
 *   const [run] = readVerlLog('qwen-lr1e-6.log', text);
 *   run.learningRate; // 1e-6, from "'optim': {'lr': 1e-06, …"
 *   run.metrics['val-core/openai/gsm8k/reward/mean@1'];
 */
export function readVerlLog(name: string, text: string): TrainingRun[] {
  const lines = text.split(/\r?\n/);
  const run = new RunBuilder(labelFromFileName(name), name, 'verl');
  const config = readConfigDump(lines);
  if (config) {
    Object.assign(run.settings, config.settings);
    const { lrKey, prefix } = actorOptim(config.settings);
    const lr = Number(config.settings[lrKey!]);
    if (lr > 0 && Number.isFinite(lr)) {
      run.configLearningRate = lr;
      run.configSchedule = configSchedule(config.settings, prefix!, lr);
    }
  }
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    if (!line.includes('step:')) continue;
    const match = STEP_LINE.exec(line);
    if (!match) continue;
    const step = Number(match[1]);
    for (const pair of match[2].split(' - ')) {
      const colon = pair.indexOf(':');
      if (colon <= 0) continue;
      const key = pair.slice(0, colon).trim();
      const value = verlNumber(pair.slice(colon + 1));
      if (value === undefined) {
        if (key === 'actor/lr') throw new LogInputError(name, l + 1, key, `learning rate '${excerpt(pair.slice(colon + 1).trim())}' is not a number`);
        continue;
      }
      if (key === 'actor/lr') run.addLearningRate(step, value);
      run.addMetric(key, step, value);
    }
  }
  if (run.pointCount === 0) throw new LogInputError(name, undefined, undefined, "empty log: no 'step:N - key:value' lines");
  return [run.finish("actor/lr (and the config dump's actor optim.lr)")];
}
