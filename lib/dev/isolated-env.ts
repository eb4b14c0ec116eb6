/**
 * `npm start` must not be steered by the shell it runs in: the README's Deploy section has the operator
 * `export` IDEMPOTENCY_STORE, REDIS_URL, POLICY_*, DRY_RUN…, and a demo that read them would write demo
 * keys into a production Redis, refuse its own app, or answer from the previous run's claims. This
 * strips every variable the functions (or the credential chain, or the FC invoker) read, so the demo's
 * own fixed configuration is the only one.
 */
import { configSchema } from '../config.js';

/** Prefixes of variables read outside the config schema (credential chain, FC, invoker, test Redis). */
const READ_ELSEWHERE = /^(ALIBABA_CLOUD_|ALICLOUD_|INVOKE_|FC_|TEST_REDIS)/;

const CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.shape));

/** Whether `name` is a variable sae-rollback reads (so a demo must not inherit it). */
export function isSaeRollbackVariable(name: string): boolean {
  return CONFIG_KEYS.has(name) || READ_ELSEWHERE.test(name);
}

/**
 * Deletes every sae-rollback variable from `env`, then sets `fixed`. Returns the names removed (never
 * values: some are secrets), sorted, so the caller can say what it ignored.
 */
export function isolateEnvironment(
  env: Record<string, string | undefined>,
  fixed: Record<string, string>,
): string[] {
  const removed = Object.keys(env)
    .filter((k) => isSaeRollbackVariable(k) && env[k] !== undefined && env[k] !== '')
    .sort();
  for (const k of Object.keys(env)) if (isSaeRollbackVariable(k)) delete env[k];
  Object.assign(env, fixed);
  return removed;
}

/** The one line the demo prints about it. */
export function isolationLine(removed: readonly string[]): string {
  if (removed.length === 0)
    return 'Isolated: fixed demo configuration (emulators, in-memory store); no sae-rollback variables in this shell.';
  const shown = removed.slice(0, 6).join(', ');
  const more = removed.length > 6 ? ` and ${removed.length - 6} more` : '';
  return `Isolated: fixed demo configuration (emulators, in-memory store); ignoring ${removed.length} variable(s) from this shell (${shown}${more}).`;
}
