import type { Store } from '../idempotency/store.js';
import type { BakeWindow } from './bake-window.js';
import { type Ctx, type Decision, fresh } from './context.js';
import type { Outcome, OutcomeKind } from './outcome.js';
import { clearPending } from './pending.js';
import { noted } from './records.js';

export interface RecordOptions {
  store: Store;
  bake: BakeWindow;
  retentionMs: number;
  failureRetentionMs: number;
  defaultClaimMs: number;
}

/** Outcomes kept as long as a done rollback; the rest (failures) only FAILURE_TTL_SECONDS. */
const KEPT: ReadonlySet<OutcomeKind> = new Set([
  'aborted',
  'already-finished',
  'rolled-back-application',
  'dry-run',
  'awaiting-approval',
]);

/**
 * The record step, on the claimed change order: a retryable failure gives the claim back (published
 * unless nothing happened for want of a budget token); a decision that did nothing is kept under its
 * condition (never the change order alone); anything else completes the claim with the outcome.
 */
export async function recordOutcome(
  o: RecordOptions,
  x: Ctx,
  changeOrderId: string,
  key: string,
  token: string,
  outcome: Outcome,
): Promise<Decision> {
  try {
    if (outcome.outcome === 'failed-retryable') {
      await o.store.release(key, token);
      // Nothing happened for want of a budget token: not published (a storm would repeat it every
      // delivery); the redelivery — or the orphan sweep, whose journal keeps the request — says what did.
      const starved = outcome.sae.at(-1)?.errorCode === 'Budget.Exhausted';
      return starved ? { outcome, retry: true } : fresh(outcome);
    }
    if (x.note) {
      await o.store.release(key, token);
      await clearPending(o.store, changeOrderId);
      return await noted(o.store, o.defaultClaimMs, x, x.note.key, outcome, x.note.ttlMs);
    }
    // Dry-run records have keys of their own: they last as long as the mode (and a real one).
    const ttl = KEPT.has(outcome.outcome) ? o.retentionMs : o.failureRetentionMs;
    if (x.started) await o.bake.rememberStarted(x.started, outcome);
    // The journal entry stays until the outcome is published (lib/rollback/process.ts).
    const stored = await o.store.complete(key, token, outcome, ttl);
    // If our claim expired meanwhile, someone else may store their own outcome; ours is still true.
    return stored ? { outcome, publish: outcome, storeKey: key } : fresh(outcome);
  } catch {
    // What was done is done and true: report it. The claim expires, and a redelivery after that
    // finds the change order finished, never aborting twice.
    return fresh(outcome);
  }
}
