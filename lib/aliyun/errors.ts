/**
 * Alibaba Cloud errors: the one vocabulary (kinds and reasons, ./classify.ts), the tables per service
 * (./tables/*), the reading of openapi-client's error shapes (./call-error.ts), and the base class of the
 * POP products' errors. SAE (lib/sae/errors.ts) and CloudMonitor (lib/cms/errors.ts) subclass it, so
 * every product classifies its errors once, the same way.
 */

import { contextError } from '../context-error.js';
import { describeCallError } from './call-error.js';
import { type ApiErrorKind, type ApiErrorReason, type CodeClassifier, isRetryable } from './classify.js';

export type { CallFailure } from './call-error.js';
export { describeCallError, NETWORK_CODES, numericCode, popErrorCode } from './call-error.js';
export { ApiErrorKind, ApiErrorReason, type Classification, type CodeClassifier } from './classify.js';
export { classifyPopCode, isCredentialError } from './tables/pop.js';

export interface ApiErrorContext {
  action: string;
  kind: ApiErrorKind;
  reason?: ApiErrorReason;
  code: string;
  httpStatus?: number;
  requestId?: string;
  cause?: unknown;
}

/** Any failed call to a POP product. `message` never contains credentials. */
export class ApiError extends contextError<ApiErrorContext>([
  'action',
  'kind',
  'reason',
  'code',
  'httpStatus',
  'requestId',
]) {
  override readonly name: string = 'ApiError';

  get retryable(): boolean {
    return isRetryable(this);
  }
}

/**
 * A product's `toXError(action, err)`: whatever `callApi` threw, as a classified `Cls` — kept as it is when
 * it already is one. `classify` is the product's table, `service` names it in messages ("CloudMonitor").
 */
export function apiErrorConverter<E extends ApiError>(
  Cls: new (message: string, ctx: ApiErrorContext) => E,
  classify: CodeClassifier,
  service: string,
): (action: string, err: unknown) => E {
  return (action, err) => {
    if (err instanceof Cls) return err;
    const f = describeCallError(err, classify, service);
    return new Cls(`${action}: ${f.detail}`, {
      action,
      kind: f.kind,
      ...(f.reason ? { reason: f.reason } : {}),
      code: f.code,
      ...(f.httpStatus !== undefined ? { httpStatus: f.httpStatus } : {}),
      ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
      cause: err,
    });
  };
}
