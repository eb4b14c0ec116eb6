import { randomUUID } from 'node:crypto';
import { ResolutionBusyError, type ResolutionCache } from '../idempotency/resolution-cache.js';
import type { Store } from '../idempotency/store.js';
import { cooldownKeyOf } from '../policy/valves.js';
import { SaeError } from '../sae/errors.js';
import type { ApplicationStatus } from '../sae/types.js';
import type { BakeVerdict } from './bake.js';
import type { BakeWindow } from './bake-window.js';
import { type Ctx, type Decision, fresh } from './context.js';
import { abortAttemptKey, failure } from './drafts.js';
import type { OutcomeKind } from './outcome.js';
import { notePendingApp } from './pending.js';
import { duplicateOf } from './records.js';
import { lookUpRunning } from './running.js';
import type { RollbackRequest } from './types.js';

export interface ResolveOptions {
  store: Store;
  /** The safety valves are on: an app's cool-down lease names the change order we handled. */
  cooldowns: boolean;
  cache: ResolutionCache | undefined;
  bake: BakeWindow;
  /** The store key of a change order's record (dry-run has its own). */
  key: (changeOrderId: string) => string;
  /**
   * Within an app's cool-down, at most one delivery naming the app per this long looks whether a new
   * change order started since the one we handled (one DescribeApplicationStatus).
   */
  recheckMs: number;
}

/** Outcomes that acted on the app (what the cool-down remembers). */
const ACTED: ReadonlySet<OutcomeKind> = new Set(['aborted', 'rolled-back-application', 'awaiting-approval']);

/** Held for `recheckMs` after a real look-up of the app's change order: the next is not due before. */
export function lookedUpKey(appId: string): string {
  return `sae-rollback:app:${appId}:looked-up`;
}

type Eligible = Extract<BakeVerdict, { eligible: true }>;
export type Resolved = { decision: Decision } | { changeOrderId: string; bake?: Eligible };

/**
 * The resolve step, for a request that names only the app: which change order it is about — the
 * executing one from one ListChangeOrders (then the act step needs no DescribeChangeOrder), else from
 * DescribeApplicationStatus, either shared between deliveries by the resolution cache; or a finished
 * release inside the bake window — or a decision already (duplicate, nothing running, retry).
 */
export async function resolveApp(o: ResolveOptions, req: RollbackRequest, x: Ctx): Promise<Resolved> {
  const { finish } = x;
  const appId = req.appId;
  if (!appId) {
    return {
      decision: fresh(
        finish({
          outcome: 'rejected-input',
          summary: 'Nothing to roll back: the request names neither a change order nor an app.',
          reason: 'Send ChangeOrderId or appId.',
        }),
      ),
    };
  }
  // Storm discipline: an app we rolled back within its cool-down is answered from the store — the
  // change order we handled — with no SAE look-up, so duplicates never spend the budget a new release
  // needs; except that once per `recheckMs` one delivery looks whether the app runs a newer change
  // order (a new release), which then takes the normal path: the valves decide, the outcome is published.
  const handled = o.cooldowns ? await o.store.getValue(cooldownKeyOf(appId)) : undefined;
  const handledRecord = handled ? await o.store.get(o.key(handled)) : undefined;
  let status: ApplicationStatus | undefined;
  if (handled && handledRecord && ACTED.has(handledRecord.outcome.outcome)) {
    const since = await newerThan(o, appId, handled, x);
    if (!since) return { decision: duplicateOf(finish, handled, handledRecord, o.key(handled)) };
    status = since;
  }
  try {
    if (!status) {
      const running = await lookUpRunning(o.cache, appId, x);
      if (running.fresh) await o.store.lease(lookedUpKey(appId), 'look-up', o.recheckMs);
      if ('order' in running.answer) {
        // Only this delivery's own answer stands in for DescribeChangeOrder; a shared one may be stale.
        if (running.fresh) x.known = running.answer.order;
        return { changeOrderId: running.answer.order.changeOrderId };
      }
      status = await lookUpStatus(o, appId, x);
    }
  } catch (err) {
    const decision = lookupFailure(err, appId, finish);
    // Starved before any claim: the journal keeps it for the sweep, should no redelivery come.
    if (starved(err)) await notePendingApp(o.store, appId, req);
    return { decision };
  }
  return fromStatus(o, appId, status, x);
}

/**
 * Within the cool-down: the app's status when a due look-up finds a change order other than the one we
 * handled, else undefined (not due, another delivery is at it, the same one, or the look-up failed).
 */
async function newerThan(
  o: ResolveOptions,
  appId: string,
  handled: string,
  x: Ctx,
): Promise<ApplicationStatus | undefined> {
  if (!(await o.store.lease(lookedUpKey(appId), randomUUID(), o.recheckMs))) return undefined;
  let status: ApplicationStatus;
  try {
    status = await lookUpStatus(o, appId, x);
  } catch (err) {
    if (err instanceof SaeError || err instanceof ResolutionBusyError) return undefined;
    throw err;
  }
  const current = status.lastChangeOrderId;
  return current && current !== handled ? status : undefined;
}

async function lookUpStatus(o: ResolveOptions, appId: string, x: Ctx): Promise<ApplicationStatus> {
  const lookup = () => x.call('DescribeApplicationStatus', () => x.sae.describeApplicationStatus(appId));
  return o.cache ? (await o.cache.resolve(appId, lookup, x.workUntil)).status : lookup();
}

function lookupFailure(err: unknown, appId: string, finish: Ctx['finish']): Decision {
  // A look-up that never happened (another delivery is at it, or no budget token in time) is
  // answered "retry" and not published: in a storm it is most likely a duplicate, and its
  // redelivery will say what happened.
  if (err instanceof ResolutionBusyError) {
    const outcome = finish({
      outcome: 'failed-retryable',
      summary: `Another delivery is still resolving the change order of app ${appId}; will retry.`,
      reason: err.message,
    });
    return { outcome, retry: true };
  }
  if (!(err instanceof SaeError)) throw err;
  const outcome = finish(failure(err, `resolving the running change order of app ${appId}`));
  return starved(err) ? { outcome, retry: true } : fresh(outcome);
}

const starved = (err: unknown) => err instanceof SaeError && err.code === 'Budget.Exhausted';

/** The rest of the resolution from DescribeApplicationStatus: the last change order, running or not. */
async function fromStatus(
  o: ResolveOptions,
  appId: string,
  status: ApplicationStatus,
  x: Ctx,
): Promise<Resolved> {
  const { finish } = x;
  const changeOrderId = status.lastChangeOrderId;
  if (!changeOrderId) {
    const summary = `App ${appId} has no change order; nothing to roll back.`;
    return { decision: fresh(finish({ outcome: 'no-running-change-order', summary })) };
  }
  if (status.lastChangeOrderRunning) return { changeOrderId };
  // Most likely a repeat of an alarm we already acted on: say so rather than "nothing running".
  const earlier = await o.store.get(o.key(changeOrderId));
  if (earlier) return { decision: duplicateOf(finish, changeOrderId, earlier, o.key(changeOrderId)) };
  // Our abort of it may have landed with its answer lost (a killed delivery, a timeout): the claim and
  // act steps confirm it (DescribeChangeOrder) and report `aborted`, not "nothing running".
  if (await o.store.getValue(abortAttemptKey(changeOrderId)).catch(() => undefined)) return { changeOrderId };
  let verdict: BakeVerdict;
  try {
    verdict = await o.bake.check(appId, changeOrderId, status.lastChangeOrderStatus, true, x);
  } catch (err) {
    if (!(err instanceof SaeError)) throw err;
    return { decision: fresh(finish(failure(err, `reading the last change order of app ${appId}`))) };
  }
  if (!verdict.eligible) {
    const why = verdict.why ? ` Not rolled back to the previous version: ${verdict.why}.` : '';
    return {
      decision: fresh(
        finish({
          outcome: 'no-running-change-order',
          changeOrderId,
          summary: `App ${appId}: its last change order ${changeOrderId} is not running (${status.lastChangeOrderStatus ?? 'finished'}); nothing to roll back.${why}`,
        }),
      ),
    };
  }
  return { changeOrderId, bake: verdict };
}
