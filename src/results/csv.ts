/**
 * A text field of a CSV file, as every CSV gradgap writes takes it: quoted when it holds a quote,
 * comma or line break, and, when it starts with = + - @ or a tab or carriage return and is not a
 * number, led by an apostrophe, so a spreadsheet shows it rather than running it as a formula (a
 * run label "=HYPERLINK(…)" from a downloaded log). Numbers are written by their callers, never here,
 * so a negative number stays a number.
 *
 * @example
 *   csvText('=1+1');  // "'=1+1"
 *   csvText('-0.5');  // "-0.5"
 *   csvText('a,b');   // '"a,b"'
 */
export function csvText(text: string): string {
  const formula = /^[=+\-@\t\r]/.test(text) && !(text.trim() !== '' && Number.isFinite(Number(text)));
  const s = formula ? `'${text}` : text;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
