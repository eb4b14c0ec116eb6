/** CloudMonitor errors, classified once where they are caught, with the same kinds as SAE errors. */
import {
  ApiErrorKind,
  ApiErrorReason,
  type Classification,
  classifyPopCode,
  describeCallError,
} from '../aliyun/errors.js';

export interface CmsErrorContext extends Classification {
  action: string;
  code: string;
  httpStatus?: number;
  requestId?: string;
  cause?: unknown;
}

/** Any failed CloudMonitor call. `message` never contains credentials. */
export class CmsError extends Error {
  override readonly name = 'CmsError';
  readonly action: string;
  readonly kind: ApiErrorKind;
  readonly reason: ApiErrorReason | undefined;
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, ctx: CmsErrorContext) {
    super(message, { cause: ctx.cause });
    this.action = ctx.action;
    this.kind = ctx.kind;
    this.reason = ctx.reason;
    this.code = ctx.code;
    this.httpStatus = ctx.httpStatus;
    this.requestId = ctx.requestId;
  }

  get retryable(): boolean {
    return this.kind === ApiErrorKind.Retryable;
  }
}

/**
 * CMS codes on top of the POP gateway's. A `Success: false` body may carry a numeric HTTP-like `Code`
 * (the SDK types it as a number): 5xx is retryable, 403 forbidden, 404 not found, other 4xx invalid input.
 */
export function classifyCmsCode(code: string, httpStatus?: number): Classification {
  if (/^\d{3}$/.test(code)) {
    const n = Number(code);
    if (n >= 500 || n === 429) return { kind: ApiErrorKind.Retryable };
    if (n === 403) return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.Forbidden };
    if (n === 404) return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.NotFound };
    return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.InvalidInput };
  }
  if (code === 'ResourceNotFound') return { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.NotFound };
  return classifyPopCode(code, httpStatus);
}

/** Turns whatever `callApi` threw into a classified {@link CmsError}. */
export function toCmsError(action: string, err: unknown): CmsError {
  if (err instanceof CmsError) return err;
  const f = describeCallError(err, classifyCmsCode, 'CloudMonitor');
  return new CmsError(`${action}: ${f.detail}`, {
    action,
    kind: f.kind,
    ...(f.reason ? { reason: f.reason } : {}),
    code: f.code,
    ...(f.httpStatus !== undefined ? { httpStatus: f.httpStatus } : {}),
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
    cause: err,
  });
}
