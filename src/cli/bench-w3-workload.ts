/**
 * W3 of issue 22 (SPEC 1.10): a tiny transformer per run trained by GRPO. One definition,
 * scripts/w3-workload.json, read by `gradgap bench --workload W3`, scripts/w3-twin.ts and
 * scripts/w3-torch.py, so every engine times the same workload.
 */
import { readFileSync } from 'node:fs';
import type { TransformerShape } from '../model/index.ts';
import { taskResponseLength, type TransformerTask } from '../spec/index.ts';

export interface W3Workload {
  V: number;
  d: number;
  layers: number;
  heads: number;
  task: TransformerTask;
  promptLength: number;
  N: number;
  B: number;
  G: number;
  runs: number;
  J0: number;
  sftLearningRate: number;
  sftMaxSteps: number;
  iterations: number;
  stepSize: number;
  advantage: 'group-std';
  epsilon: number;
  aggregation: 'seq-sum';
  optimizer: 'sgd';
}

export const W3_WORKLOAD_FILE = new URL('../../scripts/w3-workload.json', import.meta.url);

export function readW3Workload(): W3Workload {
  const { about: _about, ...w } = JSON.parse(readFileSync(W3_WORKLOAD_FILE, 'utf8')) as W3Workload & { about: string };
  return w;
}

/** The model's shape: T = prompt + response length. */
export function w3Shape(w: W3Workload): TransformerShape {
  return { V: w.V, d: w.d, T: w.promptLength + taskResponseLength(w.task, w.promptLength), layers: w.layers, heads: w.heads };
}

/** Sampled response tokens per run-step: B prompts × G responses × m tokens (SFT's teacher-forced tokens are not counted). */
export function w3TokensPerRunStep(w: W3Workload): number {
  return w.B * w.G * taskResponseLength(w.task, w.promptLength);
}
