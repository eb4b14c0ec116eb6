/**
 * SAE errors, classified exactly once, where they are caught. Everything downstream (the decision core,
 * the handlers, the retry policy) reads `kind` and never re-parses SDK errors.
 */

export const SaeErrorKind = {
  /** The thing we wanted is already true (the change order is no longer running). */
  AlreadyDone: 'already-done',
  /** Retrying the same call cannot succeed: fix input, permissions or configuration. */
  Permanent: 'permanent',
  /** May succeed later: throttling, SAE busy, 5xx, network trouble, garbage from a gateway. */
  Retryable: 'retryable',
} as const;
export type SaeErrorKind = (typeof SaeErrorKind)[keyof typeof SaeErrorKind];

/** Finer-grained reason for permanent errors, so outcomes can say `not-found` or `forbidden`. */
export const SaeErrorReason = {
  NotFound: 'not-found',
  Forbidden: 'forbidden',
  InvalidInput: 'invalid-input',
  Other: 'other',
} as const;
export type SaeErrorReason = (typeof SaeErrorReason)[keyof typeof SaeErrorReason];

export interface SaeErrorContext {
  action: string;
  kind: SaeErrorKind;
  reason?: SaeErrorReason;
  code: string;
  httpStatus?: number;
  requestId?: string;
  cause?: unknown;
}

/** Any failed SAE call. `message` never contains credentials. */
export class SaeError extends Error {
  override readonly name = 'SaeError';
  readonly action: string;
  readonly kind: SaeErrorKind;
  readonly reason: SaeErrorReason | undefined;
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, ctx: SaeErrorContext) {
    super(message, { cause: ctx.cause });
    this.action = ctx.action;
    this.kind = ctx.kind;
    this.reason = ctx.reason;
    this.code = ctx.code;
    this.httpStatus = ctx.httpStatus;
    this.requestId = ctx.requestId;
  }

  get retryable(): boolean {
    return this.kind === SaeErrorKind.Retryable;
  }
}

interface Rule {
  test: (code: string) => boolean;
  kind: SaeErrorKind;
  reason?: SaeErrorReason;
}

const is =
  (...codes: string[]) =>
  (code: string) =>
    codes.includes(code);
const startsWith = (prefix: string) => (code: string) => code.startsWith(prefix);

/**
 * Known codes, first match wins. Spellings are SAE's own ("Resouce", "ChangerOrder").
 * Sources: the AbortAndRollbackChangeOrder page and SAE's global error-code list.
 */
const RULES: readonly Rule[] = [
  { test: is('Application.ChangerOrder.Not.Running'), kind: SaeErrorKind.AlreadyDone },
  {
    test: is(
      'InvalidChangeOrder.NotFound',
      'InvalidAppId.NotFound',
      'InvalidApplication.NotFound',
      'InvalidNamespaceId.NotFound',
    ),
    kind: SaeErrorKind.Permanent,
    reason: SaeErrorReason.NotFound,
  },
  {
    test: (c) =>
      is('Resouce.no.permission', 'Resource.no.permission', 'AccessDenied', 'NoPermission')(c) ||
      c.startsWith('Forbidden') ||
      c.startsWith('AccessDenied.'),
    kind: SaeErrorKind.Permanent,
    reason: SaeErrorReason.Forbidden,
  },
  // An expired STS token is fixed by the next invocation's fresh credentials, so the message may succeed later.
  { test: is('InvalidSecurityToken.Expired'), kind: SaeErrorKind.Retryable },
  {
    test: (c) =>
      is('SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthorization')(c) ||
      c.startsWith('InvalidAccessKeyId') ||
      c.startsWith('InvalidSecurityToken'),
    kind: SaeErrorKind.Permanent,
    reason: SaeErrorReason.Forbidden,
  },
  { test: startsWith('InvalidParameter'), kind: SaeErrorKind.Permanent, reason: SaeErrorReason.InvalidInput },
  {
    test: (c) =>
      c.startsWith('Throttling') ||
      is(
        'Application.ChangerOrderRunning',
        'System.Upgrading',
        'ServiceUnavailable',
        'InternalError',
        'InvalidTimeStamp.Expired',
        'SignatureNonceUsed',
      )(c),
    kind: SaeErrorKind.Retryable,
  },
];

/** Network-level failures from node/httpx/tea: the request may never have arrived. */
const NETWORK_CODES = new Set([
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

/** Classifies an SAE error code plus HTTP status. Unknown 5xx → retryable; unknown 4xx → permanent. */
export function classifyCode(
  code: string,
  httpStatus?: number,
): { kind: SaeErrorKind; reason?: SaeErrorReason } {
  const rule = RULES.find((r) => r.test(code));
  if (rule) return rule.reason ? { kind: rule.kind, reason: rule.reason } : { kind: rule.kind };
  if (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429)) {
    return { kind: SaeErrorKind.Retryable };
  }
  return { kind: SaeErrorKind.Permanent, reason: SaeErrorReason.Other };
}

interface TeaLikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  data?: unknown;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Turns whatever `callApi` threw into a classified {@link SaeError}. Handles the shapes observed from
 * openapi-client 0.4.x: tea ResponseError (code, statusCode, data), a bare SyntaxError for non-JSON
 * bodies (an HTML 502 from a gateway), RequestTimeoutError, and node network errors.
 */
export function toSaeError(action: string, err: unknown): SaeError {
  if (err instanceof SaeError) return err;
  const e = (asRecord(err) ?? {}) as TeaLikeError;
  const data = asRecord(e.data);
  const httpStatus =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof data?.statusCode === 'number'
        ? (data.statusCode as number)
        : undefined;
  const requestId = str(data?.RequestId) ?? str(data?.requestId);
  const name = str(e.name);
  const rawCode = str(e.code);

  if (err instanceof SyntaxError) {
    return new SaeError(`${action}: SAE answered with a body that is not JSON (a gateway error page?)`, {
      action,
      kind: SaeErrorKind.Retryable,
      code: 'NonJsonResponse',
      cause: err,
    });
  }
  if (name === 'RequestTimeoutError' || (rawCode && NETWORK_CODES.has(rawCode))) {
    const code = rawCode && NETWORK_CODES.has(rawCode) ? rawCode : 'RequestTimeout';
    return new SaeError(`${action}: network error talking to SAE (${code}): ${String(e.message ?? '')}`, {
      action,
      kind: SaeErrorKind.Retryable,
      code,
      cause: err,
    });
  }
  if (rawCode === 'InvalidCredentials') {
    return new SaeError(`${action}: no usable credentials (configure the function's RAM role)`, {
      action,
      kind: SaeErrorKind.Permanent,
      reason: SaeErrorReason.Forbidden,
      code: rawCode,
      cause: err,
    });
  }
  if (rawCode && rawCode !== 'undefined') {
    const { kind, reason } = classifyCode(rawCode, httpStatus);
    const message = str(data?.Message) ?? str(data?.message) ?? '';
    return new SaeError(`${action}: ${rawCode}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${message}`, {
      action,
      kind,
      ...(reason ? { reason } : {}),
      code: rawCode,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      ...(requestId ? { requestId } : {}),
      cause: err,
    });
  }
  // An HTTP error with no code at all: judge by status; anything else unknown is retried, since a
  // network-ish failure we have not seen before is far more likely than a permanent one.
  const retryable = httpStatus === undefined || httpStatus >= 500 || httpStatus === 429;
  return new SaeError(`${action}: unexpected error: ${String(e.message ?? err)}`, {
    action,
    kind: retryable ? SaeErrorKind.Retryable : SaeErrorKind.Permanent,
    ...(retryable ? {} : { reason: SaeErrorReason.Other }),
    code: httpStatus ? `HTTP${httpStatus}` : 'Unknown',
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    cause: err,
  });
}
