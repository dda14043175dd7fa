/**
 * `gradgap run` on logs as people have them: TensorBoard event files (binary) and a W&B panel
 * export, a learning rate from an attached YAML config and one stated in the cell; it prints the
 * critical learning rate with its interval and copies the event files byte for byte.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventFileBytes } from '../logs/tfevents-writer.ts';
import { gradgap, tempDir } from './cli-harness.ts';

const LOGS = {
  files: ['data/lr-1e-6/events.out.tfevents.1717000000.node-1.11.0', 'data/lr-1e-5/events.out.tfevents.1717000000.node-1.12.0'],
  fileSettings: {
    'data/lr-1e-6/events.out.tfevents.1717000000.node-1.11.0': { config: 'data/lr-1e-6/config.yaml' },
    'data/lr-1e-5/events.out.tfevents.1717000000.node-1.12.0': { learningRate: 1e-5 },
  },
  metric: 'train/reward',
};
const NOTEBOOK = `<!doctype html>
<notebook theme="air" version="1">
  <title>Logs formats</title>
  <script id="runs" type="application/vnd.gradgap.logs+json">
    ${JSON.stringify(LOGS)}
  </script>
</notebook>
`;

describe('gradgap run on TensorBoard event files with a config file and a stated learning rate', () => {
  it('prints the critical learning rate with its interval and copies the event files as bytes', async () => {
    const dir = tempDir();
    const slow = eventFileBytes([0, 10, 20], [0.25, 0.5, 0.75]); // no learning rate logged: from the config file
    const fast = eventFileBytes([0, 10, 20], [0.25, 0.125, 0], 5e-6); // logged 5e-6, stated 1e-5 in the cell
    mkdirSync(join(dir, 'data/lr-1e-6'), { recursive: true });
    mkdirSync(join(dir, 'data/lr-1e-5'), { recursive: true });
    writeFileSync(join(dir, LOGS.files[0]), slow);
    writeFileSync(join(dir, LOGS.files[1]), fast);
    writeFileSync(join(dir, 'data/lr-1e-6/config.yaml'), 'actor_rollout_ref:\n  actor:\n    optim:\n      lr: 1e-6 # peak\n');
    writeFileSync(join(dir, 'nb.html'), NOTEBOOK);
    const out = join(dir, 'out');
    const run = await gradgap(['run', join(dir, 'nb.html'), '--out', out, '--backend', 'cpu', '--quiet']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^logs "runs": train\/reward over 2 run\(s\): real critical learning rate 1e-5 \(between 1e-6 and 1e-5\)$/m);
    expect(run.stdout).toMatch(
      /^ {2}lr-1e-6: learning rate 0\.000001 \(the config file data\/lr-1e-6\/config\.yaml \(actor_rollout_ref\.actor\.optim\.lr\)\); converged/m,
    );
    expect(run.stdout).toMatch(/^ {2}lr-1e-5: learning rate 0\.00001 \(the logs cell \(fileSettings\[".*"\]\.learningRate\)\); collapsed/m);
    expect(readFileSync(join(out, LOGS.files[0]))).toEqual(Buffer.from(slow));
    expect(readFileSync(join(out, LOGS.files[1]))).toEqual(Buffer.from(fast));
    expect(readFileSync(join(out, 'data/lr-1e-6/config.yaml'), 'utf8')).toContain('lr: 1e-6');
    const summary = readFileSync(join(out, 'logs/runs.summary.csv'), 'utf8').trim().split('\n');
    expect(summary[2]).toMatch(/,0\.00001,0\.000001,0\.00001,1e-5 \(between 1e-6 and 1e-5\)$/);
  }, 300_000);
});
