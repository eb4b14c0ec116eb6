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
  /** Whether the outcome has been published on every channel; a redelivery re-publishes it if not. */
  notified: boolean;
  /**
   * The outbox: channels (e.g. `mns`, `dingtalk`) that already took this outcome. A redelivery re-sends
   * it only on the others, under the same message ID.
   */
  delivered: string[];
  completedAt: number;
}

/**
 * Small shared-state primitives that live beside the idempotency records (same server, same expiry
 * rules): the app → change-order resolution cache and its single-flight lock, and the safety valves'
 * state. Each method is one atomic step in each adapter.
 */
export interface SharedState {
  /** A short-lived shared value, or undefined when absent or expired. */
  getValue(key: string): Promise<string | undefined>;
  /** Sets a short-lived shared value. */
  putValue(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Takes an expiring exclusive lease for `holder` if nobody holds it. Re-entrant: true also when
   * `holder` already holds it (its expiry is left alone). False when someone else holds it.
   */
  lease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Ends `holder`'s lease. False (and nothing changed) when `holder` no longer holds it. */
  unlease(key: string, holder: string): Promise<boolean>;
  /**
   * Takes one of `cap` slots in a sliding window of `windowMs` for `member`. Re-entrant: true when
   * `member` already has a slot in the window. False when the window is full.
   */
  takeSlot(key: string, member: string, cap: number, windowMs: number): Promise<boolean>;
  /** Gives `member`'s slot back (the action it was taken for did not happen). */
  releaseSlot(key: string, member: string): Promise<void>;
  /**
   * Records the latest state of something that toggles (an alarm: ALERT/OK) and returns how many
   * times it changed state within the last `windowMs`, this change included.
   */
  recordState(key: string, state: string, windowMs: number): Promise<number>;
  /** A small shared index (one hash): sets `member` to `value`. Entries live until deleted. */
  indexSet(key: string, member: string, value: string): Promise<void>;
  indexDelete(key: string, member: string): Promise<void>;
  /** Up to `limit` entries of the index, in no particular order. */
  indexList(key: string, limit: number): Promise<Array<{ member: string; value: string }>>;
}

export interface Store extends SharedState {
  /** Atomically claims `key` for `inProgressTtlMs`, or reports who has it. */
  claim(key: string, inProgressTtlMs: number): Promise<ClaimResult>;
  /** Stores the outcome, if `token` still owns the claim. Returns false if it does not. */
  complete(key: string, token: string, outcome: Outcome, ttlMs: number): Promise<boolean>;
  /** Drops the claim (after a retryable failure) so a redelivery can try again, if `token` owns it. */
  release(key: string, token: string): Promise<boolean>;
  /** Records that the stored outcome was published on every channel. */
  markNotified(key: string): Promise<void>;
  /** Records that the stored outcome was published on these channels (the rest are still pending). */
  markDelivered(key: string, channels: readonly string[]): Promise<void>;
  /** The completed record, if any (in-progress claims are not returned). */
  get(key: string): Promise<CompletedRecord | undefined>;
  /** Adds `member` to the set (the follow-ups' index) at `key`; the set expires `ttlMs` after its last addition. */
  addMember(key: string, member: string, ttlMs: number): Promise<void>;
  /** The set's members (any order); empty when absent or expired. */
  members(key: string): Promise<string[]>;
  /** Removes `members` from the set. */
  removeMembers(key: string, members: readonly string[]): Promise<void>;
  /** Closes connections (Redis); a no-op for the memory store. */
  close?(): Promise<void>;
}

/** The store key for a change order: one abort per change order, ever (within the retention TTL). */
export function changeOrderKey(changeOrderId: string): string {
  return `sae-rollback:co:${changeOrderId}`;
}
