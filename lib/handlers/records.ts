import type { NormalizedRequest } from '../events/index.js';
import type { GuardReport } from '../guard/index.js';
import type { Outcome } from '../rollback/outcome.js';
import { type Publication, processRequest, publishAll } from '../rollback/process.js';
import type { InvocationInfo, RollbackRequest } from '../rollback/types.js';
import type { Runtime } from '../runtime.js';
import { runKeyed } from './keyed-pool.js';

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
 * Records handled at once within one invocation. Each takes 2–3 SAE calls and an MNS publish, so ten at
 * a time keep a 50-call budget window busy without a burst SAE would throttle; the budget itself still
 * refuses what goes beyond it.
 */
export const MAX_CONCURRENT_RECORDS = 10;

/** SAE calls one rollback takes at most (look-up, describe, abort), for bounding concurrency by the budget. */
const CALLS_PER_RECORD = 3;

/** Concurrency for `rt`: never more records in flight than the call budget admits in one window. */
export function recordConcurrency(rt: Pick<Runtime, 'config'>): number {
  return Math.min(MAX_CONCURRENT_RECORDS, Math.max(1, Math.floor(rt.config.budget.calls / CALLS_PER_RECORD)));
}

type Slot =
  | { kind: 'outcome'; entry: OutcomeEntry; retry: boolean }
  | { kind: 'ignored'; entry: { source: string; reason: string } }
  | { kind: 'guard'; entry: { reason: string; report?: GuardReport } };

/**
 * Runs every record: actionable ones through the core, rejections reported (published, never
 * retried), ignored ones and guard ticks logged. One record's failure never stops the others.
 * Records about different change orders (or apps) run concurrently, up to `limit` (see `recordConcurrency`);
 * records naming the same change order or the same app run one after another in event order, so a
 * duplicate in the batch finds the first one's outcome instead of racing it. Answers keep event order.
 */
export async function handleRecords(
  rt: Runtime,
  records: readonly NormalizedRequest[],
  inv: InvocationInfo,
  limit = recordConcurrency(rt),
): Promise<InvocationSummary> {
  let rejections = 0;
  let guardRuns = 0;
  const unpublished: NormalizedRequest[] = [];
  // Everything order-dependent (which rejection is published, which tick runs the guard) is decided
  // here, in event order, before anything runs concurrently.
  const tasks = records.map((n, i) => {
    if (n.disposition === 'reject' && ++rejections > MAX_PUBLISHED_REJECTIONS) unpublished.push(n);
    const publish = n.disposition === 'reject' && rejections <= MAX_PUBLISHED_REJECTIONS;
    const runGuard = n.disposition === 'guard' && guardRuns++ === 0;
    return { keys: keysOf(n, i), run: () => handleOne(rt, n, inv, publish, runGuard) };
  });
  const slots = await runKeyed(tasks, Math.max(1, limit));
  const summary: InvocationSummary = { outcomes: [], ignored: [], guard: [], retry: false };
  for (const s of slots) {
    if (s.kind === 'outcome') {
      summary.outcomes.push(s.entry);
      summary.retry ||= s.retry;
    } else if (s.kind === 'ignored') summary.ignored.push(s.entry);
    else summary.guard.push(s.entry);
  }
  const first = unpublished[0];
  if (first) {
    const reason = `${unpublished.length} more records of this event were rejected (each is in the log); the first: ${first.reason}`;
    const outcome = rt.core.rejected(first.source, reason, first.receivedAt, inv, `${first.dedupeKey}:rest`);
    await publishAll(rt.notifiers, outcome);
  }
  return summary;
}

/** What serializes a record: its change order and its app; guard ticks share one key (one run at a time). */
function keysOf(n: NormalizedRequest, i: number): string[] {
  if (n.disposition === 'guard') return ['guard'];
  const keys: string[] = [];
  if (n.changeOrderId) keys.push(`co:${n.changeOrderId}`);
  if (n.appId) keys.push(`app:${n.appId}`);
  return keys.length > 0 ? keys : [`record:${i}:${n.dedupeKey}`];
}

async function handleOne(
  rt: Runtime,
  n: NormalizedRequest,
  inv: InvocationInfo,
  publish: boolean,
  runGuard: boolean,
): Promise<Slot> {
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
    return { kind: 'ignored', entry: { source: n.source, reason: n.reason } };
  }
  if (n.disposition === 'guard') {
    // One guard run per invocation, however many ticks it carries; it never throws, and what it could
    // not finish the next tick picks up, so it never asks for a redelivery.
    rt.logger.info('guard tick received; running the scheduled guard check', {
      ...log,
      reason: n.reason,
      run: runGuard,
    });
    return {
      kind: 'guard',
      entry: { reason: n.reason, ...(runGuard ? { report: await rt.guard.run(inv) } : {}) },
    };
  }
  try {
    const processed =
      n.disposition === 'act'
        ? await processRequest(
            { ...rt, notifyDuplicates: rt.config.notifyDuplicates },
            toRollbackRequest(n),
            inv,
          )
        : await reportRejected(rt, n, inv, publish);
    const o = processed.outcome;
    return { kind: 'outcome', retry: processed.retry, entry: entryOf(n, o, processed.publications) };
  } catch (err) {
    // Not expected (the core and publishing do not throw), but a store outage must not drop the rest.
    rt.logger.error('record failed unexpectedly; will be retried', { ...log, error: err });
    const summary = `Unexpected error while handling a ${n.source} record; the delivery will be retried.`;
    return {
      kind: 'outcome',
      retry: true,
      entry: entryOf(n, { outcome: 'failed-retryable', summary, messageId: '' }, []),
    };
  }
}

function entryOf(
  n: NormalizedRequest,
  o: Pick<Outcome, 'outcome' | 'summary' | 'messageId'> & {
    changeOrderId?: string | undefined;
    appId?: string | undefined;
  },
  publications: Publication[],
): OutcomeEntry {
  const changeOrderId = o.changeOrderId ?? (o.outcome === 'failed-retryable' ? n.changeOrderId : undefined);
  const appId = o.appId ?? (o.outcome === 'failed-retryable' ? n.appId : undefined);
  return {
    outcome: o.outcome,
    summary: o.summary,
    messageId: o.messageId,
    source: n.source,
    ...(changeOrderId ? { changeOrderId } : {}),
    ...(appId ? { appId } : {}),
    publications,
  };
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
