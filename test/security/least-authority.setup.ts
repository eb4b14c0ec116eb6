/**
 * vitest globalSetup: least authority over the whole suite. Test files run in separate workers, so
 * each SAE emulator appends the request shapes it saw to a file in a directory created here (see
 * emulators/sae/action-log.ts); the teardown reads them all and fails the run (exit code 1) if the
 * function — anything calling through the Alibaba Cloud SDK — asked SAE for an action outside its list.
 * Raw requests from emulator tests (deliberately invalid actions) are reported, not failed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_LOG_DIR_ENV, type ActionLogEntry } from '../../emulators/sae/action-log.js';
import { SAE_APP_ACTIONS } from '../../lib/sae/app-types.js';
import { SAE_ACTIONS } from '../../lib/sae/types.js';

/** What the function may call on SAE: the change-order API and the guard's app API (ram-policy.json). */
export const ALLOWED_SAE_ACTIONS: ReadonlySet<string> = new Set<string>([...SAE_ACTIONS, ...SAE_APP_ACTIONS]);

let dir: string | undefined;

export function setup(): void {
  dir = mkdtempSync(join(tmpdir(), 'sae-rollback-actions-'));
  process.env[ACTION_LOG_DIR_ENV] = dir;
}

/** Every request shape logged in this run, from every worker. */
export function readActionLog(from: string): ActionLogEntry[] {
  return readdirSync(from)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(from, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ActionLogEntry);
}

export function teardown(): void {
  if (!dir) return;
  const entries = readActionLog(dir);
  rmSync(dir, { recursive: true, force: true });
  const sdk = entries.filter((e) => e.sdk);
  const outside = sdk.filter((e) => !ALLOWED_SAE_ACTIONS.has(e.action));
  const actions = [...new Set(sdk.map((e) => e.action))].sort();
  if (outside.length > 0) {
    console.error(
      `\nLEAST AUTHORITY VIOLATED: the function called SAE actions outside its list (${[...ALLOWED_SAE_ACTIONS].join(', ')}):\n${outside
        .map((e) => `  ${e.method} ${e.path} (${e.action || 'no action'})`)
        .join('\n')}\n`,
    );
    process.exitCode = 1;
    return;
  }
  if (actions.length > 0) {
    console.log(
      `least authority: over the whole suite the function called SAE for ${actions.join(', ')} only.`,
    );
  }
}
