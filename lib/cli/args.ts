import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Command, EXIT, type Io } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` with `-h/--help` built in and usage errors turned into a one-line message. */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  io: Io,
  help: string,
):
  | {
      ok: true;
      values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
      positionals: string[];
    }
  | { ok: false; code: number } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if ((parsed.values as { help?: boolean }).help) {
      io.stdout(`${help}\n`);
      return { ok: false, code: EXIT.ok };
    }
    return { ok: true, values: parsed.values as never, positionals: parsed.positionals };
  } catch (err) {
    return usageError(command, io, (err as Error).message);
  }
}

/** Prints `sae-rollback <command>: <message>; see --help` and answers EXIT.usage. */
export function usageError(command: string, io: Io, message: string): { ok: false; code: number } {
  io.stderr(`sae-rollback ${command}: ${message.replace(/\.$/, '')}; see --help\n`);
  return { ok: false, code: EXIT.usage };
}

/** What {@link parseCommandArgs} answers when the arguments are good. */
export type ParsedArgs<O extends Options> = Extract<ReturnType<typeof parseCommandArgs<O>>, { ok: true }>;

/**
 * A {@link Command} whose arguments are parsed with `options` (plus `-h/--help`) before `run` sees them;
 * `--help` and usage errors answer without calling `run`.
 */
export function commandWithOptions<O extends Options>(spec: {
  name: string;
  summary: string;
  help: string;
  options: O;
  run(parsed: ParsedArgs<O>, io: Io): Promise<number>;
}): Command {
  const { name, summary, help, options } = spec;
  return {
    name,
    summary,
    help,
    async run(args, io) {
      const p = parseCommandArgs(name, args, options, io, help);
      return p.ok ? spec.run(p, io) : p.code;
    },
  };
}
