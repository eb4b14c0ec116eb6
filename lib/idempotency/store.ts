import type { Outcome } from '../rollback/outcome.js';

/**
 * The idempotency port, after Powertools' idempotency utility: a key moves
 * absent → in-progress (owned by a random token, expiring) → completed (with the stored outcome,
 * expiring after a retention TTL). Every transition is one atomic step in each adapter, and a holder
 * whose claim has expired (or been taken over) can neither complete nor release it.
 */
export type ClaimResult =
  | { status: 'claimed'; token: string }
  | { status: 'in-progress'; expiresAt: number }
  | { status: 'completed'; record: CompletedRecord };

export interface CompletedRecord {
  outcome: Outcome;
  /** Whether the outcome has been published; a redelivery publishes it if not (first cut of an outbox). */
  notified: boolean;
  completedAt: number;
}

export interface Store {
  /** Atomically claims `key` for `inProgressTtlMs`, or reports who has it. */
  claim(key: string, inProgressTtlMs: number): Promise<ClaimResult>;
  /** Stores the outcome, if `token` still owns the claim. Returns false if it does not. */
  complete(key: string, token: string, outcome: Outcome, ttlMs: number): Promise<boolean>;
  /** Drops the claim (after a retryable failure) so a redelivery can try again, if `token` owns it. */
  release(key: string, token: string): Promise<boolean>;
  /** Records that the stored outcome was published. */
  markNotified(key: string): Promise<void>;
  /** The completed record, if any (in-progress claims are not returned). */
  get(key: string): Promise<CompletedRecord | undefined>;
}

/** The store key for a change order: one abort per change order, ever (within the retention TTL). */
export function changeOrderKey(changeOrderId: string): string {
  return `sae-rollback:co:${changeOrderId}`;
}
