import type { Store } from '../idempotency/store.js';
import type { Alarm } from '../rollback/outcome.js';
import {
  appMember,
  clearPending,
  PENDING_INDEX,
  type PendingEntry,
  pendingSchema,
} from '../rollback/pending.js';
import type { InvocationInfo, RollbackRequest } from '../rollback/types.js';
import type { Dispatch, Orphan } from './types.js';

export interface SweepOptions {
  store: Store;
  dispatch: Dispatch;
  now: number;
  inv: InvocationInfo;
  /** At most this many orphans are driven per run (each may cost SAE calls); the rest wait. */
  perRun?: number;
  /** Entries older than this are given up on (reported once, then dropped). */
  maxAgeMs?: number;
}

const LISTED = 200;
const PUBLISH_GRACE_MS = 60_000;

/**
 * Orphans are finished by the system, not by luck: every claim whose holder died (its claim expired
 * with no stored outcome) is driven through the normal path with the request that claimed it — the
 * core re-claims it, confirms an abort that may have landed (DescribeChangeOrder) before anything is
 * repeated, and publishes the outcome. Entries whose change order has an outcome are cleared.
 */
export async function sweepOrphans(o: SweepOptions): Promise<{ orphans: Orphan[]; errors: string[] }> {
  const perRun = o.perRun ?? 5;
  const maxAgeMs = o.maxAgeMs ?? 3_600_000;
  const orphans: Orphan[] = [];
  const errors: string[] = [];
  for (const { member, value } of await o.store.indexList(PENDING_INDEX, LISTED)) {
    let entry: PendingEntry;
    try {
      entry = pendingSchema.parse(JSON.parse(value));
    } catch {
      await clearPending(o.store, member);
      errors.push(`orphan journal entry for ${member} is unreadable; dropped`);
      continue;
    }
    const record = await o.store.get(entry.storeKey);
    if (record?.notified) {
      await clearPending(o.store, member); // finished and told; its holder died before clearing the entry
      continue;
    }
    // Decided but not (yet) published: the holder may still be publishing under its lease; once that
    // is surely over, the duplicate path re-sends on the channels that did not take it.
    if (record && o.now - record.completedAt < PUBLISH_GRACE_MS) continue;
    if (!record && entry.claimExpiresAt > o.now) continue; // a live holder is still at it
    const base = {
      changeOrderId: member,
      ...(entry.request.appId ? { appId: entry.request.appId } : {}),
      claimedAt: new Date(entry.claimedAt).toISOString(),
    };
    if (o.now - entry.claimedAt > maxAgeMs) {
      await clearPending(o.store, member);
      const error = `claimed ${base.claimedAt} and never finished; given up after ${Math.round(maxAgeMs / 60_000)} min — check change order ${member} by hand`;
      orphans.push({ ...base, error });
      errors.push(`orphan ${member}: ${error}`);
      continue;
    }
    if (orphans.length >= perRun) break;
    // An app-named request starved before it had a change order: driven by its app alone.
    const byApp = entry.request.appId !== undefined && member === appMember(entry.request.appId);
    try {
      const { appId, alarm } = entry.request;
      const request: RollbackRequest = {
        ...(byApp ? {} : { changeOrderId: member }),
        ...(appId ? { appId } : {}),
        alarm: alarm as Alarm,
        deliveryId: `orphan:${member}`,
        // When it arrived: the evidence's age is judged at receipt, not at the sweep.
        receivedAt: entry.request.receivedAt,
      };
      const r = await o.dispatch(request, o.inv);
      // A change order's entry goes with its stored outcome; an app's once the decision is final.
      if (byApp && !r.retry) await clearPending(o.store, member);
      orphans.push({
        ...base,
        ...(r.outcome ? { outcome: r.outcome } : {}),
        ...(r.summary ? { summary: r.summary } : {}),
        ...(r.messageId ? { messageId: r.messageId } : {}),
      });
    } catch (err) {
      orphans.push({ ...base, error: String((err as Error)?.message ?? err) });
      errors.push(`orphan ${member}: ${(err as Error)?.message ?? err}`);
    }
  }
  return { orphans, errors };
}
