import type { NormalizedRequest } from '../events/index.js';
import type { GuardReport } from '../guard/index.js';
import type { Outcome } from '../rollback/outcome.js';
import { type Publication, processRequest, publishAll } from '../rollback/process.js';
import type { InvocationInfo, RollbackRequest } from '../rollback/types.js';
import type { Runtime } from '../runtime.js';

/** One record's decision, as answered to HTTP callers and returned to direct/event invocations. */
export type OutcomeEntry = Pick<Outcome, 'outcome' | 'summary' | 'messageId'> & {
  source: string;
  changeOrderId?: string;
  appId?: string;
  publications: Publication[];
};

/** What one invocation did, record by record. */
export interface InvocationSummary {
  /** One per actionable or rejected record, in event order. */
  outcomes: OutcomeEntry[];
  /** Understood, nothing to do (e.g. an alarm back to OK): logged, not published. */
  ignored: Array<{ source: string; reason: string }>;
  /** Timer ticks: each ran (at most one per invocation) the scheduled guard check; `report` says what it did. */
  guard: Array<{ reason: string; report?: GuardReport }>;
  /** True when something may still succeed later; the caller should deliver the event again. */
  retry: boolean;
}

/**
 * Rejections published one by one per invocation; the rest of a junk batch goes out as one summary, so
 * a single request cannot make us publish hundreds of messages (each is still logged and answered).
 */
export const MAX_PUBLISHED_REJECTIONS = 10;

/** The core's request for a normalized record: the dedupe key is the delivery ID. */
export function toRollbackRequest(n: NormalizedRequest): RollbackRequest {
  return {
    ...(n.changeOrderId ? { changeOrderId: n.changeOrderId } : {}),
    ...(n.appId ? { appId: n.appId } : {}),
    alarm: n.alarm,
    deliveryId: n.dedupeKey,
    receivedAt: n.receivedAt,
  };
}

/**
 * Runs every record: actionable ones through the core, rejections reported (published, never
 * retried), ignored ones and guard ticks logged. One record's failure never stops the others.
 */
export async function handleRecords(
  rt: Runtime,
  records: readonly NormalizedRequest[],
  inv: InvocationInfo,
): Promise<InvocationSummary> {
  const summary: InvocationSummary = { outcomes: [], ignored: [], guard: [], retry: false };
  let rejections = 0;
  const unpublished: NormalizedRequest[] = [];
  for (const n of records) {
    const log = {
      fcRequestId: inv.fcRequestId,
      source: n.source,
      via: n.via,
      path: n.path,
      dedupeKey: n.dedupeKey,
    };
    if (n.disposition === 'ignore') {
      rt.logger.info('ignored', { ...log, reason: n.reason, alarm: n.alarm });
      // An alarm back to OK still counts for the flapping guard.
      if (n.alarm.state)
        await rt.valves
          .observe(n)
          .catch((err: unknown) => rt.logger.warn('observe failed', { ...log, error: err }));
      // And tells the follow-ups the alarm cleared (a `recovered` says so).
      if (n.alarm.state) await rt.follow.noteAlarmState(n);
      summary.ignored.push({ source: n.source, reason: n.reason });
      continue;
    }
    if (n.disposition === 'guard') {
      // One guard run per invocation, however many ticks it carries; it never throws, and what it could
      // not finish the next tick picks up, so it never asks for a redelivery.
      const first = summary.guard.length === 0;
      rt.logger.info('guard tick received; running the scheduled guard check', {
        ...log,
        reason: n.reason,
        run: first,
      });
      summary.guard.push({ reason: n.reason, ...(first ? { report: await rt.guard.run(inv) } : {}) });
      continue;
    }
    try {
      const processed =
        n.disposition === 'act'
          ? await processRequest(
              { ...rt, notifyDuplicates: rt.config.notifyDuplicates },
              toRollbackRequest(n),
              inv,
            )
          : await reportRejected(rt, n, inv, ++rejections <= MAX_PUBLISHED_REJECTIONS);
      if (n.disposition === 'reject' && rejections > MAX_PUBLISHED_REJECTIONS) unpublished.push(n);
      summary.retry ||= processed.retry;
      const o = processed.outcome;
      summary.outcomes.push({
        outcome: o.outcome,
        summary: o.summary,
        messageId: o.messageId,
        source: n.source,
        ...(o.changeOrderId ? { changeOrderId: o.changeOrderId } : {}),
        ...(o.appId ? { appId: o.appId } : {}),
        publications: processed.publications,
      });
    } catch (err) {
      // Not expected (the core and publishing do not throw), but a store outage must not drop the rest.
      rt.logger.error('record failed unexpectedly; will be retried', { ...log, error: err });
      summary.retry = true;
      summary.outcomes.push({
        outcome: 'failed-retryable',
        summary: `Unexpected error while handling a ${n.source} record; the delivery will be retried.`,
        messageId: '',
        source: n.source,
        ...(n.changeOrderId ? { changeOrderId: n.changeOrderId } : {}),
        ...(n.appId ? { appId: n.appId } : {}),
        publications: [],
      });
    }
  }
  const first = unpublished[0];
  if (first) {
    const reason = `${unpublished.length} more records of this event were rejected (each is in the log); the first: ${first.reason}`;
    const outcome = rt.core.rejected(first.source, reason, first.receivedAt, inv, `${first.dedupeKey}:rest`);
    await publishAll(rt.notifiers, outcome);
  }
  return summary;
}

async function reportRejected(rt: Runtime, n: NormalizedRequest, inv: InvocationInfo, publish: boolean) {
  const outcome = rt.core.rejected(n.source, n.reason, n.receivedAt, inv, n.dedupeKey);
  const publications = publish ? await publishAll(rt.notifiers, outcome) : [];
  rt.logger.warn('decision', {
    fcRequestId: inv.fcRequestId,
    outcome: outcome.outcome,
    summary: outcome.summary,
    via: n.via,
    dedupeKey: n.dedupeKey,
    publications,
  });
  // Never retried: the input cannot change. A failed report is logged above, not a reason to redeliver.
  return { outcome, publications, retry: false };
}
