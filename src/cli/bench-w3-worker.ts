/// <reference lib="webworker" />
/**
 * Worker side of `gradgap bench --workload W3` (bench-w3.ts): holds one chunk of W3's runs on the
 * transformer's CPU twin. 'prepare' gives each run its task set and θ0 and its supervised warm
 * start to J0 (untimed: the bench times GRPO only, as scripts/w3-torch.py does); each 'train'
 * starts every run again from its warm-started θ and runs the GRPO iterations, so every
 * repetition does the same work. Replies carry a SHA-256 of each run's final θ, so a test can see
 * that the pool computes what one thread computes.
 */
import { createHash } from 'node:crypto';
import { supervisedWarmStart, trainTransformerGrpo } from '../engine/index.ts';
import { F32, TransformerTwin, initialParameters, makeTaskSet, transformerModel, type TaskSet } from '../model/index.ts';
import { DEFAULT_RUN } from '../spec/index.ts';
import { w3Shape, type W3Workload } from './bench-w3-workload.ts';

export type W3Job =
  { id: number; kind: 'prepare'; workload: W3Workload; seed: number; begin: number; end: number } | { id: number; kind: 'train'; iterations: number };

export interface W3Reply {
  id: number;
  error?: string;
  sftSteps?: number[]; // prepare: Adam steps of each run's warm start
  sftReached?: number; // prepare: runs whose warm start reached J0
  digests?: string[]; // train: SHA-256 of each run's final θ
  finalJ?: number[]; // train: each run's exact training J at the end
}

interface Held {
  workload: W3Workload;
  seed: number;
  twin: TransformerTwin;
  runs: { run: number; set: TaskSet; theta: Float32Array }[];
}
let held: Held | null = null;

function prepare(job: Extract<W3Job, { kind: 'prepare' }>): W3Reply {
  const w = job.workload;
  const model = transformerModel(w3Shape(w), F32);
  const twin = new TransformerTwin(model);
  const runs: Held['runs'] = [];
  const sftSteps: number[] = [];
  let sftReached = 0;
  for (let run = job.begin; run < job.end; run++) {
    const set = makeTaskSet({ task: w.task, V: w.V, promptLength: w.promptLength, N: w.N, heldOutPrompts: 0 }, job.seed, run);
    const theta = initialParameters(model.layout, job.seed, run);
    const sft = supervisedWarmStart(twin, theta, set, w);
    sftSteps.push(sft.steps);
    if (sft.reached) sftReached++;
    runs.push({ run, set, theta });
  }
  held = { workload: w, seed: job.seed, twin, runs };
  return { id: job.id, sftSteps, sftReached };
}

function train(job: Extract<W3Job, { kind: 'train' }>): W3Reply {
  if (!held) throw new Error('W3 worker: train before prepare');
  const { workload: w, seed, twin } = held;
  const digests: string[] = [];
  const finalJ: number[] = [];
  for (const { run, set, theta: warm } of held.runs) {
    const theta = warm.slice();
    const out = trainTransformerGrpo(twin, theta, set, { ...DEFAULT_RUN, ...w, iterations: job.iterations, recordEvery: job.iterations, seed, run });
    digests.push(createHash('sha256').update(new Uint8Array(theta.buffer)).digest('hex'));
    finalJ.push(out.J[out.J.length - 1]);
  }
  return { id: job.id, digests, finalJ };
}

self.onmessage = (event: MessageEvent<W3Job>) => {
  const job = event.data;
  let reply: W3Reply;
  try {
    reply = job.kind === 'prepare' ? prepare(job) : train(job);
  } catch (error) {
    reply = { id: job.id, error: String((error as Error)?.message ?? error) };
  }
  (self as unknown as Worker).postMessage(reply);
};
