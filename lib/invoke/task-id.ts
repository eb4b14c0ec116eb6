import { createHash } from 'node:crypto';
import { isValidSaeId } from '../ids.js';

/**
 * FC's rule for async task IDs, the same for FC 3.0 `x-fc-async-task-id` and FC 2.0
 * `X-Fc-Stateful-Async-Invocation-Id` (InvokeFunction API references, 2023-03-30 and 2016-08-15): starts
 * with a letter or `_`; then letters, digits, `_` and `-`; at most 128 characters.
 */
export const TASK_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
export const TASK_ID_MAX = 128;

/** The prefix of every task ID this project submits: makes them recognisable in the FC console. */
export const TASK_ID_PREFIX = 'sae-rollback-';

/** True when FC accepts `id` as an async task ID. */
export function isValidTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id);
}

/**
 * The task ID for rolling back one change order: `sae-rollback-<changeOrderId>`. Deterministic, so every
 * guard instance that decides to roll back the same change order submits the same ID and FC accepts only
 * the first. SAE IDs are 8–64 of `[A-Za-z0-9-]`, so the result (≤ 77 characters) always fits FC's rule.
 */
export function taskIdForChangeOrder(changeOrderId: string): string {
  if (!isValidSaeId(changeOrderId)) throw new TypeError('not a valid SAE change order ID');
  return `${TASK_ID_PREFIX}${changeOrderId}`;
}

/**
 * A task ID for any other key (e.g. `app-<appId>-<window>`): characters FC does not allow become `_`, and
 * a key too long keeps its head plus a hash of the whole, so distinct keys stay distinct.
 */
export function taskIdFor(key: string): string {
  const safe = `${TASK_ID_PREFIX}${key}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (safe.length <= TASK_ID_MAX) return safe;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${safe.slice(0, TASK_ID_MAX - hash.length - 1)}-${hash}`;
}
