import type { Store } from '../idempotency/store.js';
import type { Logger } from '../log.js';
import type { Notifier } from '../notify/notifier.js';
import type { Decision, RollbackCore } from './core.js';
import type { Outcome } from './outcome.js';
import type { InvocationInfo, RollbackRequest } from './types.js';

export interface Publication {
  channel: string;
  ok: boolean;
  messageId?: string;
  error?: string;
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
  },
  req: RollbackRequest,
  inv: InvocationInfo,
): Promise<ProcessResult> {
  const started = Date.now();
  const decision: Decision = await deps.core.decide(req, inv);
  const toPublish =
    decision.publish ??
    (deps.notifyDuplicates && decision.outcome.outcome === 'duplicate' ? decision.outcome : undefined);
  const publications = toPublish ? await publishAll(deps.notifiers, toPublish) : [];
  const allOk = publications.every((p) => p.ok);
  if (decision.publish && decision.storeKey && allOk) {
    // Published is published: if the store cannot record it, a redelivery re-sends under the same ID.
    await deps.store.markNotified(decision.storeKey).catch((err: unknown) => {
      deps.logger.warn('mark-notified-failed', { storeKey: decision.storeKey, error: String(err) });
    });
  }
  const publishRetry = publications.some((p) => !p.ok && p.retryable !== false);
  const { outcome } = decision;
  deps.logger.info('decision', {
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
    retry: outcome.outcome === 'failed-retryable' || publishRetry,
  };
}

/** One channel failing never blocks the others. */
export async function publishAll(notifiers: readonly Notifier[], outcome: Outcome): Promise<Publication[]> {
  return Promise.all(
    notifiers.map(async (n): Promise<Publication> => {
      try {
        const { messageId } = await n.publish(outcome);
        return { channel: n.channel, ok: true, messageId };
      } catch (err) {
        const e = err as { message?: unknown; retryable?: unknown };
        return {
          channel: n.channel,
          ok: false,
          error: String(e.message ?? err),
          retryable: typeof e.retryable === 'boolean' ? e.retryable : true,
        };
      }
    }),
  );
}
