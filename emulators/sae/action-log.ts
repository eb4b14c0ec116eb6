/**
 * A record, across the whole test run, of which SAE actions were requested of any SAE emulator in any
 * process. When `SAE_EMULATOR_ACTION_LOG_DIR` is set (vitest's globalSetup sets it; test files run in
 * separate workers), each request shape this process has not seen yet is appended to
 * `<dir>/<pid>.jsonl`; the globalSetup's teardown reads every file and fails the run if the function
 * asked SAE for anything outside its list. Unset (npm start, the soak): nothing is written.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallRecord } from './types.js';

export const ACTION_LOG_DIR_ENV = 'SAE_EMULATOR_ACTION_LOG_DIR';

/** One request shape. `sdk`: sent by the Alibaba Cloud SDK (what the function uses), not a raw test client. */
export interface ActionLogEntry {
  action: string;
  method: string;
  path: string;
  sdk: boolean;
}

const seen = new Set<string>();

export function logRequestedAction(call: CallRecord, userAgent: string | undefined): void {
  const dir = process.env[ACTION_LOG_DIR_ENV];
  if (!dir) return;
  const entry: ActionLogEntry = {
    action: call.action,
    method: call.method,
    path: call.path,
    sdk: /AlibabaCloud|TeaDSL/.test(userAgent ?? ''),
  };
  const line = JSON.stringify(entry);
  if (seen.has(line)) return;
  seen.add(line);
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${line}\n`);
}
