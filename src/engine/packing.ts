/**
 * The f32/u32 form of an instance that both the kernel and the CPU twin consume, and the integer
 * codes of the enum-valued run parameters (shared with shaders/sequence.wgsl).
 */
import type { Instance } from '../model/index.ts';
import type { Advantage, Aggregation, ExactDirection } from '../spec/index.ts';

export interface PackedInstance {
  P: number;
  K: number;
  d: number;
  L: number;
  start: number;
  prompts: number; // token family: N prompts, prompt q starting at token q (SPEC 1.8); 1 for bandits (their prompts are the P rows)
  phi: Float32Array; // Φ[P][K][d], rounded to f32
  rewardKind: number; // 0 table, 1 exact-match, 2 final-answer
  rewardData: Uint32Array; // R[P][K] (table) or the targets, [N][targetLength]: y*_1..y*_L (with EOS y*_1..y*_{L*}, ending with EOS)
  eos: number; // the EOS token, or NO_EOS: every response has length L (SPEC 1.7)
  targetLength: number; // tokens of the target: L, or L* with EOS
}

/** The `eos` of an instance without a stop token (u32 max: never a token). */
export const NO_EOS = 0xffffffff;

export const REWARD_CODE = { table: 0, 'exact-match': 1, 'final-answer': 2 } as const;
export const ADVANTAGE_CODE: Record<Advantage, number> = { none: 0, mean: 1, 'group-std': 2, 'batch-std': 3, rloo: 4, oracle: 5 };
export const AGGREGATION_CODE: Record<Aggregation, number> = { 'seq-sum': 0, 'seq-mean-token-mean': 1, 'token-mean': 2, constant: 3, 'constant-no-batch': 4 };
export const EXACT_DIRECTION_CODE: Record<ExactDirection, number> = { gradient: 0, gap: 1, 'expected-update': 2 };

export function packInstance(inst: Instance): PackedInstance {
  return {
    P: inst.P,
    K: inst.K,
    d: inst.d,
    L: inst.L,
    start: inst.start,
    prompts: inst.reward === 'table' ? 1 : inst.starts.length,
    phi: Float32Array.from(inst.phi),
    rewardKind: REWARD_CODE[inst.reward],
    rewardData: inst.reward === 'table' ? Uint32Array.from(inst.rewardTable) : Uint32Array.from(inst.targets),
    eos: inst.eos >= 0 ? inst.eos : NO_EOS,
    targetLength: inst.reward === 'table' ? 1 : inst.target.length,
  };
}
