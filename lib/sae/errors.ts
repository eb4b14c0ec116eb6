/**
 * SAE errors, classified exactly once, where they are caught. Everything downstream (the decision core,
 * the handlers, the retry policy) reads `kind` and never re-parses SDK errors. The gateway-level rules and
 * the reading of openapi-client's error shapes are shared with every POP product (lib/aliyun/errors.ts);
 * this file adds SAE's own codes.
 */
import { type Classification, classifyPopCode, describeCallError } from '../aliyun/errors.js';

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

/** SAE's own codes (spellings as SAE has them: "Resouce", "ChangerOrder"); the rest is POP-wide. */
const SAE_RULES: ReadonlyArray<[test: (code: string) => boolean, Classification]> = [
  [(c) => c === 'Application.ChangerOrder.Not.Running', { kind: SaeErrorKind.AlreadyDone }],
  [
    (c) => c === 'Resouce.no.permission' || c === 'Resource.no.permission',
    { kind: SaeErrorKind.Permanent, reason: SaeErrorReason.Forbidden },
  ],
  [
    (c) => c === 'Application.ChangerOrderRunning' || c === 'System.Upgrading',
    { kind: SaeErrorKind.Retryable },
  ],
];

/** Classifies an SAE error code plus HTTP status. Unknown 5xx → retryable; unknown 4xx → permanent. */
export function classifyCode(
  code: string,
  httpStatus?: number,
): { kind: SaeErrorKind; reason?: SaeErrorReason } {
  return SAE_RULES.find(([test]) => test(code))?.[1] ?? classifyPopCode(code, httpStatus);
}

/**
 * Turns whatever `callApi` threw into a classified {@link SaeError}: tea ResponseError, a bare
 * SyntaxError for non-JSON bodies (an HTML 502), RequestTimeoutError, network errors, no credentials.
 */
export function toSaeError(action: string, err: unknown): SaeError {
  if (err instanceof SaeError) return err;
  const f = describeCallError(err, classifyCode, 'SAE');
  return new SaeError(`${action}: ${f.detail}`, {
    action,
    kind: f.kind,
    ...(f.reason ? { reason: f.reason } : {}),
    code: f.code,
    ...(f.httpStatus !== undefined ? { httpStatus: f.httpStatus } : {}),
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
    cause: err,
  });
}
