import { randomUUID } from 'node:crypto';
import type { Store } from '../idempotency/store.js';
import { type Logger, maskSecrets } from '../log.js';
import type { Notifier } from '../notify/notifier.js';
import type { Decision } from './context.js';
import type { RollbackCore } from './core.js';
import type { Outcome } from './outcome.js';
import { clearPending } from './pending.js';
import type { InvocationInfo, RollbackRequest } from './types.js';

export interface Publication {
  channel: string;
  ok: boolean;
  messageId?: string;
  error?: string;
  /** The channel's error code (`Client.Timeout`: the publish may have been stored all the same). */
  code?: string;
  retryable?: boolean;
}

export interface ProcessResult {
  outcome: Outcome;
  /** The outcome that was (or should have been) published; may be a stored original. */
  published?: Outcome;
  publications: Publication[];
  /** True when something may still succeed on redelivery: the decision or its publication. */
  retry: boolean;
}

/**
 * Runs one request through the core, publishes what needs publishing on every channel, records that
 * in the store, and writes one audit line. Never throws for SAE, store-independent or channel errors.
 */
export async function processRequest(
  deps: {
    core: RollbackCore;
    store: Store;
    notifiers: readonly Notifier[];
    logger: Logger;
    notifyDuplicates?: boolean;
    /** Follows fresh `aborted` / `rolled-back-application` outcomes to their end (lib/follow). Never throws. */
    follow?: { track(outcome: Outcome, started?: string): Promise<unknown> };
  },
  req: RollbackRequest,
  inv: InvocationInfo,
): Promise<ProcessResult> {
  const started = Date.now();
  const decision: Decision = await deps.core.decide(req, inv);
  if (decision.publish === decision.outcome) await deps.follow?.track(decision.outcome, decision.started);
  const toPublish =
    decision.publish ??
    (deps.notifyDuplicates && decision.outcome.outcome === 'duplicate' ? decision.outcome : undefined);
  // Leave a little time to answer after the last channel gave up.
  const publishBy = inv.deadline === undefined ? undefined : inv.deadline - 1_000;
  // One publication per stored outcome: whoever holds the publishing lease sends it; a duplicate that
  // finds a publication in flight leaves it alone (and re-sends only after the lease expired).
  const lease = decision.publish && decision.storeKey ? publishingLease(decision.storeKey) : undefined;
  const holder = randomUUID();
  const leaseMs = Math.max(5_000, (publishBy ?? Date.now() + 30_000) - Date.now() + 1_000);
  const mine = lease ? await deps.store.lease(lease, holder, leaseMs).catch(() => true) : true;
  // The outbox: a stored outcome goes only to the channels that have not taken it yet — read again
  // under the lease, as the publisher before us may have finished since this decision read it.
  const record =
    lease && mine ? await deps.store.get(decision.storeKey ?? '').catch(() => undefined) : undefined;
  const already = new Set(record?.delivered ?? decision.delivered ?? []);
  const pending = record?.notified ? [] : deps.notifiers.filter((n) => !already.has(n.channel));
  const publications =
    toPublish && mine && pending.length > 0 ? await publishAll(pending, toPublish, publishBy) : [];
  if (decision.publish && decision.storeKey && mine) {
    await recordDeliveries(deps, decision.storeKey, publications, pending.length);
    // Published everywhere: nothing is left for the orphan sweep (lib/guard/orphans.ts) to finish.
    const co = decision.publish.changeOrderId;
    if (co && publications.every((p) => p.ok)) await clearPending(deps.store, co);
  }
  if (lease && mine) await deps.store.unlease(lease, holder).catch(() => false);
  const publishRetry = publications.some((p) => !p.ok && p.retryable !== false);
  const { outcome } = decision;
  deps.logger.info('decision', {
    // A stable name to count by in SLS log-based metrics (see README, "Audit log and metrics").
    metric: 'sae_rollback_decision',
    fcRequestId: inv.fcRequestId,
    outcome: outcome.outcome,
    changeOrderId: outcome.changeOrderId,
    appId: outcome.appId,
    summary: outcome.summary,
    ...(outcome.valve ? { valve: outcome.valve, reason: outcome.reason } : {}),
    messageId: outcome.messageId,
    alarm: outcome.alarm,
    sae: outcome.sae,
    publications,
    durationMs: Date.now() - started,
  });
  return {
    outcome,
    ...(toPublish ? { published: toPublish } : {}),
    publications,
    retry: decision.retry === true || outcome.outcome === 'failed-retryable' || publishRetry,
  };
}

/** The lease a publisher of a stored outcome holds while it sends it. */
export function publishingLease(storeKey: string): string {
  return `sae-rollback:publishing:${storeKey}`;
}

/**
 * Writes which channels took the outcome into the idempotency record. Published is published: if the
 * store cannot record it, a redelivery re-sends under the same message ID (consumers dedupe on it).
 */
async function recordDeliveries(
  deps: { store: Store; logger: Logger },
  storeKey: string,
  publications: readonly Publication[],
  pendingCount: number,
): Promise<void> {
  const ok = publications.filter((p) => p.ok).map((p) => p.channel);
  try {
    if (ok.length > 0) await deps.store.markDelivered(storeKey, ok);
    if (ok.length === pendingCount) await deps.store.markNotified(storeKey);
  } catch (err) {
    deps.logger.warn('mark-delivered-failed', { storeKey, channels: ok, error: String(err) });
  }
}

/** One channel failing never blocks the others. */
export async function publishAll(
  notifiers: readonly Notifier[],
  outcome: Outcome,
  deadline?: number,
): Promise<Publication[]> {
  // Configured tokens and secrets quoted inside an alarm are masked here as they are in the logs.
  const safe = maskSecrets(outcome);
  return Promise.all(
    notifiers.map(async (n): Promise<Publication> => {
      try {
        const { messageId } = await n.publish(safe, deadline === undefined ? {} : { deadline });
        return { channel: n.channel, ok: true, messageId };
      } catch (err) {
        const e = err as { message?: unknown; code?: unknown; retryable?: unknown };
        return {
          channel: n.channel,
          ok: false,
          error: String(e.message ?? err),
          ...(typeof e.code === 'string' ? { code: e.code } : {}),
          retryable: typeof e.retryable === 'boolean' ? e.retryable : true,
        };
      }
    }),
  );
}
