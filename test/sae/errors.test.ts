import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyCode, SaeError, toSaeError } from '../../lib/sae/errors.js';
import { parseSaeEnvelope } from '../../lib/sae/roa.js';

/** Every code the SAE docs list for the change-order APIs, plus the gateway's, with its expected class. */
const DOCUMENTED: Array<[code: string, http: number, kind: string, reason?: string]> = [
  ['Application.ChangerOrder.Not.Running', 400, 'already-done'],
  ['InvalidChangeOrder.NotFound', 400, 'permanent', 'not-found'],
  ['InvalidAppId.NotFound', 404, 'permanent', 'not-found'],
  ['InvalidApplication.NotFound', 400, 'permanent', 'not-found'],
  ['Resouce.no.permission', 400, 'permanent', 'forbidden'],
  ['AccessDenied', 403, 'permanent', 'forbidden'],
  // Credentials the gateway refused: the next invocation brings fresh ones (issue 13).
  ['SignatureDoesNotMatch', 403, 'retryable'],
  ['InvalidAccessKeyId.NotFound', 404, 'retryable'],
  ['InvalidAccessKeyId.Inactive', 403, 'retryable'],
  ['InvalidSecurityToken.Mismatch', 403, 'retryable'],
  ['InvalidSecurityToken.Malformed', 403, 'retryable'],
  ['IncompleteSignature', 400, 'permanent', 'forbidden'],
  ['InvalidParameter.NotEmpty', 400, 'permanent', 'invalid-input'],
  ['InvalidParameter.Obviously', 400, 'permanent', 'invalid-input'],
  ['InvalidParameter.WithMessage', 400, 'permanent', 'invalid-input'],
  ['Throttling.User', 400, 'retryable'],
  ['Throttling.Api', 400, 'retryable'],
  ['Throttling', 400, 'retryable'],
  ['Application.ChangerOrderRunning', 400, 'retryable'],
  ['System.Upgrading', 400, 'retryable'],
  ['ServiceUnavailable', 503, 'retryable'],
  ['InternalError', 500, 'retryable'],
  ['InvalidSecurityToken.Expired', 400, 'retryable'],
];

describe('SAE error classification', () => {
  it.each(DOCUMENTED)('%s (HTTP %i) is %s', (code, http, kind, reason) => {
    expect(classifyCode(code, http)).toEqual(reason ? { kind, reason } : { kind });
  });

  it('treats unknown 5xx as retryable and unknown 4xx as permanent', () => {
    expect(classifyCode('Something.New', 502).kind).toBe('retryable');
    expect(classifyCode('Something.New', 429).kind).toBe('retryable');
    expect(classifyCode('Something.New', 400)).toEqual({ kind: 'permanent', reason: 'other' });
  });

  it('keeps code, HTTP status and RequestId from a tea ResponseError', () => {
    const teaError = Object.assign(new Error('InvalidChangeOrder.NotFound: code: 400, … request id: RID-1'), {
      code: 'InvalidChangeOrder.NotFound',
      statusCode: 400,
      data: {
        RequestId: 'RID-1',
        Code: 'InvalidChangeOrder.NotFound',
        Message: 'The current change order does not exist.',
        statusCode: 400,
      },
    });
    const e = toSaeError('AbortAndRollbackChangeOrder', teaError);
    expect(e).toBeInstanceOf(SaeError);
    expect([e.kind, e.reason, e.code, e.httpStatus, e.requestId]).toEqual([
      'permanent',
      'not-found',
      'InvalidChangeOrder.NotFound',
      400,
      'RID-1',
    ]);
    expect(e.cause).toBe(teaError);
  });

  it('classifies a non-JSON body (HTML 502 from a gateway) as retryable', () => {
    let syntax: unknown;
    try {
      JSON.parse('<html>502 Bad Gateway</html>');
    } catch (err) {
      syntax = err;
    }
    const e = toSaeError('DescribeChangeOrder', syntax);
    expect([e.kind, e.code]).toEqual(['retryable', 'NonJsonResponse']);
  });

  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'ECONNREFUSED'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'ECONNRESET'],
    [{ name: 'RequestTimeoutError', message: 'ReadTimeout(3000)' }, 'RequestTimeout'],
  ])('classifies network failure %o as retryable', (raw, code) => {
    const e = toSaeError('AbortAndRollbackChangeOrder', Object.assign(new Error(String(raw.message)), raw));
    expect([e.kind, e.code]).toEqual(['retryable', code]);
  });

  it('classifies missing credentials as permanent and forbidden', () => {
    const e = toSaeError(
      'DescribeChangeOrder',
      Object.assign(new Error('Please set up the credentials'), { code: 'InvalidCredentials' }),
    );
    expect([e.kind, e.reason]).toEqual(['permanent', 'forbidden']);
  });
});

/** The official SDK's response models: `Code` is the HTTP status, the error code is in `ErrorCode`. */
describe('SAE errors in the documented shape (Code = HTTP status, ErrorCode = the code)', () => {
  const documented = (errorCode: string, status = 400) =>
    Object.assign(new Error(`code: ${status}, … request id: RID-2`), {
      // openapi-client builds `code` from the body's Code only.
      code: String(status),
      statusCode: status,
      data: {
        RequestId: 'RID-2',
        Code: String(status),
        ErrorCode: errorCode,
        Message: 'm',
        statusCode: status,
      },
    });

  it.each([
    ['Application.ChangerOrder.Not.Running', 'already-done', undefined],
    ['InvalidChangeOrder.NotFound', 'permanent', 'not-found'],
    ['Resouce.no.permission', 'permanent', 'forbidden'],
    ['Application.ChangerOrderRunning', 'retryable', undefined],
  ])('a thrown %s is classified by ErrorCode (%s)', (code, kind, reason) => {
    const e = toSaeError('AbortAndRollbackChangeOrder', documented(code));
    expect([e.code, e.kind, e.reason, e.httpStatus, e.requestId]).toEqual([code, kind, reason, 400, 'RID-2']);
  });

  it.each([
    ['Application.ChangerOrder.Not.Running', 'already-done', undefined],
    ['InvalidChangeOrder.NotFound', 'permanent', 'not-found'],
  ])('an HTTP-200 Success:false %s is classified the same way (%s)', (code, kind, reason) => {
    const body = { RequestId: 'RID-3', Code: '400', ErrorCode: code, Message: 'm', Success: false };
    let e: unknown;
    try {
      parseSaeEnvelope('AbortAndRollbackChangeOrder', body, z.unknown());
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(SaeError);
    const s = e as SaeError;
    expect([s.code, s.kind, s.reason]).toEqual([code, kind, reason]);
  });

  it('judges an unknown ErrorCode by the numeric Code when the wire said 200', () => {
    const body = { RequestId: 'RID-4', Code: '503', ErrorCode: 'Something.New', Success: false };
    expect(() => parseSaeEnvelope('DescribeChangeOrder', body, z.unknown())).toThrow(
      expect.objectContaining({ code: 'Something.New', kind: 'retryable' }),
    );
  });

  it('keeps the old shape (Code == ErrorCode) and a gateway error with only Code', () => {
    const legacy = Object.assign(new Error('x'), {
      code: 'Application.ChangerOrder.Not.Running',
      statusCode: 400,
      data: {
        Code: 'Application.ChangerOrder.Not.Running',
        ErrorCode: 'Application.ChangerOrder.Not.Running',
      },
    });
    expect(toSaeError('AbortAndRollbackChangeOrder', legacy).kind).toBe('already-done');
    const gateway = Object.assign(new Error('x'), {
      code: 'SignatureDoesNotMatch',
      statusCode: 403,
      data: { Code: 'SignatureDoesNotMatch', HostId: 'sae.cn-hangzhou.aliyuncs.com' },
    });
    expect(toSaeError('DescribeChangeOrder', gateway).code).toBe('SignatureDoesNotMatch');
  });
});
