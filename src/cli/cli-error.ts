/**
 * The CLI's two kinds of failure and their exit codes: bad input (2) is found before anything
 * runs; a run failure (1) happens while running. main.ts prints the message as one line.
 */

export const EXIT_OK = 0;
export const EXIT_RUN_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** A missing or unreadable notebook, an invalid spec, an unknown flag, a bad --shard, an unwritable --out. */
export class InputError extends Error {
  readonly exitCode = EXIT_BAD_INPUT;
  override name = 'InputError';
}

/** The run itself failed: device lost, engine error, a verify mismatch is reported separately. */
export class RunError extends Error {
  readonly exitCode = EXIT_RUN_FAILURE;
  override name = 'RunError';
}

/**
 * One line for stderr: newlines folded, so scripts can grep the reason; any other control
 * character escaped (a message that quotes a file cannot move the cursor or colour the terminal).
 */
export function oneLine(message: string): string {
  return (
    message
      .replace(/\s*\n\s*/g, '; ')
      // eslint-disable-next-line no-control-regex -- control characters are what this escapes (or refuses)
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .trim()
  );
}
