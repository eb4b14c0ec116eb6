/** Where a command reads and writes: the real process, or buffers in tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<Buffer>;
  readStdin(): Promise<Buffer>;
  now(): number;
  /** The environment the command reads its configuration from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Resolves when the operator asks a long-running command (`dev`) to stop (Ctrl-C, SIGTERM). */
  untilStopped?(): Promise<void>;
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

/** Exit codes shared by every command (64 and up follow BSD sysexits). */
export const EXIT = {
  ok: 0,
  /** The command ran and what it asked for failed for good (abort refused by SAE, a function threw). */
  failed: 1,
  /** The command ran and the answer is "no" (e.g. `extract`: the event is not understood). */
  notUnderstood: 2,
  /** `abort`: there was nothing to abort (already finished, no running change order, suppressed, refused). */
  nothingToDo: 3,
  /** Wrong arguments (sysexits EX_USAGE). */
  usage: 64,
  /** The input file cannot be read (sysexits EX_NOINPUT). */
  noInput: 66,
  /** A port or service needed is not available (sysexits EX_UNAVAILABLE), e.g. `dev`'s port is taken. */
  unavailable: 69,
  /** A temporary failure: throttled, a network error, a 5xx; try again (sysexits EX_TEMPFAIL). */
  tempFail: 75,
  /** The environment's configuration is invalid (sysexits EX_CONFIG); the message names the variable. */
  config: 78,
} as const;
