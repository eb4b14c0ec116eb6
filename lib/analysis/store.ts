/**
 * Each query's measurements of one release, in the shared store (so every guard instance counts the
 * same streak): keyed by app, change order and query name.
 */
import { z } from 'zod';
import type { SharedState } from '../idempotency/store.js';

const DAY_MS = 86_400_000;
/** Measurements kept for the outcome (the streak that crossed the limit, newest last). */
const KEEP = 10;

const stateSchema = z.object({
  /** Consecutive failed measurements. */
  failures: z.number(),
  /** When the current streak's first failure was measured. */
  firstFailureAt: z.number().optional(),
  /** When `failures` first reached the limit: the finding's `firedAt`, kept so repeats are one piece of evidence. */
  limitAt: z.number().optional(),
  lastAt: z.number(),
  values: z.array(z.union([z.number(), z.null()])),
});
export type MeasurementState = z.infer<typeof stateSchema>;

export function measurementKey(appId: string, changeOrderId: string, query: string): string {
  return `sae-rollback:analysis:${appId}:${changeOrderId}:${query}`;
}

export async function readState(store: SharedState, key: string): Promise<MeasurementState | undefined> {
  const raw = await store.getValue(key);
  if (raw === undefined) return undefined;
  try {
    return stateSchema.parse(JSON.parse(raw));
  } catch {
    return undefined; // a damaged entry starts the count again: never an abort from it
  }
}

/** The state after one more measurement; `failed` undefined: inconclusive (the streak is left as it is). */
export function nextState(
  prev: MeasurementState | undefined,
  failed: boolean | undefined,
  value: number | undefined,
  now: number,
  failureLimit: number,
): MeasurementState {
  const values = [...(prev?.values ?? []), value ?? null].slice(-KEEP);
  if (failed === undefined) return { ...(prev ?? { failures: 0, values: [] }), lastAt: now, values };
  if (!failed) return { failures: 0, lastAt: now, values };
  const failures = (prev?.failures ?? 0) + 1;
  const firstFailureAt = prev?.failures ? (prev.firstFailureAt ?? now) : now;
  const limitAt = prev?.limitAt ?? (failures >= failureLimit ? now : undefined);
  return {
    failures,
    firstFailureAt,
    lastAt: now,
    values,
    ...(limitAt !== undefined ? { limitAt } : {}),
  };
}

export async function writeState(store: SharedState, key: string, s: MeasurementState): Promise<void> {
  await store.putValue(key, JSON.stringify(s), DAY_MS);
}
