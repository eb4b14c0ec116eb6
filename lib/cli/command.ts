/** Where a command reads and writes: the real process, or buffers in tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<Buffer>;
  readStdin(): Promise<Buffer>;
  now(): number;
}

/** One `sae-rollback <name>` subcommand. Returns the process exit code. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text of the command. */
  help: string;
  run(args: string[], io: Io): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The command ran and the answer is "no" (e.g. `extract`: the event is not understood). */
  notUnderstood: 2,
  /** Wrong arguments (sysexits EX_USAGE). */
  usage: 64,
  /** The input file cannot be read (sysexits EX_NOINPUT). */
  noInput: 66,
} as const;
