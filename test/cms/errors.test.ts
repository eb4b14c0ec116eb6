import { describe, expect, it } from 'vitest';
import { ApiErrorKind, ApiErrorReason, classifyPopCode, describeCallError } from '../../lib/aliyun/errors.js';
import { classifyCmsCode, toCmsError } from '../../lib/cms/errors.js';
import { parseRuleDimensions } from '../../lib/cms/schemas.js';
import { classifyCode } from '../../lib/sae/errors.js';

const teaError = (code: string, statusCode: number, data: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${code}: code: ${statusCode}`), {
    code,
    statusCode,
    data: { ...data, statusCode },
  });

describe('shared POP classification', () => {
  it.each([
    'Throttling.User',
    'ServiceUnavailable',
    'InternalError',
    'SignatureNonceUsed',
    'InvalidSecurityToken.Expired',
    'SignatureDoesNotMatch',
    'InvalidAccessKeyId.NotFound',
    'Forbidden.RAM',
    'AccessDenied',
    'InvalidParameter.Obviously',
  ])('agrees with lib/sae/errors.ts on %s', (code) => {
    expect(classifyPopCode(code, 400)).toEqual(classifyCode(code, 400));
  });

  it('judges unknown codes by HTTP status', () => {
    expect(classifyPopCode('Weird', 502)).toEqual({ kind: ApiErrorKind.Retryable });
    expect(classifyPopCode('Weird', 429)).toEqual({ kind: ApiErrorKind.Retryable });
    expect(classifyPopCode('Weird', 400)).toEqual({
      kind: ApiErrorKind.Permanent,
      reason: ApiErrorReason.Other,
    });
    expect(classifyPopCode('ResourceNotExist', 400).reason).toBe(ApiErrorReason.NotFound);
  });
});

describe('toCmsError', () => {
  it('keeps the code, status and request ID of a tea ResponseError', () => {
    const err = toCmsError('DescribeMetricRuleList', teaError('Forbidden.RAM', 403, { RequestId: 'RID-1' }));
    expect(err).toMatchObject({
      name: 'CmsError',
      code: 'Forbidden.RAM',
      kind: ApiErrorKind.Permanent,
      reason: ApiErrorReason.Forbidden,
      httpStatus: 403,
      requestId: 'RID-1',
    });
    expect(err.message).toMatch(/^DescribeMetricRuleList: Forbidden\.RAM \(HTTP 403\)/);
  });

  it('treats non-JSON bodies, timeouts and network errors as retryable; missing credentials as forbidden', () => {
    const timeout = Object.assign(new Error('ReadTimeout(1000)'), { name: 'RequestTimeoutError' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const noCreds = Object.assign(new Error('no creds'), { code: 'InvalidCredentials' });

    expect(toCmsError('A', new SyntaxError('Unexpected token <')).code).toBe('NonJsonResponse');
    expect([toCmsError('A', timeout).code, toCmsError('A', timeout).retryable]).toEqual([
      'RequestTimeout',
      true,
    ]);
    expect(toCmsError('A', refused).retryable).toBe(true);
    expect(toCmsError('A', noCreds)).toMatchObject({
      kind: ApiErrorKind.Permanent,
      reason: ApiErrorReason.Forbidden,
    });
  });

  it('classifies numeric Success=false codes by their HTTP meaning', () => {
    expect(classifyCmsCode('500')).toEqual({ kind: ApiErrorKind.Retryable });
    expect(classifyCmsCode('404').reason).toBe(ApiErrorReason.NotFound);
    expect(classifyCmsCode('403').reason).toBe(ApiErrorReason.Forbidden);
    expect(classifyCmsCode('400').reason).toBe(ApiErrorReason.InvalidInput);
  });

  it('an error without any code is judged by status', () => {
    const bare = Object.assign(new Error('boom'), { statusCode: 404, data: { statusCode: 404 } });
    expect(describeCallError(bare, classifyCmsCode, 'CloudMonitor')).toMatchObject({
      code: 'HTTP404',
      kind: ApiErrorKind.Permanent,
    });
  });
});

describe('parseRuleDimensions', () => {
  it('reads the array form, a single object, and gives [] for anything else', () => {
    expect(parseRuleDimensions('[{"appId":"a"},{"instanceId":"i-1","n":2}]')).toEqual([
      { appId: 'a' },
      { instanceId: 'i-1', n: '2' },
    ]);
    expect(parseRuleDimensions('{"appId":"a"}')).toEqual([{ appId: 'a' }]);
    expect(parseRuleDimensions('not json')).toEqual([]);
    expect(parseRuleDimensions(undefined)).toEqual([]);
    expect(parseRuleDimensions('[1,"x",null]')).toEqual([]);
  });
});
