/**
 * One JSON line per entry on stdout (what FC ships to SLS). A redaction pass runs on every entry:
 * fields whose names look secret are masked, and registered secret values are masked wherever they
 * appear, so no AccessKey secret, STS token or signature reaches the logs.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /secret|token|signature|password|authorization|credential/i;
const MASK = '[redacted]';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const secrets = new Set<string>();

/** Registers a value (e.g. the current STS token) that must never appear in any log line. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

/** `text` with every registered secret value masked. */
function maskText(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/**
 * Deep-copies `value` with registered secret values masked wherever they appear in a string — field
 * names are left alone. For what leaves the function besides logs (published outcomes, HTTP answers):
 * a configured token quoted inside an alarm must not be re-broadcast verbatim.
 */
export function maskSecrets<T>(value: T): T {
  if (secrets.size === 0) return value;
  const json = JSON.stringify(value);
  // The reviver runs for every node of every outcome; most hold no secret, and a secret in a string
  // shows in its JSON text as its JSON-escaped form, so those are copied without it.
  let found = false;
  for (const s of secrets) if (json.includes(JSON.stringify(s).slice(1, -1))) found = true;
  if (!found) return JSON.parse(json) as T;
  return JSON.parse(json, (_k, v: unknown) => (typeof v === 'string' ? maskText(v) : v)) as T;
}

/** Deep-copies `value` with secret-looking fields and registered secret values masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return redact(
      { name: value.name, message: value.message, code: (value as { code?: unknown }).code },
      depth + 1,
    );
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET_KEY.test(k) && v !== undefined ? MASK : redact(v, depth + 1),
    ]),
  );
}

let defaultSink = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * Where loggers built without `write` send their lines: stdout, as FC ships it to SLS. The CLI points it
 * at stderr, so its stdout stays the command's answer even for the functions it runs in-process.
 */
export function setDefaultLogSink(write: (line: string) => void): void {
  defaultSink = write;
}

export function createLogger(
  opts: { level?: LogLevel; write?: (line: string) => void; base?: Record<string, unknown> } = {},
): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => defaultSink(line));
  const log =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[level] < min) return;
      const entry = { time: new Date().toISOString(), level, msg, ...opts.base, ...fields };
      write(JSON.stringify(redact(entry)));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that keeps lines in memory: for tests and the demo's quiet mode. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level, write: (l) => lines.push(l) }), { lines });
}
