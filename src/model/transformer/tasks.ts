/**
 * Tasks with verifiable rewards for the transformer policy (SPEC 1.10): a prompt is k tokens over
 * a vocabulary of V, and the response must equal f(prompt) — `copy`, `reverse`, `sort` (k
 * tokens), or `sum` (one token: the prompt's sum mod V). The training set is N distinct seeded
 * prompts; the held-out set is `heldOutPrompts` more, distinct from them and from each other.
 *
 * Prompts are drawn from Philox in the transformer stream, counter (seedIndex, TAG_PROMPTS,
 * candidate, j >> 2), word j & 3 giving token j; a candidate equal to an earlier prompt is drawn
 * again. So a run's task is a pure function of (seed, seed index, task, V, k, N, heldOutPrompts), and
 * the first N prompts do not depend on heldOutPrompts. The refusal (too few distinct prompts) is
 * the spec's (src/spec/transformer-fields.ts).
 *
 * @example
 *   const set = makeTaskSet({ task: 'copy', V: 8, promptLength: 3, N: 16, heldOutPrompts: 8 }, seed, seedIndex);
 *   set.trainPrompts.subarray(q * 3, q * 3 + 3); // prompt q; its target: set.trainTargets, set.responseLength per row
 */
import { philox4x32, STREAM_TRANSFORMER, uniformFromBits } from '../../rng/index.ts';
import { taskPromptRefusal, taskResponseLength, type TransformerTask } from '../../spec/index.ts';

export type TaskName = TransformerTask;

/** Counter word 1 of the transformer stream: prompt candidates. */
export const TAG_PROMPTS = 2;

export interface TaskParams {
  task: TaskName;
  V: number; // vocabulary
  promptLength: number; // k
  N: number; // training prompts
  heldOutPrompts: number; // held-out prompts (0 for none)
  eos?: boolean; // SPEC 1.7: token V − 1 is EOS, prompts and f use tokens 0..V − 2, each target ends with EOS (default false)
}

export interface TaskSet {
  promptLength: number;
  responseLength: number; // k for copy, reverse and sort; 1 for sum
  trainPrompts: Int32Array; // [N][k]
  trainTargets: Int32Array; // [N][responseLength]
  heldOutPrompts: Int32Array; // [heldOut][k]
  heldOutTargets: Int32Array; // [heldOut][responseLength]
  eos?: number; // the EOS token (V − 1) when responses end with one: then every target ends with it (responseLength counts it)
}

/** Writes f(prompt) into `out` (length responseLength). */
export function taskTarget(task: TaskName, prompt: ArrayLike<number>, V: number, out: Int32Array): void {
  const k = prompt.length;
  if (task === 'copy') for (let i = 0; i < k; i++) out[i] = prompt[i];
  else if (task === 'reverse') for (let i = 0; i < k; i++) out[i] = prompt[k - 1 - i];
  else if (task === 'sort') {
    out.set(Array.from(prompt).sort((a, b) => a - b));
  } else {
    let s = 0;
    for (let i = 0; i < k; i++) s += prompt[i];
    out[0] = s % V;
  }
}

// Enough candidates that a set of up to V^k prompts is found (coupon collector: about n·ln n draws).
const candidateLimit = (needed: number) => 64 + needed * Math.ceil(4 * Math.log(needed + 1) + 8);

/** The training and held-out prompts and their targets of seed index `seedIndex`. Throws the refusal when there is one. */
export function makeTaskSet(p: TaskParams, seed: number, seedIndex: number): TaskSet {
  // With EOS the task lives on the other V − 1 tokens (the draws are the same words, scaled to V − 1).
  const V = p.eos ? p.V - 1 : p.V;
  const refusal = taskPromptRefusal({ ...p, V });
  if (refusal) throw new Error(p.eos ? `${refusal} (with eos the last token is EOS, so prompts use V − 1 = ${V} tokens)` : refusal);
  const k = p.promptLength;
  const answer = taskResponseLength(p.task, k);
  const m = p.eos ? answer + 1 : answer;
  const needed = p.N + p.heldOutPrompts;
  const prompts = new Int32Array(needed * k);
  const seen = new Set<string>();
  const candidate = new Int32Array(k);
  let found = 0;
  const limit = candidateLimit(needed);
  for (let c = 0; found < needed; c++) {
    if (c >= limit) throw new Error(`task ${p.task}: found only ${found} of ${needed} distinct prompts in ${limit} draws (V ${p.V}, promptLength ${k})`);
    let words: number[] = [];
    for (let j = 0; j < k; j++) {
      if ((j & 3) === 0) words = philox4x32([seedIndex, TAG_PROMPTS, c, j >>> 2], [seed, STREAM_TRANSFORMER]);
      candidate[j] = Math.min(Math.floor(uniformFromBits(words[j & 3]) * V), V - 1);
    }
    const key = candidate.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    prompts.set(candidate, found * k);
    found++;
  }
  const targets = new Int32Array(needed * m);
  for (let q = 0; q < needed; q++) {
    taskTarget(p.task, prompts.subarray(q * k, q * k + k), V, targets.subarray(q * m, q * m + answer));
    if (p.eos) targets[q * m + answer] = V; // EOS = the original V − 1
  }
  return {
    promptLength: k,
    responseLength: m,
    trainPrompts: prompts.slice(0, p.N * k),
    trainTargets: targets.slice(0, p.N * m),
    heldOutPrompts: prompts.slice(p.N * k),
    heldOutTargets: targets.slice(p.N * m),
    ...(p.eos ? { eos: V } : {}),
  };
}

/** The verifiable reward: 1 when the response equals the target exactly (SPEC 1.10), else 0. */
export function exactMatchReward(response: ArrayLike<number>, target: ArrayLike<number>): 0 | 1 {
  if (response.length !== target.length) return 0;
  for (let t = 0; t < target.length; t++) if (response[t] !== target[t]) return 0;
  return 1;
}
