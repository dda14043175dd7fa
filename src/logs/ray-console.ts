/**
 * A console log as Ray writes it: colour codes, and each worker's lines behind a prefix such as
 * `(TaskRunner pid=2345)` or `(main_task pid=1, ip=10.0.0.1)`, interleaved with the other
 * workers' lines and sometimes with one worker's line appended in the middle of another's.
 * `rayStreams` undoes that: ANSI stripped, each line cut at every prefix, and the pieces joined
 * per process id, so a config dump printed by one process reads as it was printed.
 */

/** ANSI escape sequences (colours, cursor moves): CSI … final byte, and OSC … BEL. */
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]/g;
/** A Ray prefix anywhere in a line; `pid=` is what identifies the process. */
const RAY_PREFIX = /\(([\w.-]+) pid=(\d+)(?:, ip=[\d.]+)?\) ?/g;

/** One printed line of one process. */
export interface StreamLine {
  text: string; // without the prefix or colour codes
  line: number; // 1-based line in the file where it starts
}

/** Strips ANSI colour and cursor codes. */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

/**
 * The file's lines grouped by the process that printed them (key `pid=N`; '' for lines with no
 * prefix: the driver), in file order within each. A prefix in the middle of a line starts a new
 * piece for that process. One pass: linear in the text.
 *
 * @example
 *   rayStreams('(main_task pid=7) a\n(WorkerDict pid=9) b\n').get('pid=7'); // [{ text: 'a', line: 1 }]
 */
export function rayStreams(text: string): Map<string, StreamLine[]> {
  const streams = new Map<string, StreamLine[]>();
  const push = (key: string, piece: string, line: number) => {
    let list = streams.get(key);
    if (!list) streams.set(key, (list = []));
    list.push({ text: piece, line });
  };
  let lineNo = 0;
  let from = 0;
  while (from <= text.length) {
    let end = text.indexOf('\n', from);
    if (end === -1) end = text.length;
    const raw = stripAnsi(text.slice(from, end > from && text.charCodeAt(end - 1) === 13 ? end - 1 : end));
    from = end + 1;
    lineNo++;
    let key = '';
    let at = 0;
    RAY_PREFIX.lastIndex = 0;
    for (let m = RAY_PREFIX.exec(raw); m !== null; m = RAY_PREFIX.exec(raw)) {
      if (m.index > at) push(key, raw.slice(at, m.index), lineNo);
      key = `pid=${m[2]}`;
      at = m.index + m[0].length;
    }
    push(key, raw.slice(at), lineNo);
  }
  return streams;
}
