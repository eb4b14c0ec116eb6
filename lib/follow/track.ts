import type { Clock } from '../clock.js';
import type { Store } from '../idempotency/store.js';
import type { Outcome } from '../rollback/outcome.js';
import { type FollowEntry, type FollowSettings, followEntrySchema } from './types.js';

const INDEX = 'sae-rollback:follow:index';

/** The store key of the follow-up of one change order's rollback. */
export function followKey(changeOrderId: string): string {
  return `sae-rollback:follow:${changeOrderId}`;
}

/** The change order to watch: the aborted one, or the one RollbackApplication started. */
function watchedChangeOrder(o: Outcome, started: string | undefined): string | undefined {
  return o.outcome === 'aborted' ? o.changeOrderId : started;
}

/**
 * Records that a fresh `aborted` / `rolled-back-application` outcome needs following (the hook in
 * processRequest). Idempotent: a second call for the same change order changes nothing. Other
 * outcomes, dry runs and outcomes without a change order are ignored. `started`: the change order
 * RollbackApplication started (the core's Decision carries it; the v1 outcome has no field for it).
 */
export async function trackRollback(
  deps: { store: Store; clock: Clock; settings: FollowSettings },
  o: Outcome,
  started?: string,
): Promise<FollowEntry | undefined> {
  if (!deps.settings.enabled || o.dryRun) return undefined;
  if (o.outcome !== 'aborted' && o.outcome !== 'rolled-back-application') return undefined;
  const watch = watchedChangeOrder(o, started);
  if (!o.changeOrderId || !watch) return undefined;
  const id = followKey(o.changeOrderId);
  if (await deps.store.getValue(id)) return undefined;
  const entry: FollowEntry = {
    id,
    watchChangeOrderId: watch,
    changeOrderId: o.changeOrderId,
    ...(o.appId ? { appId: o.appId } : {}),
    ...(o.appName ? { appName: o.appName } : {}),
    ...(o.namespaceId ? { namespaceId: o.namespaceId } : {}),
    follows: { messageId: o.messageId, outcome: o.outcome, decidedAt: o.decidedAt },
    ...(o.alarm ? { alarm: o.alarm } : {}),
    // The core says so only in the summary (v1 has no field for it).
    ...(o.outcome === 'aborted' && o.summary.includes('SupportRollback: false') ? { abortOnly: true } : {}),
    receivedAt: o.receivedAt,
    nextCheckAt: Date.parse(o.decidedAt) + deps.settings.firstCheckMs,
    checks: 0,
  };
  await saveEntry(deps.store, entry, deps.settings.retentionMs);
  // One atomic set addition: consumers tracking at once never drop each other's entry.
  await deps.store.addMember(INDEX, id, deps.settings.retentionMs);
  return entry;
}

export async function saveEntry(store: Store, entry: FollowEntry, ttlMs: number): Promise<void> {
  await store.putValue(entry.id, JSON.stringify(entry), ttlMs);
}

export async function loadEntry(store: Store, id: string): Promise<FollowEntry | undefined> {
  const raw = await store.getValue(id);
  if (!raw) return undefined;
  const parsed = followEntrySchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

/** The keys of the rollbacks being followed (any order). */
export async function followedIds(store: Store): Promise<string[]> {
  return store.members(INDEX);
}

/** Stops following these entries (their follow-up is published, or they expired). */
export async function unfollow(store: Store, ids: readonly string[]): Promise<void> {
  await store.removeMembers(INDEX, ids);
}
