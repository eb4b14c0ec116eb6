/**
 * Reading what `callApi` (openapi-client) throws, for any Alibaba Cloud POP product: the error shapes of
 * openapi-client, turned into a classified {@link CallFailure} with the product's table (./tables/*).
 */
import { ApiErrorKind, ApiErrorReason, type Classification, type CodeClassifier } from './classify.js';

/** A classified failed call, ready to become a product error class. */
export interface CallFailure extends Classification {
  code: string;
  /** Human detail, without the action name. Never contains credentials. */
  detail: string;
  httpStatus?: number;
  requestId?: string;
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
