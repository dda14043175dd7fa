// A 50 MB log of each format, generated here (never committed), is read in a few seconds, and
// reading is linear: ten times the bytes costs about ten times the CPU time, not a hundred.
import { describe, expect, it } from 'vitest';
import { readLog } from './index.ts';

const MB = 1e6;
/** Generous: the readers take 1–2 s of CPU for 50 MB; shared CI machines are slow and busy. */
const WALL_LIMIT_MS = 30_000;
/** Ten times the bytes; linear gives a ratio near 10, quadratic near 100. */
const MAX_RATIO = 30;

/** Text of about `bytes`: `head`, then `row(i)` for i = 0, 1, … */
function generate(bytes: number, head: string, row: (i: number) => string, tail = ''): string {
  const parts = [head];
  let n = head.length;
  for (let i = 0; n < bytes; i++) {
    const r = row(i);
    parts.push(r);
    n += r.length;
  }
  parts.push(tail);
  return parts.join('');
}

const RUNS = Array.from({ length: 50 }, (_, r) => `"run ${r}, seed 0",${((r + 1) * 1e-6).toExponential()},finished,`);
const VALUES = ['0.5123', '0.7000', 'nan', '0.0000', '0.9900'];
const FORMATS: Record<string, { name: string; text: (bytes: number) => string; runs: number }> = {
  csv: {
    name: 'big.csv',
    runs: 50,
    text: (b) =>
      generate(
        b,
        'label,learning_rate,status,grpo_step,answer_accuracy,format_accuracy,reward\r\n',
        (i) => `${RUNS[i % 50]}${Math.floor(i / 50)},${VALUES[i % 5]},0.95,${VALUES[(i + 1) % 5]}\r\n`,
      ),
  },
  verl: {
    name: 'big.log',
    runs: 1,
    text: (b) => {
      const keys = Array.from({ length: 60 }, (_, k) => `group_${k % 6}/key_${k}/mean:`);
      return generate(
        b,
        "{'actor_rollout_ref': {'actor': {'optim': {'lr': 1e-06, 'warmup_style': 'constant'}}}}\n",
        (s) => `(TaskRunner pid=1) step:${s} - ${keys.join(`${VALUES[s % 5]} - `)}0.250 - actor/lr:0.000\n`,
      );
    },
  },
  jsonl: {
    name: 'big.jsonl',
    runs: 1,
    text: (b) =>
      generate(
        b,
        '',
        (s) =>
          `{"type":"${s % 3 ? 'train' : 'eval'}","step":${s},"learning_rate":1e-06,"loss":0.1,"reward":${s % 97 ? 0.5 : 'NaN'},"grad_norm":0.3,"response_length":200}\n`,
      ),
  },
  'trainer-state': {
    name: 'big/trainer_state.json',
    runs: 1,
    text: (b) =>
      generate(
        b,
        '{\n  "global_step": 1,\n  "log_history": [\n',
        (s) =>
          `    {\n      "step": ${s + 1},\n      "learning_rate": 1e-06,\n      "reward": ${s % 97 ? 0.5 : 'NaN'},\n      "reward_std": 0.2,\n      "kl": 0.01,\n      "grad_norm": 0.3,\n      "completions/mean_length": 200.0\n    },\n`,
        '    {"step": 0, "reward": 0.1}\n  ]\n}\n',
      ),
  },
};

/** CPU time (ms, this process) and wall time of one read. */
function timeRead(name: string, text: string): { cpuMs: number; wallMs: number; runs: number } {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const runs = readLog(name, text).length;
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall, runs };
}

describe('a 50 MB log is read in a few seconds, linearly', () => {
  for (const [format, spec] of Object.entries(FORMATS)) {
    it(format, () => {
      const small = spec.text(5 * MB);
      timeRead(spec.name, small); // warm up the JIT
      const t5 = timeRead(spec.name, small);
      const big = spec.text(50 * MB);
      expect(big.length).toBeGreaterThanOrEqual(50 * MB);
      const t50 = timeRead(spec.name, big);
      console.info(`${format}: 50 MB read in ${t50.wallMs.toFixed(0)} ms wall, ${t50.cpuMs.toFixed(0)} ms CPU (5 MB: ${t5.cpuMs.toFixed(0)} ms CPU)`);
      expect(t50.runs).toBe(spec.runs);
      expect(t50.wallMs).toBeLessThan(WALL_LIMIT_MS);
      expect(t50.cpuMs / Math.max(t5.cpuMs, 1)).toBeLessThan(MAX_RATIO);
    });
  }
});
