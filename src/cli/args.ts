/**
 * Command-line parsing: a command, positional arguments and `--flag value` options, checked
 * against what the command accepts. Anything unknown is an InputError (exit 2).
 *
 * @example
 *   parseArgs(['run', 'nb.html', '--out', 'out', '--host=dawn'], COMMANDS)
 *   // → { command: 'run', positional: ['nb.html'], flags: { out: 'out', host: 'dawn' } }
 */
import { InputError } from './cli-error.ts';

export interface CommandShape {
  positional: { min: number; max: number; name: string }; // e.g. NOTEBOOK, DIR…
  flags: Record<string, readonly string[] | 'value' | 'boolean'>; // allowed values, any value, or a switch
  required?: readonly string[];
  hints?: Record<string, string>; // what a 'value' flag takes, for the message when it is missing
}

export interface ParsedArgs {
  command: string;
  positional: string[];
  flags: Record<string, string | true>;
}

export function parseArgs(argv: readonly string[], commands: Record<string, CommandShape>): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command) throw new InputError(`no command given; commands: ${Object.keys(commands).join(', ')} (try gradgap --help)`);
  const shape = commands[command];
  if (!shape) throw new InputError(`unknown command "${command}"; commands: ${Object.keys(commands).join(', ')}`);
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const allowed = shape.flags[name];
    if (!allowed) {
      const known =
        Object.keys(shape.flags)
          .map((f) => `--${f}`)
          .join(', ') || 'none';
      throw new InputError(`unknown flag --${name} for "${command}"; its flags: ${known}`);
    }
    if (name in flags) throw new InputError(`--${name} given twice`);
    if (allowed === 'boolean') {
      if (eq >= 0) throw new InputError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const what = Array.isArray(allowed) ? `: one of ${allowed.join(', ')}` : shape.hints?.[name] ? `: ${shape.hints[name]}` : '';
    // `--out --quiet` is a missing value, not a folder named --quiet (--out=--x still names one).
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[i + 1]?.startsWith('--') ? undefined : rest[++i];
    if (value === undefined || value === '') throw new InputError(`--${name} needs a value${what}`);
    if (Array.isArray(allowed) && !allowed.includes(value)) {
      throw new InputError(`--${name} ${value}: must be one of ${allowed.join(', ')}`);
    }
    flags[name] = value;
  }
  const { min, max, name } = shape.positional;
  if (positional.length < min) throw new InputError(`"${command}" needs ${name}`);
  if (positional.length > max)
    throw new InputError(`"${command}" takes ${max === 1 ? `one ${name}` : `at most ${max} arguments`}; got ${positional.length}: ${positional.join(' ')}`);
  for (const flag of shape.required ?? []) {
    if (!(flag in flags)) throw new InputError(`"${command}" needs --${flag}`);
  }
  return { command, positional, flags };
}
