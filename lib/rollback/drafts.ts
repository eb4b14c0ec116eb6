import { isCredentialError } from '../aliyun/errors.js';
import type { Verdict } from '../policy/policy.js';
import { SaeError, SaeErrorKind, SaeErrorReason } from '../sae/errors.js';
import type { Outcome } from './outcome.js';
import type { ReleaseRefusal } from './release-rules.js';

/**
 * Outcome drafts: what the core decided, in words an operator can act on, before the common fields
 * (message ID, SAE trace, timestamps) are added. Kept apart from the decision flow in core.ts.
 */
export type Draft = Omit<
  Outcome,
  'schemaVersion' | 'messageId' | 'sae' | 'receivedAt' | 'decidedAt' | 'retryable'
> & {
  retryable?: boolean;
};

/** A policy refusal as an outcome draft. */
export function refusedDraft(verdict: Extract<Verdict, { ok: false }>, what: string): Draft {
  return {
    outcome: 'refused',
    summary: `Refused to roll back ${what}: the rollback policy (${verdict.rule}) does not allow it.`,
    reason: verdict.reason,
  };
}

/** A release rule's refusal (not a release, not started, stale or pre-release evidence) as a draft. */
export function releaseRefusalDraft(r: ReleaseRefusal): Draft {
  return { outcome: 'refused', summary: r.summary, reason: r.reason };
}

/** Where a change order's type is kept once SAE told it (it never changes). */
export function typeKey(changeOrderId: string): string {
  return `sae-rollback:co:${changeOrderId}:type`;
}

/** Where "this change order is not a release" is kept, so a storm of alarms is answered from the store. */
export function notReleaseKey(changeOrderId: string): string {
  return `sae-rollback:not-a-release:${changeOrderId}`;
}

export function label(appId: string, appName: string | undefined): string {
  return appName ? `app ${appName} (${appId})` : `app ${appId}`;
}

/** Maps a classified SAE error to an outcome draft with a reason an operator can act on. */
export function failure(err: unknown, what: string): Draft {
  if (!(err instanceof SaeError)) {
    return {
      outcome: 'failed-retryable',
      summary: `Unexpected error while ${what}; will retry.`,
      reason: String(err),
    };
  }
  const detail = `${err.code}${err.httpStatus ? ` (HTTP ${err.httpStatus})` : ''}`;
  if (err.kind === SaeErrorKind.Retryable && isCredentialError(err.code)) {
    return {
      outcome: 'failed-retryable',
      summary: `SAE refused the function's credentials for ${what}: ${detail}; will retry with fresh ones.`,
      reason:
        "FC passes fresh STS credentials to every invocation, so the redelivery signs anew. If this persists, check the function's RAM role (its trust policy and that it is attached) or the configured AccessKey.",
    };
  }
  if (err.kind === SaeErrorKind.Retryable) {
    return {
      outcome: 'failed-retryable',
      summary: `SAE could not handle ${what} right now: ${detail}; will retry.`,
      reason: err.message,
    };
  }
  if (err.reason === SaeErrorReason.NotFound) {
    return {
      outcome: 'not-found',
      summary: `SAE does not know ${what}: ${detail}.`,
      reason: 'Check the ID in the alarm or event; it must exist in the configured region.',
    };
  }
  if (err.reason === SaeErrorReason.Forbidden) {
    return {
      outcome: 'forbidden',
      summary: `Not allowed to act on ${what}: ${detail}.`,
      reason: `Grant the function's RAM role sae:${err.action} on the app (see ram-policy.json).`,
    };
  }
  return { outcome: 'failed-permanent', summary: `SAE refused ${what}: ${detail}.`, reason: err.message };
}

/** Where an abort whose answer was lost is remembered (see `#act`). */
export function abortAttemptKey(changeOrderId: string): string {
  return `sae-rollback:abort-sent:${changeOrderId}`;
}

/**
 * A failed abort that SAE may nevertheless have run: retryable, and not one of the answers that prove the
 * request never ran (refused at the gateway, never sent, no budget token, expired credentials).
 */
export function abortAmbiguous(err: unknown): boolean {
  if (!(err instanceof SaeError) || err.kind !== SaeErrorKind.Retryable) return false;
  const neverRan = ['ECONNREFUSED', 'Budget.Exhausted', 'InvalidTimeStamp.Expired', 'SignatureNonceUsed'];
  return !err.code.startsWith('Throttling') && !isCredentialError(err.code) && !neverRan.includes(err.code);
}

/**
 * RollbackApplication answered `IsNeedApproval: true`: release approval is on, so SAE only queued a
 * change order for an approver. Nothing is rolled back yet, and saying "rolled back" would be false.
 */
export function awaitingApprovalDraft(appId: string, move: string, why: string, started?: string): Draft {
  const co = started ? `change order ${started}` : 'the rollback change order';
  return {
    outcome: 'awaiting-approval',
    summary: `Asked SAE to roll app ${appId} back ${move}, because ${why}; the rollback awaits approval in SAE${started ? ` (change order ${started})` : ''} — nothing is rolled back yet.`,
    reason:
      `Release approval is on for this app: an approver must approve ${co} in the SAE console ` +
      `(the app's change records) for the rollback to run; if the release should not be rolled back, reject it there. ` +
      `To let sae-rollback act without approval, exempt its RAM role from release approval.`,
  };
}
