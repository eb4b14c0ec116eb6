import { authFromEnvironment, type DevEmulators, emulatorEnv } from '../dev/emulators-file.js';
import { loadDevFunctions } from '../dev/functions.js';
import { startDevServer } from '../dev/server.js';
import { shareMemoryStateAcrossRuntimes } from '../runtime.js';
import type { Io } from './command.js';
import { devBanner } from './dev-banner.js';

export interface ServeFunctionsOptions {
  port: number;
  json: boolean;
  /** `--functions-only --emulators <file>`: the file's name; undefined when `dev` started the emulators. */
  file?: string;
}

export interface ServedFunctions {
  close(): Promise<void>;
  /** The alarm function's token, if it takes one. */
  token?: string;
  urls: Readonly<Record<string, string>>;
}

/**
 * The function half of `sae-rollback dev`: sets the environment the functions read at import (as on an
 * FC cold start) to point at `emulators`, loads every function, serves them, and prints the URLs.
 * Returns the server's `close`.
 */
export async function serveFunctions(
  emulators: DevEmulators,
  opts: ServeFunctionsOptions,
  io: Io,
): Promise<ServedFunctions> {
  const env = io.env ?? process.env;
  const split = opts.file !== undefined;
  // Every function process of the run takes the run's one token — secure by default wants a credential,
  // and `dev` must work out of the box — unless the operator configured auth, which then decides (open,
  // tokens, HMAC; the sample curl then shows the first configured token, if any).
  const fromEnv = authFromEnvironment(env);
  const token = fromEnv ? env.ALARM_AUTH_TOKENS?.split(',')[0]?.trim() || undefined : emulators.alarmToken;
  Object.assign(process.env, {
    ...emulatorEnv(emulators),
    WATCH_APP_IDS: env.WATCH_APP_IDS ?? emulators.appId,
    IDEMPOTENCY_STORE: env.IDEMPOTENCY_STORE ?? 'memory',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    ...(!fromEnv && token ? { ALARM_AUTH_TOKENS: token } : {}),
  });
  const store = process.env.IDEMPOTENCY_STORE ?? 'memory';
  if (split && store !== 'redis')
    io.stderr(
      'sae-rollback dev: IDEMPOTENCY_STORE=memory — this process dedupes alone; set IDEMPOTENCY_STORE=redis and REDIS_URL to share claims with other function processes\n',
    );
  // One process serves every function: with the memory store they share it, as a deployment shares Redis.
  shareMemoryStateAcrossRuntimes();
  const server = await startDevServer({
    functions: await loadDevFunctions(),
    port: opts.port,
    credentials: emulators.credentials,
    onRequest: (r) =>
      io.stderr(`${r.method} ${r.path} → ${r.status}${r.errorType ? ` (${r.errorType})` : ''} ${r.ms} ms\n`),
  });
  const info = {
    functions: server.urls,
    emulators: emulators.emulators,
    appId: emulators.appId,
    changeOrderId: emulators.changeOrderId,
    ...(token ? { alarmToken: token } : {}),
    ...(split ? { alarmAuth: fromEnv ? 'environment' : { token }, store } : {}),
  };
  const title = split
    ? `sae-rollback dev --functions-only — functions served like FC against ${opts.file} (Ctrl-C stops)`
    : 'sae-rollback dev — functions served like FC, emulators on 127.0.0.1 (Ctrl-C stops)';
  io.stdout(opts.json ? `${JSON.stringify(info)}\n` : devBanner(title, info));
  return { close: () => server.close(), ...(token ? { token } : {}), urls: server.urls };
}
