import { z } from 'zod';
import type { Store } from '../idempotency/store.js';
import { alarmSchema } from './outcome.js';
import type { RollbackRequest } from './types.js';

/**
 * The orphan journal: every change order a delivery has claimed and not yet finished with a stored
 * outcome, with the request that claimed it. A holder that dies (SIGKILL, the FC timeout) leaves its
 * entry behind; the scheduled guard finds it once the claim has expired and drives the request through
 * the normal path (lib/guard/orphans.ts). An entry goes when an outcome is stored for its change order.
 */
export const PENDING_INDEX = 'sae-rollback:pending';

export const pendingSchema = z.object({
  /** The store key of the change order's record (dry-run records have their own). */
  storeKey: z.string(),
  claimedAt: z.number(),
  claimExpiresAt: z.number(),
  request: z.object({
    changeOrderId: z.string().optional(),
    appId: z.string().optional(),
    alarm: alarmSchema,
    deliveryId: z.string().optional(),
    receivedAt: z.number(),
  }),
});
export type PendingEntry = z.infer<typeof pendingSchema>;

/** Records the claim; never fails the decision (the journal is a safety net, not the lock). */
export async function notePending(
  store: Store,
  changeOrderId: string,
  entry: Omit<PendingEntry, 'request'> & { request: RollbackRequest },
): Promise<void> {
  const { allowTypes: _operatorOnly, ...request } = entry.request;
  const value: PendingEntry = { ...entry, request: { ...request, changeOrderId } };
  await store.indexSet(PENDING_INDEX, changeOrderId, JSON.stringify(value)).catch(() => undefined);
}

/** The journal's member for an app-named request that never got as far as a change order. */
export function appMember(appId: string): string {
  return `app:${appId}`;
}

/**
 * Records an app-named request whose look-up found no budget token (before any claim): answered
 * "retry" and not published, so if the platform never delivers it again the sweep is what finishes
 * it — due at once, as of its receipt. The sweep drops the entry once a decision is final.
 */
export async function notePendingApp(store: Store, appId: string, req: RollbackRequest): Promise<void> {
  const { allowTypes: _operatorOnly, ...request } = req;
  const value: PendingEntry = {
    storeKey: `sae-rollback:app:${appId}:pending`,
    claimedAt: req.receivedAt,
    claimExpiresAt: req.receivedAt,
    request,
  };
  await store.indexSet(PENDING_INDEX, appMember(appId), JSON.stringify(value)).catch(() => undefined);
}

/** The change order has a stored outcome: nothing is left to finish. */
export async function clearPending(store: Store, changeOrderId: string): Promise<void> {
  await store.indexDelete(PENDING_INDEX, changeOrderId).catch(() => undefined);
}
