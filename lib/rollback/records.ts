import { createHash } from 'node:crypto';
import { type CompletedRecord, changeOrderKey, type Store } from '../idempotency/store.js';
import { type Ctx, type Decision, fresh } from './context.js';
import type { Draft } from './drafts.js';
import type { Outcome, OutcomeKind, SaeTrace } from './outcome.js';
import type { InvocationInfo, RollbackRequest } from './types.js';

/** What every outcome of one core carries besides the draft: the mode and the time it was decided. */
export interface Stamp {
  dryRun: boolean;
  now: number;
}

/** The one record of a decision: the draft with the request's alarm, the SAE trace and a stable ID. */
export function buildOutcome(
  req: RollbackRequest,
  inv: InvocationInfo,
  trace: SaeTrace[],
  d: Draft,
  stamp: Stamp,
): Outcome {
  const target = d.changeOrderId ?? req.changeOrderId ?? `app:${req.appId ?? '-'}`;
  const kind: OutcomeKind = d.outcome;
  const idSeed = d.changeOrderId
    ? `${d.changeOrderId}:${kind}`
    : `${target}:${kind}:${req.deliveryId ?? req.receivedAt}`;
  return {
    schemaVersion: 1,
    ...d,
    ...(d.appId === undefined && req.appId ? { appId: req.appId } : {}),
    alarm: req.alarm,
    sae: [...trace],
    ...(stamp.dryRun ? { dryRun: true } : {}),
    retryable: d.retryable ?? kind === 'failed-retryable',
    messageId: `sr-${createHash('sha256').update(idSeed).digest('hex').slice(0, 32)}`,
    ...(d.changeOrderId ? { dedupeKey: changeOrderKey(d.changeOrderId) } : {}),
    ...(inv.fcRequestId ? { fcRequestId: inv.fcRequestId } : {}),
    receivedAt: new Date(req.receivedAt).toISOString(),
    decidedAt: new Date(stamp.now).toISOString(),
  } as Outcome;
}

/** A repeat of a change order already handled: its stored outcome, re-published only if never sent. */
export function duplicateOf(
  finish: (d: Draft) => Outcome,
  changeOrderId: string,
  record: CompletedRecord,
  storeKey: string,
): Decision {
  const original = record.outcome;
  const outcome = finish({
    outcome: 'duplicate',
    changeOrderId,
    ...(original.appId ? { appId: original.appId } : {}),
    ...(original.appName ? { appName: original.appName } : {}),
    original: { outcome: original.outcome, at: original.decidedAt },
    summary: `Already handled change order ${changeOrderId} at ${original.decidedAt} (${original.outcome}); not acting twice.`,
  });
  // A stored outcome that never got published goes out now, under its original message ID.
  return record.notified
    ? { outcome }
    : { outcome, publish: original, storeKey, delivered: record.delivered };
}

/**
 * Publishes a decision that did nothing once per condition: kept under `key` (the condition, never
 * the change order alone), a repeat of it is a duplicate that is not published again.
 */
export async function noted(
  store: Store,
  claimMs: number,
  x: Ctx,
  key: string,
  outcome: Outcome,
  ttlMs: number,
): Promise<Decision> {
  const claim = await store.claim(key, claimMs);
  // Another delivery is storing (and publishing) it — or died doing so: deliver again, and that
  // delivery finds it reported, or reports it once the claim has expired. Never dropped.
  if (claim.status === 'in-progress') return { outcome, retry: true };
  if (claim.status === 'completed') {
    const original = claim.record.outcome;
    const dup = x.finish({
      outcome: 'duplicate',
      ...(original.changeOrderId ? { changeOrderId: original.changeOrderId } : {}),
      ...(original.appId ? { appId: original.appId } : {}),
      original: { outcome: original.outcome, at: original.decidedAt },
      summary: `Already reported at ${original.decidedAt} (${original.outcome}); not reporting it again. ${original.summary}`,
      ...(original.reason ? { reason: original.reason } : {}),
    });
    return claim.record.notified
      ? { outcome: dup }
      : { outcome: dup, publish: original, storeKey: key, delivered: claim.record.delivered };
  }
  const stored = await store.complete(key, claim.token, outcome, ttlMs);
  return stored ? { outcome, publish: outcome, storeKey: key } : fresh(outcome);
}

/**
 * Another delivery holds the change order and has no outcome yet: answer "retry" — the platform
 * delivers again, and that delivery finds the outcome, or takes over a claim whose holder died (as
 * Powertools' IdempotencyAlreadyInProgressError). Nothing is published for it.
 */
export function inProgress(x: Ctx, changeOrderId: string, expiresAt: number): Decision {
  const outcome = x.finish({
    outcome: 'in-progress',
    changeOrderId,
    retryable: true,
    summary: `Change order ${changeOrderId} is being handled by another delivery (its claim runs until ${new Date(expiresAt).toISOString()}); not acting twice. Deliver again: the next delivery finds its outcome, or takes over if that delivery died.`,
  });
  return { outcome, retry: true };
}
