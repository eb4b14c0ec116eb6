import { readdirSync } from 'node:fs';
import type { DevFunction, FcHandler } from './dev-function.js';

export type { FcHandler } from './dev-function.js';

const FUNCTIONS_DIR = new URL('../../functions/', import.meta.url);

/**
 * Functions with an HTTP trigger in s.yaml (their event is the FC 3.0 HTTP-trigger JSON); every other
 * function is an event function. test/cli/dev.test.ts checks this against s.yaml.
 */
export const HTTP_FUNCTIONS: ReadonlySet<string> = new Set(['alarm']);

/** The deployable functions: one per `functions/<name>.ts`. */
export function listFunctions(): string[] {
  return readdirSync(FUNCTIONS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Imports `functions/<name>.ts` and returns its `handler`. The module builds its runtime from
 * `process.env` at import, as on an FC cold start, so set the environment first.
 */
export async function loadHandler(name: string): Promise<FcHandler> {
  if (!listFunctions().includes(name)) throw new RangeError(`no function named ${JSON.stringify(name)}`);
  const mod = (await import(new URL(`${name}.ts`, FUNCTIONS_DIR).href)) as { handler?: unknown };
  if (typeof mod.handler !== 'function') throw new TypeError(`functions/${name}.ts exports no handler`);
  return mod.handler as FcHandler;
}

/** Every function with its kind, loaded for the dev server (set the environment first). */
export async function loadDevFunctions(): Promise<DevFunction[]> {
  const functions: DevFunction[] = [];
  // The FC function timeout the fake context carries (default 30 s, as in s.yaml); the reliability
  // harness shortens it so a dead holder's claim (timeout + 1 s) expires sooner.
  const timeout = Number(process.env.DEV_FUNCTION_TIMEOUT_SECONDS);
  for (const name of listFunctions()) {
    functions.push({
      name,
      functionName: `sae-rollback-${name}`,
      kind: HTTP_FUNCTIONS.has(name) ? 'http' : 'event',
      handler: await loadHandler(name),
      ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutSeconds: timeout } : {}),
    });
  }
  return functions;
}
