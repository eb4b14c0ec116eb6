import { describe, expect, it } from 'vitest';
import { DuplicateTaskError, InvokeError } from '../lib/invoke/errors.js';
import { NotifyError } from '../lib/notify/errors.js';
import { SaeError } from '../lib/sae/errors.js';

describe('errors built on contextError', () => {
  it('copies every context field as an own property, undefined ones included, and never the cause', () => {
    const cause = new Error('socket hang up');
    const err = new SaeError('DescribeChangeOrder: boom', {
      action: 'DescribeChangeOrder',
      kind: 'retryable',
      code: 'ServiceUnavailable',
      httpStatus: 503,
      cause,
    });

    expect(Object.keys(err)).toEqual(['action', 'kind', 'reason', 'code', 'httpStatus', 'requestId', 'name']);
    expect(err).toMatchObject({
      name: 'SaeError',
      message: 'DescribeChangeOrder: boom',
      action: 'DescribeChangeOrder',
      code: 'ServiceUnavailable',
      httpStatus: 503,
      retryable: true,
    });
    expect(err.reason).toBeUndefined();
    expect(err.cause).toBe(cause);
    expect(Object.keys(err)).not.toContain('cause');
  });

  it('keeps no cause when none is given', () => {
    const err = new InvokeError('invalid FC function name', { functionName: '1x', retryable: false });

    expect(Object.hasOwn(err, 'cause')).toBe(false);
    expect(err).toMatchObject({ name: 'InvokeError', functionName: '1x', retryable: false });
    expect(err.statusCode).toBeUndefined();
  });

  it('lets a subclass add its own fields (DuplicateTaskError)', () => {
    const err = new DuplicateTaskError({ functionName: 'consumer', taskId: 'co-1', requestId: 'r-1' });

    expect(err).toBeInstanceOf(InvokeError);
    expect(err).toMatchObject({
      name: 'DuplicateTaskError',
      message: 'FC already has async task co-1 for function consumer',
      functionName: 'consumer',
      taskId: 'co-1',
      statusCode: 409,
      requestId: 'r-1',
      retryable: false,
    });
  });

  it('serialises a NotifyError to its fields only', () => {
    const err = new NotifyError('MNS publish failed', {
      channel: 'mns',
      kind: 'http',
      code: 'TopicNotExist',
      httpStatus: 404,
      retryable: false,
      cause: new Error('secret-bearing cause'),
    });

    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'NotifyError',
      message: 'MNS publish failed',
      channel: 'mns',
      kind: 'http',
      code: 'TopicNotExist',
      httpStatus: 404,
      retryable: false,
    });
  });
});
