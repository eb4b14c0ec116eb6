/**
 * Classifying what `callApi` throws, for any Alibaba Cloud POP product: the error shapes of
 * openapi-client and the gateway-level codes. SAE (lib/sae/errors.ts) and CloudMonitor (lib/cms/errors.ts)
 * layer their own codes on top, so every product classifies its errors once, the same way.
 */

/** Same values as `SaeErrorKind`, so callers can treat SAE and other errors alike. */
export const ApiErrorKind = {
  AlreadyDone: 'already-done',
  Permanent: 'permanent',
  Retryable: 'retryable',
} as const;
export type ApiErrorKind = (typeof ApiErrorKind)[keyof typeof ApiErrorKind];

/** Same values as `SaeErrorReason`. */
export const ApiErrorReason = {
  NotFound: 'not-found',
  Forbidden: 'forbidden',
  InvalidInput: 'invalid-input',
  Other: 'other',
} as const;
export type ApiErrorReason = (typeof ApiErrorReason)[keyof typeof ApiErrorReason];

export interface Classification {
  kind: ApiErrorKind;
  reason?: ApiErrorReason;
}

/** Classifies an error code (plus HTTP status); products layer their own codes on {@link classifyPopCode}. */
export type CodeClassifier = (code: string, httpStatus?: number) => Classification;

/** A classified failed call, ready to become a product error class. */
export interface CallFailure extends Classification {
  code: string;
  /** Human detail, without the action name. Never contains credentials. */
  detail: string;
  httpStatus?: number;
  requestId?: string;
}

/** The request itself was malformed (our signing bug): no credential refresh can fix it. */
const AUTH_CODES = new Set(['IncompleteSignature', 'MissingAuthorization']);
const RETRYABLE_CODES = new Set([
  'ServiceUnavailable',
  'InternalError',
  'InvalidTimeStamp.Expired',
  'SignatureNonceUsed',
]);

/**
 * The gateway refused the credentials the request was signed with: an expired or mismatched STS token,
 * an unknown or disabled AccessKey, a signature the key's current secret does not match. On FC each
 * invocation brings fresh STS credentials (and a rotated key is fixed once), so these are retryable —
 * by a later invocation, never by repeating the call now — and never remembered as permanent. The
 * gateway refused the request, so SAE never ran it.
 */
export function isCredentialError(code: string): boolean {
  return (
    code === 'SignatureDoesNotMatch' ||
    code.startsWith('InvalidAccessKeyId') ||
    code.startsWith('InvalidSecurityToken')
  );
}

/** Gateway-level codes every POP product shares. Unknown 5xx/429 → retryable; other unknowns → permanent. */
export function classifyPopCode(code: string, httpStatus?: number): Classification {
  if (code.startsWith('Throttling') || RETRYABLE_CODES.has(code) || isCredentialError(code)) {
    return { kind: ApiErrorKind.Retryable };
  }
  if (
    AUTH_CODES.has(code) ||
    code.startsWith('Forbidden') ||
    code === 'AccessDenied' ||
    code.startsWith('AccessDenied.') ||
    code === 'NoPermission'
  ) {
    return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.Forbidden };
  }
  if (code.startsWith('InvalidParameter') || code === 'MissingParameter' || code.startsWith('Missing')) {
    return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.InvalidInput };
  }
  if (/NotFound$|NotExist$/.test(code))
    return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.NotFound };
  if (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429))
    return { kind: ApiErrorKind.Retryable };
  return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.Other };
}

/** Network-level failures from node/httpx/tea: the request may never have arrived. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function withMeta(
  base: CallFailure,
  httpStatus: number | undefined,
  requestId: string | undefined,
): CallFailure {
  return {
    ...base,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}

const NUMERIC = /^\d+$/;

/**
 * The error code of a POP error body. The official SDKs' response models (SAE 2019-05-06 among them)
 * say `Code` is the HTTP status ("4xx: the call failed") and the error code is in `ErrorCode`; older
 * bodies and gateway errors carry the code in `Code` itself. So: `ErrorCode` whenever `Code` is numeric
 * or absent, else `Code`. Undefined when neither names a code.
 */
export function popErrorCode(code: unknown, errorCode: unknown): string | undefined {
  const c = code === null || code === undefined ? undefined : String(code);
  const ec = str(errorCode);
  if (c === undefined || c === 'undefined' || NUMERIC.test(c)) return ec;
  return c;
}

/** `Code` as a number when it is one (the documented shape's HTTP status), for classifying unknown codes. */
export function numericCode(code: unknown): number | undefined {
  const c = code === null || code === undefined ? '' : String(code);
  return NUMERIC.test(c) ? Number(c) : undefined;
}

/**
 * Classifies whatever `callApi` threw, handling the shapes observed from openapi-client 0.4.x: tea
 * ResponseError (code, statusCode, data), a bare SyntaxError for non-JSON bodies (an HTML 502 from a
 * gateway), RequestTimeoutError, node network errors, missing credentials. `service` names the
 * product in messages ("CloudMonitor").
 */
export function describeCallError(err: unknown, classify: CodeClassifier, service: string): CallFailure {
  const e = asRecord(err) ?? {};
  const data = asRecord(e.data);
  const httpStatus =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof data?.statusCode === 'number'
        ? data.statusCode
        : undefined;
  const requestId = str(data?.RequestId) ?? str(data?.requestId);
  // openapi-client builds `code` from the body's `Code` only: in the documented shape that is "400".
  const thrown = str(e.code);
  const rawCode =
    (thrown === undefined || thrown === 'undefined' || NUMERIC.test(thrown)
      ? popErrorCode(thrown, data?.ErrorCode)
      : undefined) ?? thrown;
  const message = String(e.message ?? err);

  if (err instanceof SyntaxError) {
    const detail = `${service} answered with a body that is not JSON (a gateway error page?)`;
    return { code: 'NonJsonResponse', kind: ApiErrorKind.Retryable, detail };
  }
  if (str(e.name) === 'RequestTimeoutError' || (rawCode && NETWORK_CODES.has(rawCode))) {
    const code = rawCode && NETWORK_CODES.has(rawCode) ? rawCode : 'RequestTimeout';
    return {
      code,
      kind: ApiErrorKind.Retryable,
      detail: `network error talking to ${service} (${code}): ${message}`,
    };
  }
  if (rawCode === 'InvalidCredentials') {
    const detail = "no usable credentials (configure the function's RAM role)";
    return { code: rawCode, kind: ApiErrorKind.Permanent, reason: ApiErrorReason.Forbidden, detail };
  }
  if (rawCode && rawCode !== 'undefined') {
    const text = str(data?.Message) ?? str(data?.message) ?? '';
    const detail = `${rawCode}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${text}`;
    return withMeta({ code: rawCode, ...classify(rawCode, httpStatus), detail }, httpStatus, requestId);
  }
  // No code at all: judge by status; anything else unknown is retried (network-ish is far likelier).
  const retryable = httpStatus === undefined || httpStatus >= 500 || httpStatus === 429;
  const base: CallFailure = {
    code: httpStatus ? `HTTP${httpStatus}` : 'Unknown',
    kind: retryable ? ApiErrorKind.Retryable : ApiErrorKind.Permanent,
    ...(retryable ? {} : { reason: ApiErrorReason.Other }),
    detail: `unexpected error: ${message}`,
  };
  return withMeta(base, httpStatus, undefined);
}
