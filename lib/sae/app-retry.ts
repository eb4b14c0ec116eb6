import { setTimeout as sleepReal } from 'node:timers/promises';
import { CallKind } from '../budget/budget.js';
import { systemClock } from '../clock.js';
import type { SaeAppApi } from './app-types.js';
import { SaeError, SaeErrorKind } from './errors.js';
import type { CallPolicyOptions } from './retry.js';
import type { SaeResult } from './types.js';

/**
 * {@link SaeAppApi} under the same call policy as `withCallPolicy` (lib/sae/retry.ts): every attempt
 * takes a token from the shared budget — RollbackApplication as a mutating call (it may use the abort
 * reserve), the list calls as look-ups — and a failed attempt is repeated with full-jitter backoff only
 * where that is safe: reads on any retryable error, RollbackApplication only when SAE provably did not
 * run it (`Throttling*`, `ECONNREFUSED`).
 */
export function withAppCallPolicy(app: SaeAppApi, o: CallPolicyOptions): SaeAppApi {
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
      const wait = r.retryInMs + Math.floor(random() * Math.min(100, r.retryInMs / 4 + 10));
      if (clock.now() + wait > o.deadline) {
        throw new SaeError(`${action}: the SAE call budget has no token left before the deadline`, {
          action,
          kind: SaeErrorKind.Retryable,
          code: 'Budget.Exhausted',
        });
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

  return {
    listApplications: (q) => run('ListApplications', CallKind.Lookup, () => app.listApplications(q)),
    listAppVersions: (id) => run('ListAppVersions', CallKind.Lookup, () => app.listAppVersions(id)),
    rollbackApplication: (input) =>
      run('RollbackApplication', CallKind.Abort, () => app.rollbackApplication(input)),
  };
}

function retrySafe(err: unknown, kind: CallKind): boolean {
  if (!(err instanceof SaeError) || err.kind !== SaeErrorKind.Retryable) return false;
  if (err.code === 'Budget.Exhausted' || err.code === 'InvalidSecurityToken.Expired') return false;
  return kind === CallKind.Lookup || err.code.startsWith('Throttling') || err.code === 'ECONNREFUSED';
}
