/**
 * Where a command writes: the process's streams from `bin/gradgap.mjs`, strings in the tests that
 * run the CLI in-process through `main` (bad-input-corpus.test.ts).
 */

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIO {
  stdout: TextSink;
  stderr: TextSink;
}

export const PROCESS_IO: CliIO = { stdout: process.stdout, stderr: process.stderr };
