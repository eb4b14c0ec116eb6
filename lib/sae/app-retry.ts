import { CallKind } from '../budget/budget.js';
import type { SaeAppApi } from './app-types.js';
import { type CallPolicyOptions, policyRunner } from './retry.js';

/**
 * {@link SaeAppApi} under the same call policy as `withCallPolicy` (lib/sae/retry.ts): every attempt
 * takes a token from the shared budget — RollbackApplication as a mutating call (it may use the abort
 * reserve), the list calls as look-ups — and a failed attempt is repeated with full-jitter backoff only
 * where that is safe: reads on any retryable error, RollbackApplication only when SAE provably did not
 * run it (`Throttling*`, `ECONNREFUSED`).
 */
export function withAppCallPolicy(app: SaeAppApi, o: CallPolicyOptions): SaeAppApi {
  const run = policyRunner(o);
  return {
    listApplications: (q) => run('ListApplications', CallKind.Lookup, () => app.listApplications(q)),
    listAppVersions: (id) => run('ListAppVersions', CallKind.Lookup, () => app.listAppVersions(id)),
    rollbackApplication: (input) =>
      run('RollbackApplication', CallKind.Abort, () => app.rollbackApplication(input)),
  };
}
