import { z } from 'zod';
import { alarmSchema, appRefShape, followsSchema } from '../rollback/outcome.js';

/**
 * One rollback being followed to its end: written when a fresh `aborted` / `rolled-back-application`
 * outcome is stored, read by the guard's follow-up step, dropped once its follow-up is published.
 */
export const followEntrySchema = z.object({
  /** The store key of the entry (and, with `:outcome`, of its follow-up outcome). */
  id: z.string(),
  /** The change order whose status says how the rollback went (the aborted one, or RollbackApplication's). */
  watchChangeOrderId: z.string(),
  /** The change order the followed outcome is about (its idempotency key). */
  changeOrderId: z.string(),
  ...appRefShape,
  follows: followsSchema,
  alarm: alarmSchema.optional(),
  /** SAE said SupportRollback: false — the abort only stops the release, nothing is rolled back. */
  abortOnly: z.boolean().optional(),
  receivedAt: z.string(),
  /** Epoch ms: the next DescribeChangeOrder may be made from then on. */
  nextCheckAt: z.number(),
  /** Checks made so far; the wait between checks doubles with each. */
  checks: z.number().int().nonnegative(),
});
export type FollowEntry = z.infer<typeof followEntrySchema>;

/** How follow-ups are paced; from the FOLLOW_UP_* variables. */
export interface FollowSettings {
  /** `false`: nothing is tracked or followed. */
  enabled: boolean;
  /** Wait before the first check (SAE needs a moment to terminate the batches). */
  firstCheckMs: number;
  /** Longest wait between two checks of one rollback (the wait doubles up to it). */
  maxBackoffMs: number;
  /** Not final this long after the abort: `rollback-stuck`. */
  stuckAfterMs: number;
  /** DescribeChangeOrder calls one guard run may spend on follow-ups. */
  checksPerRun: number;
  /** How long an entry (and its follow-up outcome) is kept. */
  retentionMs: number;
}

export const DEFAULT_FOLLOW_SETTINGS: FollowSettings = {
  enabled: true,
  firstCheckMs: 30_000,
  maxBackoffMs: 5 * 60_000,
  stuckAfterMs: 30 * 60_000,
  checksPerRun: 5,
  retentionMs: 7 * 86_400_000,
};

/** What one follow-up step did, in the guard's report. */
export interface FollowReport {
  /** Rollbacks still being followed after this step. */
  pending: number;
  /** DescribeChangeOrder calls made. */
  checked: number;
  /** Follow-ups published (or re-published on the channels missing them) in this step. */
  published: Array<{ changeOrderId: string; outcome: string; messageId: string }>;
  errors: string[];
}
