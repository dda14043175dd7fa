/**
 * verl console logs. Metrics come as lines `step:N - key:value - key:value …`
 * (`critic/score/mean`, `val-core/<data>/reward/mean@1`, `response_length/mean`,
 * `actor/grad_norm`, `actor/lr`, …), possibly behind a Ray prefix `(TaskRunner pid=…)`.
 * The console logger prints every value with three decimals, so `actor/lr` reads 0.000: the
 * learning rate comes from the config dump the trainer prints at start (a Python dict, on one
 * line or pprint-ed over many, with `'optim': {'lr': 1e-06, …}` under the actor).
 */
import { readConfigDumps } from './config-dump.ts';
import { excerpt } from './input-limits.ts';
import { rayStreams, type StreamLine } from './ray-console.ts';
import { labelFromFileName, LogInputError, parseLogNumber, RunBuilder, type TrainingRun } from './run.ts';
import type { LearningRateSchedule } from './schedule.ts';

/** A metrics line: `step:N - ` then key:value pairs. */
const STEP_LINE = /(?:^|\s)step:(\d+) - (.*)$/;
/** The learning rate's key, with an optional printed scale: `actor/lr`, `actor/lr(1e-4)` (the value is in units of 1e-4). */
const LR_KEY = /^actor\/(?:lr|learning_rate)(?:\(([-+0-9.eE]+)\))?$/;
/** A command line that starts verl (`python3 -m verl.trainer.main_ppo …`, possibly echoed by `set -x`). */
const COMMAND_LINE = /(?:^|[\s/])(?:-m\s+)?verl\.trainer\.\w+|main_ppo(?:\.py)?\b/;
/** A Hydra override on that line: `key.path=value` (`+key=` adds, `++key=` forces). */
const OVERRIDE = /^\+{0,2}([A-Za-z_][\w.]*\.[\w.]*\w)=(.*)$/;
/** Validation metrics some verl versions print under one name at step 0 and another later. */
const RENAME_PREFIXES = ['val/', 'val-core/', 'val-aux/'];

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

/** Hydra overrides on the command line that started the run (with `\\` continuations), as settings. */
function commandLineOverrides(lines: readonly StreamLine[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (let l = 0; l < lines.length; l++) {
    if (!COMMAND_LINE.test(lines[l].text)) continue;
    for (let k = l; k < lines.length; k++) {
      const text = lines[k].text.replace(/^\s*\+\s/, ''); // `set -x` echoes with '+ '
      for (const token of text.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? []) {
        const m = OVERRIDE.exec(token.replace(/^(['"])(.*)\1$/, '$2'));
        if (!m) continue;
        const raw = m[2].replace(/^(['"])(.*)\1$/, '$2');
        const n = parseLogNumber(raw);
        out[m[1]] = raw === 'True' || raw === 'true' ? true : raw === 'False' || raw === 'false' ? false : n !== undefined && raw.trim() !== '' ? n : raw;
      }
      if (!/\\\s*$/.test(lines[k].text)) break;
      l = k;
    }
    if (Object.keys(out).length > 0) return out;
  }
  return out;
}

/**
 * Metrics logged under one name at step 0 and another later (verl's `test_score/…` became
 * `val/test_score/…`): joined under the later name when their steps do not overlap. Returns what
 * was joined, in words.
 */
function joinRenamed(run: RunBuilder): string[] {
  const notes: string[] = [];
  const names = new Set(run.metricNames());
  for (const name of names) {
    for (const prefix of RENAME_PREFIXES) {
      const old = name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
      if (old === undefined || !names.has(old)) continue;
      const moved = run.joinMetric(old, name);
      if (moved !== undefined)
        notes.push(`joined '${old}' (step${moved.length > 1 ? 's' : ''} ${moved.join(', ')}) into '${name}': one metric renamed between steps`);
    }
  }
  return notes;
}

/**
 * Reads one verl console log, as Ray writes it (colour codes, interleaved workers; see
 * ray-console.ts), into one run labelled by the file name. The learning rate, first found of:
 * the config dump's actor `optim.lr` (read tolerantly, see config-dump.ts), the command line's
 * `actor_rollout_ref.actor.optim.lr=…` override, the peak of the logged `actor/lr` (any spelling,
 * `actor/lr(1e-4):0.010` meaning 0.010 × 1e-4). With none nonzero, a LogInputError.
 *
 * @example
 *   const [run] = readVerlLog('qwen-lr1e-6.log', text);
 *   run.learningRate; // 1e-6, from "'optim': {'lr': 1e-06, …"
 *   run.metrics['val-core/openai/gsm8k/reward/mean@1'];
 */
export function readVerlLog(name: string, text: string, learningRateGiven = false): TrainingRun[] {
  const streams = rayStreams(text);
  const run = new RunBuilder(labelFromFileName(name), name, 'verl');
  const dumps = [...streams.values()].flatMap((lines) => readConfigDumps(lines));
  const dump = dumps.find((d) => actorOptim(d.settings).lrKey !== undefined);
  const overrides = commandLineOverrides([...streams.values()].flat());
  if (dump) {
    Object.assign(run.settings, overrides, dump.settings);
    const { lrKey, prefix } = actorOptim(dump.settings);
    const lr = Number(dump.settings[lrKey!]);
    if (lr > 0 && Number.isFinite(lr)) {
      run.setConfigLearningRate(lr, `the config dump on line ${dump.line} (${lrKey})`);
      run.configSchedule = configSchedule(dump.settings, prefix!, lr);
    }
    if (dump.strayLines > 0) run.notes.push(`the config dump on line ${dump.line} had ${dump.strayLines} stray line(s) from elsewhere; skipped`);
  } else Object.assign(run.settings, overrides);
  if (run.configLearningRate === undefined) {
    const { lrKey, prefix } = actorOptim(overrides);
    const lr = lrKey === undefined ? NaN : Number(overrides[lrKey]);
    if (lr > 0 && Number.isFinite(lr)) {
      run.setConfigLearningRate(lr, `the command line (${lrKey}=${overrides[lrKey!]})`);
      run.configSchedule = configSchedule(overrides, prefix!, lr);
    }
  }
  for (const lines of streams.values()) {
    for (const { text: line, line: lineNo } of lines) {
      if (!line.includes('step:')) continue;
      const match = STEP_LINE.exec(line);
      if (!match) continue;
      const step = Number(match[1]);
      for (const pair of match[2].split(' - ')) {
        const colon = pair.indexOf(':');
        if (colon <= 0) continue;
        let key = pair.slice(0, colon).trim();
        let value = verlNumber(pair.slice(colon + 1));
        const lrKey = LR_KEY.exec(key);
        if (lrKey) {
          const scale = lrKey[1] === undefined ? 1 : Number(lrKey[1]);
          if (value === undefined || !(scale > 0))
            throw new LogInputError(name, lineNo, key, `learning rate ${excerpt(pair.slice(colon + 1).trim())} is not a number`);
          key = 'actor/lr';
          value *= scale;
          run.addLearningRate(step, value);
        }
        if (value !== undefined) run.addMetric(key, step, value);
      }
    }
  }
  if (run.pointCount === 0) throw new LogInputError(name, undefined, undefined, "empty log: no 'step:N - key:value' lines");
  run.notes.push(...joinRenamed(run));
  return [run.finish("actor/lr (and the config dump's actor optim.lr)", learningRateGiven)];
}
