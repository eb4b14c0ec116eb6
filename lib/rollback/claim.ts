import type { Clock } from '../clock.js';
import type { ClaimResult, Store } from '../idempotency/store.js';
import type { Ctx, Decision } from './context.js';
import { notReleaseKey, typeKey } from './drafts.js';
import { notePending } from './pending.js';
import { duplicateOf, inProgress } from './records.js';
import { mayAbortType, type ReleaseRules } from './release-rules.js';
import type { InvocationInfo, RollbackRequest } from './types.js';

export interface ClaimOptions {
  store: Store;
  clock: Clock;
  rules: ReleaseRules;
  /** Claim lifetime when the invocation has no deadline. */
  defaultClaimMs: number;
  /** How long a delivery that finds the change order in progress waits for its outcome. */
  inProgressWaitMs: number;
}

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The claim step: this delivery takes the change order (and notes the request in the orphan journal),
 * or it is answered from the store — a duplicate of the stored outcome, of a non-release seen before —
 * or, in progress elsewhere, it waits a little (bounded) for that outcome or for the claim to come
 * free before it answers "retry". In progress is not done.
 */
export async function claimChangeOrder(
  o: ClaimOptions,
  req: RollbackRequest,
  inv: InvocationInfo,
  x: Ctx,
  changeOrderId: string,
  key: string,
): Promise<{ token: string } | { decision: Decision }> {
  const now = o.clock.now();
  const claimMs = inv.deadline && inv.deadline > now ? inv.deadline - now + 1_000 : o.defaultClaimMs;
  const waitUntil = Date.now() + Math.max(0, Math.min(o.inProgressWaitMs, x.workUntil - now));
  for (;;) {
    // A change order already seen not to be a release: answered from the store, no SAE call.
    const knownType = await o.store.getValue(typeKey(changeOrderId));
    if (knownType !== undefined && !mayAbortType(knownType, o.rules, req.allowTypes ?? [])) {
      const stored = await o.store.get(notReleaseKey(changeOrderId));
      if (stored)
        return { decision: duplicateOf(x.finish, changeOrderId, stored, notReleaseKey(changeOrderId)) };
    }
    const claim: ClaimResult = await o.store.claim(key, claimMs);
    if (claim.status === 'completed')
      return { decision: duplicateOf(x.finish, changeOrderId, claim.record, key) };
    if (claim.status === 'claimed') {
      await notePending(o.store, changeOrderId, {
        storeKey: key,
        claimedAt: now,
        claimExpiresAt: now + claimMs,
        request: req,
      });
      return { token: claim.token };
    }
    if (Date.now() >= waitUntil) return { decision: inProgress(x, changeOrderId, claim.expiresAt) };
    await sleep(Math.min(POLL_MS, Math.max(1, waitUntil - Date.now())));
  }
}
