import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { SaeError, SaeErrorKind, toSaeError } from '../../lib/sae/errors.js';
import { withCallPolicy } from '../../lib/sae/retry.js';
import type { SaeApi } from '../../lib/sae/types.js';

/** An SaeApi whose every call throws the next queued error, then succeeds; counts calls. */
function flaky(errors: SaeError[]) {
  const calls: string[] = [];
  const next = async <T>(action: string, data: T) => {
    calls.push(action);
    const e = errors.shift();
    if (e) throw e;
    return { requestId: 'R', data };
  };
  const api: SaeApi = {
    abortAndRollbackChangeOrder: (id) => next('AbortAndRollbackChangeOrder', { changeOrderId: id }),
    describeChangeOrder: (id) =>
      next('DescribeChangeOrder', { changeOrderId: id, appId: 'a', status: 1, subStatus: 0 }),
    describeApplicationStatus: (appId) =>
      next('DescribeApplicationStatus', { appId, lastChangeOrderRunning: false }),
    listChangeOrders: (q) =>
      next('ListChangeOrders', { currentPage: 1, pageSize: 10, totalSize: 0, changeOrders: [], ...q }),
  };
  return { api, calls };
}

const retryable = (code: string) => new SaeError(code, { action: 'x', kind: SaeErrorKind.Retryable, code });
/** The errors the SDK raises for the wire faults, classified by the real classifier. */
const wire = {
  http503: retryable('ServiceUnavailable'),
  http500: toSaeError('x', { code: 'InternalError', statusCode: 500, data: {} }),
  html502: toSaeError('x', new SyntaxError('Unexpected token <')),
  reset: toSaeError('x', { code: 'ECONNRESET', message: 'socket hang up' }),
  timeout: toSaeError('x', { name: 'RequestTimeoutError', message: 'timeout' }),
  refused: toSaeError('x', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }),
  throttled: retryable('Throttling.User'),
  stsExpired: retryable('InvalidSecurityToken.Expired'),
};

function policy(api: SaeApi, deadlineIn = 60_000) {
  const clock = new ManualClock();
  const slept: number[] = [];
  const wrapped = withCallPolicy(api, {
    deadline: clock.now() + deadlineIn,
    clock,
    random: () => 0.5,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
  });
  return { wrapped, slept };
}

describe('withCallPolicy: which failures are retried inside the invocation', () => {
  it.each(Object.entries(wire).filter(([k]) => k !== 'stsExpired'))(
    'retries a look-up after %s (reads are safe to repeat), with exponential jittered backoff',
    async (_, err) => {
      const { api, calls } = flaky([err, err]);
      const { wrapped, slept } = policy(api);
      await wrapped.describeChangeOrder('co-1');
      expect(calls).toHaveLength(3);
      expect(slept).toEqual([100, 200]);
    },
  );

  it.each(['http503', 'http500', 'html502', 'reset', 'timeout'] as const)(
    'does not repeat the abort after %s: it may have landed (the redelivery describes first)',
    async (k) => {
      const { api, calls } = flaky([wire[k]]);
      const { wrapped } = policy(api);
      await expect(wrapped.abortAndRollbackChangeOrder('co-1')).rejects.toBe(wire[k]);
      expect(calls).toEqual(['AbortAndRollbackChangeOrder']);
    },
  );

  it.each(['throttled', 'refused'] as const)('repeats the abort after %s: SAE never ran it', async (k) => {
    const { api, calls } = flaky([wire[k]]);
    const { wrapped } = policy(api);
    await wrapped.abortAndRollbackChangeOrder('co-1');
    expect(calls).toEqual(['AbortAndRollbackChangeOrder', 'AbortAndRollbackChangeOrder']);
  });

  it('leaves an expired STS token to the next invocation (fresh credentials), and stops at the deadline', async () => {
    const a = flaky([wire.stsExpired]);
    await expect(policy(a.api).wrapped.describeChangeOrder('co-1')).rejects.toBe(wire.stsExpired);
    expect(a.calls).toHaveLength(1);
    const b = flaky([wire.http503, wire.http503, wire.http503]);
    const { wrapped, slept } = policy(b.api, 250);
    await expect(wrapped.describeChangeOrder('co-1')).rejects.toBe(wire.http503);
    // 100 ms fits before the deadline, the next 200 ms would not.
    expect(slept).toEqual([100]);
    expect(b.calls).toHaveLength(2);
  });
});
