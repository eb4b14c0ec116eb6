import { setTimeout as sleepReal } from 'node:timers/promises';
import { type Budget, CallKind } from '../budget/budget.js';
import { type Clock, systemClock } from '../clock.js';
import { SaeError, SaeErrorKind } from './errors.js';
import type { SaeApi, SaeResult } from './types.js';

export interface CallPolicyOptions {
  /** Every attempt takes a token first; waits for one until `deadline`. */
  budget?: Budget;
  /** Epoch ms after which no wait or retry starts (the invocation's deadline minus a margin). */
  deadline: number;
  clock?: Clock;
  /** Attempts per call when SAE answers `Throttling*`. Default 4. */
  maxAttempts?: number;
  /** Backoff before attempt n+1 is a random time up to min(maxDelayMs, baseDelayMs·2ⁿ⁻¹). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Wraps an {@link SaeApi} for one invocation: each attempt spends a token from the shared budget
 * (aborts before look-ups), and a throttled attempt — refused at SAE's gateway, so never executed,
 * which makes retrying even the abort safe — is retried after a full-jitter backoff while the
 * invocation has time left. Other errors are not retried here: redelivery handles them.
 */
export function withCallPolicy(sae: SaeApi, o: CallPolicyOptions): SaeApi {
  const clock = o.clock ?? systemClock;
  const sleep = o.sleep ?? ((ms: number) => sleepReal(ms));
  const random = o.random ?? Math.random;
  const maxAttempts = o.maxAttempts ?? 4;
  const base = o.baseDelayMs ?? 200;
  const cap = o.maxDelayMs ?? 3_000;

  const takeToken = async (action: string, kind: CallKind): Promise<void> => {
    if (!o.budget) return;
    for (;;) {
      const r = await o.budget.take(kind);
      if (r.ok) return;
      // A little jitter so waiters across instances do not all retry at the same instant.
      const wait = r.retryInMs + Math.floor(random() * Math.min(100, r.retryInMs / 4 + 10));
      if (clock.now() + wait > o.deadline) {
        throw new SaeError(
          `${action}: the SAE call budget has no token left before the invocation's deadline`,
          {
            action,
            kind: SaeErrorKind.Retryable,
            code: 'Budget.Exhausted',
          },
        );
      }
      await sleep(wait);
    }
  };

  const run = async <T>(action: string, kind: CallKind, fn: () => Promise<SaeResult<T>>) => {
    for (let attempt = 1; ; attempt++) {
      await takeToken(action, kind);
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof SaeError) || !err.code.startsWith('Throttling') || attempt >= maxAttempts)
          throw err;
        const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
        if (clock.now() + delay > o.deadline) throw err;
        await sleep(delay);
      }
    }
  };

  return {
    abortAndRollbackChangeOrder: (id) =>
      run('AbortAndRollbackChangeOrder', CallKind.Abort, () => sae.abortAndRollbackChangeOrder(id)),
    describeChangeOrder: (id) =>
      run('DescribeChangeOrder', CallKind.Lookup, () => sae.describeChangeOrder(id)),
    describeApplicationStatus: (appId) =>
      run('DescribeApplicationStatus', CallKind.Lookup, () => sae.describeApplicationStatus(appId)),
    listChangeOrders: (q) => run('ListChangeOrders', CallKind.Lookup, () => sae.listChangeOrders(q)),
  };
}
