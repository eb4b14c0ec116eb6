import { type Config, ConfigError, loadConfig } from '../config.js';
import { InvokerConfigError, type InvokerSettings, loadInvokerSettings } from '../invoke/config.js';
import { createLogger, type Logger } from '../log.js';
import { saeClientFrom } from '../sae/from-config.js';
import { EXIT, type Io } from './command.js';

/** The environment a command reads (the functions' variables, see README "Configuration"). */
export function envOf(io: Io): Record<string, string | undefined> {
  return io.env ?? process.env;
}

/** Audit lines go to stderr so stdout stays the command's answer (pipe it to jq). */
export function stderrLogger(io: Io, level: Config['logLevel'] = 'warn'): Logger {
  return createLogger({ level, write: (line) => io.stderr(`${line}\n`) });
}

/** The functions' configuration, from the same variables; a bad one prints the problem and exits 78. */
export function cliConfig(
  command: string,
  io: Io,
  extra: Record<string, string> = {},
): { ok: true; config: Config } | { ok: false; code: number } {
  try {
    return { ok: true, config: loadConfig({ ...envOf(io), ...extra }) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`sae-rollback ${command}: ${err.message}\n`);
    return { ok: false, code: EXIT.config };
  }
}

/** The FC invoker settings (INVOKE_*); a bad one prints the problem and exits 78. */
export function cliInvokerSettings(
  command: string,
  io: Io,
): { ok: true; settings: InvokerSettings } | { ok: false; code: number } {
  try {
    return { ok: true, settings: loadInvokerSettings(envOf(io)) };
  } catch (err) {
    if (!(err instanceof InvokerConfigError)) throw err;
    io.stderr(`sae-rollback ${command}: ${err.message}\n`);
    return { ok: false, code: EXIT.config };
  }
}

/** One line for an error, without a stack; SaeError/InvokeError messages never hold credentials. */
export function errorLine(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.message}${typeof code === 'string' && !err.message.includes(code) ? ` (${code})` : ''}`;
  }
  return String(err);
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
};

/** Why a file could not be read, in words ("no such file"), not errno codes (ENOENT). */
export function fileErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code && FILE_ERRORS[code]) ?? (err instanceof Error ? err.message : String(err));
}

/** The SAE client a CLI command uses: the configuration's endpoint and timeouts, these credentials. */
export const cliSaeClient = saeClientFrom;
