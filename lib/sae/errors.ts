/**
 * SAE errors, classified exactly once, where they are caught. Everything downstream (the decision core,
 * the handlers, the retry policy) reads `kind` and never re-parses SDK errors. The vocabulary, the
 * reading of openapi-client's error shapes and SAE's table live in lib/aliyun (tables/sae.ts); this file
 * holds SAE's error class.
 */
import {
  ApiError,
  type ApiErrorContext,
  ApiErrorKind,
  ApiErrorReason,
  apiErrorConverter,
} from '../aliyun/errors.js';
import { classifySaeCode } from '../aliyun/tables/sae.js';

/** The kinds of every Alibaba Cloud error (lib/aliyun/classify.ts), under SAE's name. */
export const SaeErrorKind = ApiErrorKind;
export type SaeErrorKind = ApiErrorKind;

/** Finer-grained reason for permanent errors, so outcomes can say `not-found` or `forbidden`. */
export const SaeErrorReason = ApiErrorReason;
export type SaeErrorReason = ApiErrorReason;

export type SaeErrorContext = ApiErrorContext;

/** Any failed SAE call. `message` never contains credentials. */
export class SaeError extends ApiError {
  override readonly name = 'SaeError';
}

/** Classifies an SAE error code plus HTTP status (SAE's table, lib/aliyun/tables/sae.ts). */
export const classifyCode = classifySaeCode;

/**
 * Turns whatever `callApi` threw into a classified {@link SaeError}: tea ResponseError, a bare
 * SyntaxError for non-JSON bodies (an HTML 502), RequestTimeoutError, network errors, no credentials.
 */
export const toSaeError = apiErrorConverter(SaeError, classifySaeCode, 'SAE');
