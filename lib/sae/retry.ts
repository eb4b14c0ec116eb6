import { setTimeout as sleepReal } from 'node:timers/promises';
import { isCredentialError } from '../aliyun/errors.js';
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
  /** Attempts per call when a retry is safe (see {@link withCallPolicy}). Default 4. */
  maxAttempts?: number;
  /** Backoff before attempt n+1 is a random time up to min(maxDelayMs, baseDelayMs·2ⁿ⁻¹). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Wraps an {@link SaeApi} for one invocation: each attempt spends a token from the shared budget
 * (aborts before look-ups), and a failed attempt is retried after a full-jitter exponential backoff
 * while the invocation has time left — but only where repeating it is safe:
 * - look-ups (Describe*, List*) are reads: any retryable error (throttling, 5xx, HTML gateway page,
 *   reset, read timeout) is retried;
 * - the abort is not idempotent: it is retried only when SAE provably did not run it — refused at the
 *   gateway (`Throttling*`) or never sent (`ECONNREFUSED`). After a 5xx, a reset or a read timeout the
 *   abort may have landed, so it is NOT repeated here: the core releases the claim, and the redelivery
 *   describes the change order first (finding it terminated: `already-finished`, no second abort).
 */
/** Runs one SAE call under the policy; shared by every SAE wrapper (SaeApi here, SaeAppApi in app-retry). */
export type PolicyRunner = <T>(
  action: string,
  kind: CallKind,
  fn: () => Promise<SaeResult<T>>,
) => Promise<SaeResult<T>>;

/** The budget-then-retry loop behind {@link withCallPolicy}, for any SAE action. */
export function policyRunner(o: CallPolicyOptions): PolicyRunner {
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
        if (!retrySafe(err, kind) || attempt >= maxAttempts) throw err;
        const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
        if (clock.now() + delay > o.deadline) throw err;
        await sleep(delay);
      }
    }
  };

  return run;
}

export function withCallPolicy(sae: SaeApi, o: CallPolicyOptions): SaeApi {
  const run = policyRunner(o);
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

/** Codes proving SAE never executed the request: safe to repeat even a non-idempotent call. */
const NOT_EXECUTED = (code: string) => code.startsWith('Throttling') || code === 'ECONNREFUSED';
/** Retryable, but only by a later invocation (fresh STS credentials), never by repeating the call now. */
const NEXT_INVOCATION_ONLY = (code: string) => code === 'Budget.Exhausted' || isCredentialError(code);

function retrySafe(err: unknown, kind: CallKind): boolean {
  if (!(err instanceof SaeError) || err.kind !== SaeErrorKind.Retryable) return false;
  if (NEXT_INVOCATION_ONLY(err.code)) return false;
  return kind === CallKind.Lookup || NOT_EXECUTED(err.code);
}
