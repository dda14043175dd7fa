/**
 * Progress on stderr: a redrawn bar on a terminal, plain lines otherwise (CI logs, pipes), at
 * most one a second and always the last. stdout stays free for results (bench's JSON line).
 *
 * @example
 *   const bar = progressReporter();
 *   bar.update('sweep', 512, 2048);  // ▕██████░░░░░░░░░░░░░░░░░░▏ 25%  512/2048 runs  sweep
 *   bar.done('sweep: 2048 runs in 3.1 s (CPU twin, 8 threads)');
 */

export interface ProgressReporter {
  update(label: string, done: number, total: number): void;
  done(line: string): void; // ends the bar with a summary line
  note(line: string): void; // a line of its own
}

const WIDTH = 24;

export function progressReporter(stream: NodeJS.WriteStream = process.stderr, quiet = false): ProgressReporter {
  const tty = Boolean(stream.isTTY);
  let drawn = false;
  let lastLine = 0;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(label, done, total) {
      if (quiet) return;
      const share = total ? done / total : 1;
      const text = `${Math.floor(share * 100)}%  ${done}/${total} runs  ${label}`;
      if (tty) {
        const filled = Math.round(share * WIDTH);
        stream.write(`\r\x1b[2K▕${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}▏ ${text}`);
        drawn = true;
        return;
      }
      const now = Date.now();
      if (done < total && now - lastLine < 1000) return;
      lastLine = now;
      stream.write(`${label}: ${done}/${total} runs (${Math.floor(share * 100)}%)\n`);
    },
    done(line) {
      clear();
      if (!quiet) stream.write(`${line}\n`);
    },
    note(line) {
      clear();
      if (!quiet) stream.write(`${line}\n`);
    },
  };
}
