/**
 * The POP gateway's codes, shared by every Alibaba Cloud RPC/ROA product (SAE and CloudMonitor put their
 * own rows on top). Unknown 5xx/429 → retryable; other unknowns → permanent.
 */
import {
  always,
  anyOf,
  classifierOf,
  codeIs,
  codeMatches,
  codeStartsWith,
  type ErrorTable,
  serverOrThrottled,
  Verdict,
} from '../classify.js';

/**
 * The gateway refused the credentials the request was signed with: an expired or mismatched STS token,
 * an unknown or disabled AccessKey, a signature the key's current secret does not match. On FC each
 * invocation brings fresh STS credentials (and a rotated key is fixed once), so these are retryable —
 * by a later invocation, never by repeating the call now — and never remembered as permanent. The
 * gateway refused the request, so the product never ran it.
 */
const CREDENTIAL = anyOf(
  codeIs('SignatureDoesNotMatch'),
  codeStartsWith('InvalidAccessKeyId', 'InvalidSecurityToken'),
);

export const POP_TABLE: ErrorTable = [
  {
    when: anyOf(
      codeStartsWith('Throttling'),
      codeIs('ServiceUnavailable', 'InternalError', 'InvalidTimeStamp.Expired', 'SignatureNonceUsed'),
      CREDENTIAL,
    ),
    is: Verdict.retryable,
  },
  // IncompleteSignature/MissingAuthorization: the request itself was malformed (our signing bug), so no
  // credential refresh can fix it.
  {
    when: anyOf(
      codeIs('IncompleteSignature', 'MissingAuthorization', 'AccessDenied', 'NoPermission'),
      codeStartsWith('Forbidden', 'AccessDenied.'),
    ),
    is: Verdict.forbidden,
  },
  { when: codeStartsWith('InvalidParameter', 'Missing'), is: Verdict.invalidInput },
  { when: codeMatches(/NotFound$|NotExist$/), is: Verdict.notFound },
  { when: serverOrThrottled, is: Verdict.retryable },
  { when: always, is: Verdict.permanent },
];

/** Gateway-level codes every POP product shares. */
export const classifyPopCode = classifierOf(POP_TABLE);

/** Whether the gateway refused the request's credentials (see {@link CREDENTIAL}). */
export function isCredentialError(code: string): boolean {
  return CREDENTIAL(code, undefined);
}
