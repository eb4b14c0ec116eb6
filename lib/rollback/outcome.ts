import { z } from 'zod';
import { VALVES } from '../policy/valve-names.js';

/**
 * The one record of what sae-rollback did and why. Used by the decision core, the idempotency store,
 * every notifier, the HTTP response and the logs. Versioned: consumers check `schemaVersion`.
 */
export const OUTCOMES = [
  'aborted',
  'already-finished',
  'no-running-change-order',
  'duplicate',
  'not-found',
  'forbidden',
  'failed-retryable',
  'failed-permanent',
  'rejected-input',
  'suppressed',
  /** The guard or the bake window rolled the app back to its previous version (RollbackApplication). */
  'rolled-back-application',
  /**
   * RollbackApplication answered `IsNeedApproval: true`: SAE queued the rollback for an approver and
   * nothing has changed yet; `reason` says what to do.
   */
  'awaiting-approval',
  /** Dry-run mode: every read ran, no mutating call was made; `summary` says what would have happened. */
  'dry-run',
  /** The rollback policy (allowlist, opt-out, severity) refused to act; `reason` says which rule. */
  'refused',
  /**
   * Another delivery holds the change order and has no outcome yet: this one is answered "retry"
   * (HTTP 503, a thrown error) so the platform delivers it again. Never published.
   */
  'in-progress',
  /** Follow-up (schema v2): the rollback SAE started finished and the app is back on its previous version. */
  'recovered',
  /** Follow-up (schema v2): SAE's rollback itself failed (status 3 or 10); a human is needed now. */
  'rollback-failed',
  /** Follow-up (schema v2): the rollback was not final after FOLLOW_UP_STUCK_MINUTES. */
  'rollback-stuck',
] as const;
export const outcomeKindSchema = z.enum(OUTCOMES);
export type OutcomeKind = z.infer<typeof outcomeKindSchema>;

/** Outcomes that end the matter; anything else may be tried again later. */
export const FINAL_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  OUTCOMES.filter((o) => o !== 'failed-retryable' && o !== 'in-progress'),
);

export const alarmSchema = z.object({
  /** Which trigger family delivered it, e.g. `direct`, `cloudmonitor`, `eventbridge`. */
  source: z.string(),
  name: z.string().optional(),
  state: z.string().optional(),
  value: z.string().optional(),
  metric: z.string().optional(),
  ruleId: z.string().optional(),
  /** Severity as the source names it (CloudMonitor `triggerLevel`, Alertmanager `severity` label). */
  severity: z.string().optional(),
  /** When the source says the alarm fired (ISO 8601), if it says. */
  firedAt: z.string().optional(),
  /** The alert's `summary` annotation (Alertmanager / ARMS), for the human reading the outcome. */
  summary: z.string().optional(),
  /** The alert's `description` annotation (Alertmanager / ARMS). */
  description: z.string().optional(),
});
export type Alarm = z.infer<typeof alarmSchema>;

export const saeTraceSchema = z.object({
  /** The SAE action whose answer decided the outcome. */
  action: z.string(),
  requestId: z.string().optional(),
  traceId: z.string().optional(),
  errorCode: z.string().optional(),
  httpStatus: z.number().optional(),
});
export type SaeTrace = z.infer<typeof saeTraceSchema>;

/** The follow-up kinds: one per rolled-back change order, after `aborted` / `rolled-back-application`. */
export const FOLLOW_UP_OUTCOMES = ['recovered', 'rollback-failed', 'rollback-stuck'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_OUTCOMES)[number];

/**
 * Version 2 adds the follow-up kinds and the `follows`, `timeline`, `alarmCleared` and `hooks` fields; nothing else
 * changed. Only documents that use them say `schemaVersion: 2`: every v1 outcome is still sent as v1,
 * byte for byte, so a strict v1 consumer keeps working and only sees (and may reject) the follow-ups.
 */
export const SCHEMA_VERSIONS = [1, 2] as const;

/** When things happened to one rollback (ISO 8601), and the durations a report aggregates. */
export const timelineSchema = z.object({
  /** The alarm's own time, when the source says it. */
  alarmFiredAt: z.string().optional(),
  /** When sae-rollback received the evidence. */
  receivedAt: z.string(),
  /** When the abort (or RollbackApplication) was sent and decided. */
  abortSentAt: z.string(),
  /** When the follow-up saw the rollback end (or gave up on it: stuck). */
  endedAt: z.string(),
  /** From the alarm (or receipt, without an alarm time) to the abort. */
  timeToAbortMs: z.number().int().nonnegative(),
  /** From the alarm (or receipt) to the rollback seen finished; `recovered` only. */
  timeToRecoverMs: z.number().int().nonnegative().optional(),
});
export type Timeline = z.infer<typeof timelineSchema>;

/** A post-rollback hook's result, as reported in the follow-up. */
export const hookResultSchema = z.object({
  /** `fc` (async invocation) or `webhook`. */
  kind: z.enum(['fc', 'webhook']),
  /** The FC function or the webhook's host. */
  target: z.string(),
  ok: z.boolean(),
  attempts: z.number().int().positive(),
  /** The FC async task ID (derived from the change order, so FC refuses a repeat). */
  taskId: z.string().optional(),
  error: z.string().optional(),
});
export type HookResult = z.infer<typeof hookResultSchema>;

/**
 * The app a decision is about. The follow-up entry carries these fields from the outcome it follows to the
 * follow-up outcome, so the outcome and the entry declare them with this one shape.
 */
export const appRefShape = {
  appId: z.string().optional(),
  appName: z.string().optional(),
  /** The SAE namespace of the app, when known (e.g. `cn-hangzhou:prod`). */
  namespaceId: z.string().optional(),
};

/** Which outcome a follow-up follows: kept in the follow-up entry and sent on in the follow-up outcome. */
export const followsSchema = z.object({
  messageId: z.string(),
  outcome: outcomeKindSchema,
  decidedAt: z.string(),
});

export const outcomeSchema = z.object({
  schemaVersion: z.union([z.literal(1), z.literal(2)]),
  outcome: outcomeKindSchema,
  /** One line a human can act on at 3 a.m. */
  summary: z.string(),
  /** Stable across redeliveries of the same decision, so consumers can deduplicate. */
  messageId: z.string(),
  dedupeKey: z.string().optional(),
  changeOrderId: z.string().optional(),
  changeOrderStatus: z.number().optional(),
  ...appRefShape,
  /** For `rolled-back-application`: the version the app was on and the one it went back to. */
  versions: z.object({ from: z.string().optional(), to: z.string() }).optional(),
  alarm: alarmSchema.optional(),
  /** Every SAE call made for this decision, in order. */
  sae: z.array(saeTraceSchema),
  /** For `duplicate`: what the first delivery decided, or that it is still in progress. */
  original: z
    .object({ outcome: outcomeKindSchema.or(z.literal('in-progress')), at: z.string().optional() })
    .optional(),
  /** For failures and rejections: what was wrong and what to do. */
  reason: z.string().optional(),
  /** For `suppressed`: the safety valve that refused the rollback (`reason` says why). */
  valve: z.enum(VALVES).optional(),
  retryable: z.boolean(),
  /** True when the function ran in dry-run mode (nothing was changed). */
  dryRun: z.boolean().optional(),
  /** How many deliveries of this decision were needed (1 on the first try), when known. */
  attempts: z.number().int().positive().optional(),
  fcRequestId: z.string().optional(),
  /** Follow-ups (v2): the outcome this one follows. */
  follows: followsSchema.optional(),
  /** Follow-ups (v2): alarm fired, abort sent, rollback ended, and the times between. */
  timeline: timelineSchema.optional(),
  /**
   * `recovered` (v2) after a CloudMonitor or Alertmanager alarm: whether that alarm has reported OK
   * since (true), or not yet (false).
   */
  alarmCleared: z.boolean().optional(),
  /** Follow-ups (v2): what the post-rollback hooks did. */
  hooks: z.array(hookResultSchema).optional(),
  receivedAt: z.string(),
  decidedAt: z.string(),
});
export type Outcome = z.infer<typeof outcomeSchema>;
