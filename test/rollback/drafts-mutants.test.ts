// drafts.ts line by line: every outcome draft's exact kind, summary and reason, the store keys, and
// which failed aborts count as ones SAE may nevertheless have run.
import { describe, expect, it } from 'vitest';
import {
  abortAmbiguous,
  abortAttemptKey,
  awaitingApprovalDraft,
  failure,
  label,
  notReleaseKey,
  refusedDraft,
  releaseRefusalDraft,
  typeKey,
} from '../../lib/rollback/drafts.js';
import { SaeError, SaeErrorKind, SaeErrorReason } from '../../lib/sae/errors.js';

const saeError = (
  code: string,
  kind: SaeErrorKind,
  extra: { reason?: SaeErrorReason; httpStatus?: number; action?: string } = {},
) => new SaeError(`boom: ${code}`, { action: extra.action ?? 'AbortChangeOrder', kind, code, ...extra });

describe('refusals', () => {
  it('a policy refusal names the rule and keeps its reason', () => {
    expect(refusedDraft({ ok: false, rule: 'opt-out', reason: 'the app opted out' }, 'app web')).toEqual({
      outcome: 'refused',
      summary: 'Refused to roll back app web: the rollback policy (opt-out) does not allow it.',
      reason: 'the app opted out',
    });
  });

  it('a release rule refusal keeps its summary and reason', () => {
    expect(releaseRefusalDraft({ rule: 'not-started', summary: 's', reason: 'r' })).toEqual({
      outcome: 'refused',
      summary: 's',
      reason: 'r',
    });
  });
});

describe('keys and labels', () => {
  it('are exactly these', () => {
    expect(typeKey('co-1')).toBe('sae-rollback:co:co-1:type');
    expect(notReleaseKey('co-1')).toBe('sae-rollback:not-a-release:co-1');
    expect(abortAttemptKey('co-1')).toBe('sae-rollback:abort-sent:co-1');
    expect(label('app-1', 'web')).toBe('app web (app-1)');
    expect(label('app-1', undefined)).toBe('app app-1');
    expect(label('app-1', '')).toBe('app app-1');
  });
});

describe('failure', () => {
  it('anything but an SaeError is an unexpected, retryable error', () => {
    expect(failure(new Error('kaput'), 'aborting co-1')).toEqual({
      outcome: 'failed-retryable',
      summary: 'Unexpected error while aborting co-1; will retry.',
      reason: 'Error: kaput',
    });
  });

  it('refused credentials are retried with fresh ones, and say where to look', () => {
    expect(
      failure(saeError('InvalidSecurityToken.Expired', SaeErrorKind.Retryable, { httpStatus: 400 }), 'co-1'),
    ).toEqual({
      outcome: 'failed-retryable',
      summary:
        "SAE refused the function's credentials for co-1: InvalidSecurityToken.Expired (HTTP 400); will retry with fresh ones.",
      reason:
        "FC passes fresh STS credentials to every invocation, so the redelivery signs anew. If this persists, check the function's RAM role (its trust policy and that it is attached) or the configured AccessKey.",
    });
  });

  it('a credential code that is not retryable is not a credential refusal', () => {
    const d = failure(saeError('SignatureDoesNotMatch', SaeErrorKind.Permanent), 'co-1');
    expect(d).toEqual({
      outcome: 'failed-permanent',
      summary: 'SAE refused co-1: SignatureDoesNotMatch.',
      reason: 'boom: SignatureDoesNotMatch',
    });
  });

  it('other retryable errors are retried, with or without an HTTP status', () => {
    expect(failure(saeError('Throttling.User', SaeErrorKind.Retryable, { httpStatus: 503 }), 'co-1')).toEqual(
      {
        outcome: 'failed-retryable',
        summary: 'SAE could not handle co-1 right now: Throttling.User (HTTP 503); will retry.',
        reason: 'boom: Throttling.User',
      },
    );
    expect(failure(saeError('ECONNRESET', SaeErrorKind.Retryable), 'co-1').summary).toBe(
      'SAE could not handle co-1 right now: ECONNRESET; will retry.',
    );
  });

  it('not found and forbidden say what to check; other permanent errors keep the message', () => {
    expect(
      failure(
        saeError('InvalidAppId.NotFound', SaeErrorKind.Permanent, { reason: SaeErrorReason.NotFound }),
        'app x',
      ),
    ).toEqual({
      outcome: 'not-found',
      summary: 'SAE does not know app x: InvalidAppId.NotFound.',
      reason: 'Check the ID in the alarm or event; it must exist in the configured region.',
    });
    expect(
      failure(
        saeError('Forbidden.RAM', SaeErrorKind.Permanent, {
          reason: SaeErrorReason.Forbidden,
          httpStatus: 403,
          action: 'AbortChangeOrder',
        }),
        'app x',
      ),
    ).toEqual({
      outcome: 'forbidden',
      summary: 'Not allowed to act on app x: Forbidden.RAM (HTTP 403).',
      reason: "Grant the function's RAM role sae:AbortChangeOrder on the app (see ram-policy.json).",
    });
    expect(
      failure(
        saeError('InvalidParameter', SaeErrorKind.Permanent, { reason: SaeErrorReason.InvalidInput }),
        'app x',
      ),
    ).toEqual({
      outcome: 'failed-permanent',
      summary: 'SAE refused app x: InvalidParameter.',
      reason: 'boom: InvalidParameter',
    });
  });
});

describe('abortAmbiguous', () => {
  it('a retryable failure SAE may have run is ambiguous', () => {
    for (const code of ['ECONNRESET', 'ServiceUnavailable', 'RequestTimeout', 'UserThrottling']) {
      expect(abortAmbiguous(saeError(code, SaeErrorKind.Retryable))).toBe(true);
    }
  });

  it('answers that prove the request never ran are not', () => {
    for (const code of [
      'ECONNREFUSED',
      'Budget.Exhausted',
      'InvalidTimeStamp.Expired',
      'SignatureNonceUsed',
      'Throttling',
      'Throttling.User',
      'SignatureDoesNotMatch',
      'InvalidAccessKeyId.NotFound',
      'InvalidSecurityToken.Expired',
    ]) {
      expect(abortAmbiguous(saeError(code, SaeErrorKind.Retryable)), code).toBe(false);
    }
  });

  it('a permanent or already-done failure, or no SaeError at all, is not', () => {
    expect(abortAmbiguous(saeError('ECONNRESET', SaeErrorKind.Permanent))).toBe(false);
    expect(abortAmbiguous(saeError('ECONNRESET', SaeErrorKind.AlreadyDone))).toBe(false);
    expect(abortAmbiguous(new Error('ECONNRESET'))).toBe(false);
  });
});

describe('awaitingApprovalDraft', () => {
  it('names the change order to approve when SAE gave one', () => {
    expect(awaitingApprovalDraft('app-1', 'to v3', 'the alarm cpu fired', 'co-9')).toEqual({
      outcome: 'awaiting-approval',
      summary:
        'Asked SAE to roll app app-1 back to v3, because the alarm cpu fired; the rollback awaits approval in SAE (change order co-9) — nothing is rolled back yet.',
      reason:
        "Release approval is on for this app: an approver must approve change order co-9 in the SAE console (the app's change records) for the rollback to run; if the release should not be rolled back, reject it there. To let sae-rollback act without approval, exempt its RAM role from release approval.",
    });
  });

  it('says "the rollback change order" when it did not', () => {
    const d = awaitingApprovalDraft('app-1', 'to v3', 'why', undefined);
    expect(d.summary).toBe(
      'Asked SAE to roll app app-1 back to v3, because why; the rollback awaits approval in SAE — nothing is rolled back yet.',
    );
    expect(d.reason).toMatch(
      /^Release approval is on for this app: an approver must approve the rollback change order in /,
    );
  });
});
