import { createHash } from 'node:crypto';
import type { Budget } from '../budget/budget.js';
import { type Clock, systemClock } from '../clock.js';
import { ResolutionBusyError, ResolutionCache } from '../idempotency/resolution-cache.js';
import { type ClaimResult, type CompletedRecord, changeOrderKey, type Store } from '../idempotency/store.js';
import type { Valves } from '../policy/valves.js';
import { SaeError, SaeErrorKind, SaeErrorReason } from '../sae/errors.js';
import { type CallPolicyOptions, withCallPolicy } from '../sae/retry.js';
import {
  type ApplicationStatus,
  describeStatus,
  type SaeApi,
  type SaeResult,
  TERMINAL_STATUSES,
} from '../sae/types.js';
import type { Outcome, OutcomeKind, SaeTrace } from './outcome.js';
import type { InvocationInfo, RollbackRequest } from './types.js';

export interface RollbackCoreOptions {
  sae: SaeApi;
  store: Store;
  clock?: Clock;
  /** How long a completed abort (or already-finished) is remembered. Default 24 h. */
  retentionMs?: number;
  /** How long a permanent failure is remembered, so a storm of alarms does not repeat it. Default 5 min. */
  failureRetentionMs?: number;
  /** In-progress claim lifetime when the invocation has no deadline. Default 60 s. */
  defaultClaimMs?: number;
  /**
   * The shared SAE call budget. When set (or when `callPolicy` is), every SAE call takes a token
   * first and throttled calls are retried with backoff within the invocation's remaining time.
   */
  budget?: Budget;
  callPolicy?: Pick<CallPolicyOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'sleep' | 'random'>;
  /** How long an app → change-order resolution is shared between deliveries. 0 disables. Default 10 s. */
  resolutionTtlMs?: number;
  /** Cool-down, global cap and flapping guard; none when unset. */
  valves?: Valves;
  /** Time kept free before the deadline (to publish and answer): no wait or retry runs into it. Default 2 s. */
  deadlineMarginMs?: number;
}

type Call = <T>(action: string, fn: () => Promise<SaeResult<T>>) => Promise<T>;

/** What the core decided, and which outcome (if any) still has to be published. */
export interface Decision {
  outcome: Outcome;
  /** The outcome to publish now: the fresh one, or a stored one whose publication failed earlier. */
  publish?: Outcome;
  /** Store key to mark as notified once `publish` went out. */
  storeKey?: string;
  /** For a stored outcome: channels that already took it (the outbox); only the others get it again. */
  delivered?: string[];
}

type Draft = Omit<
  Outcome,
  'schemaVersion' | 'messageId' | 'sae' | 'receivedAt' | 'decidedAt' | 'retryable'
> & {
  retryable?: boolean;
};

/**
 * The decision core: request → (resolve app → change order) → claim → inspect → abort → outcome.
 * Pure logic over the {@link SaeApi} and {@link Store} ports; never throws for SAE or input problems —
 * every path ends in exactly one outcome.
 */
export class RollbackCore {
  readonly #sae: SaeApi;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #failureRetentionMs: number;
  readonly #defaultClaimMs: number;
  readonly #budget: Budget | undefined;
  readonly #callPolicy: RollbackCoreOptions['callPolicy'];
  readonly #cache: ResolutionCache | undefined;
  readonly #valves: Valves | undefined;
  readonly #marginMs: number;

  constructor(opts: RollbackCoreOptions) {
    this.#sae = opts.sae;
    this.#store = opts.store;
    this.#clock = opts.clock ?? systemClock;
    this.#retentionMs = opts.retentionMs ?? 24 * 3600_000;
    this.#failureRetentionMs = opts.failureRetentionMs ?? 5 * 60_000;
    this.#defaultClaimMs = opts.defaultClaimMs ?? 60_000;
    this.#budget = opts.budget;
    this.#callPolicy = opts.callPolicy;
    this.#valves = opts.valves;
    this.#marginMs = opts.deadlineMarginMs ?? 2_000;
    const ttlMs = opts.resolutionTtlMs ?? 10_000;
    this.#cache =
      ttlMs > 0 ? new ResolutionCache({ store: opts.store, ttlMs, clock: this.#clock }) : undefined;
  }

  async decide(req: RollbackRequest, inv: InvocationInfo = {}): Promise<Decision> {
    const trace: SaeTrace[] = [];
    const finish = (d: Draft): Outcome => this.#outcome(req, inv, trace, d);
    const call: Call = async (action, fn) => {
      try {
        const res = await fn();
        trace.push({ action, requestId: res.requestId, ...(res.traceId ? { traceId: res.traceId } : {}) });
        return res.data;
      } catch (err) {
        const e = err instanceof SaeError ? err : undefined;
        trace.push({
          action,
          ...(e?.requestId ? { requestId: e.requestId } : {}),
          errorCode: e?.code ?? 'Unknown',
          ...(e?.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
        });
        throw err;
      }
    };
    const now = this.#clock.now();
    // Waits for budget tokens, for another delivery's look-up and throttling backoff all end here.
    const workUntil = (inv.deadline ?? now + this.#defaultClaimMs) - this.#marginMs;
    const sae =
      this.#budget || this.#callPolicy
        ? withCallPolicy(this.#sae, {
            ...this.#callPolicy,
            ...(this.#budget ? { budget: this.#budget } : {}),
            deadline: workUntil,
            clock: this.#clock,
          })
        : this.#sae;
    try {
      return await this.#decide(req, inv, { sae, call, finish, trace, workUntil });
    } catch (err) {
      // Not an SAE answer (those become outcomes where they happen): in practice the store (Redis)
      // failed before anything was acted on. No claim means no abort, so a redelivery is safe.
      const what = req.changeOrderId ? `change order ${req.changeOrderId}` : `app ${req.appId ?? '-'}`;
      return fresh(
        finish({
          outcome: 'failed-retryable',
          summary: `Could not handle ${what}: unexpected error (is the idempotency store reachable?); will retry.`,
          reason: String((err as Error)?.message ?? err),
        }),
      );
    }
  }

  async #decide(
    req: RollbackRequest,
    inv: InvocationInfo,
    x: { sae: SaeApi; call: Call; finish: (d: Draft) => Outcome; trace: SaeTrace[]; workUntil: number },
  ): Promise<Decision> {
    const { sae, call, finish, trace } = x;
    // Every delivery counts for the flapping guard, duplicates included (a repeat is not a change).
    const changes = this.#valves ? await this.#valves.observe(req) : 0;

    let changeOrderId = req.changeOrderId;
    const appId = req.appId;
    if (!changeOrderId) {
      if (!appId) {
        return fresh(
          finish({
            outcome: 'rejected-input',
            summary: 'Nothing to roll back: the request names neither a change order nor an app.',
            reason: 'Send ChangeOrderId or appId.',
          }),
        );
      }
      let status: ApplicationStatus;
      try {
        const lookup = () => call('DescribeApplicationStatus', () => sae.describeApplicationStatus(appId));
        status = this.#cache
          ? (await this.#cache.resolve(appId, lookup, x.workUntil)).status
          : await lookup();
      } catch (err) {
        if (err instanceof ResolutionBusyError) {
          return fresh(
            finish({
              outcome: 'failed-retryable',
              summary: `Another delivery is still resolving the change order of app ${appId}; will retry.`,
              reason: err.message,
            }),
          );
        }
        if (!(err instanceof SaeError)) throw err;
        return fresh(finish(failure(err, `resolving the running change order of app ${appId}`)));
      }
      if (!status.lastChangeOrderId) {
        return fresh(
          finish({
            outcome: 'no-running-change-order',
            summary: `App ${appId} has no change order; nothing to roll back.`,
          }),
        );
      }
      changeOrderId = status.lastChangeOrderId;
      if (!status.lastChangeOrderRunning) {
        // Most likely a repeat of an alarm we already acted on: say so rather than "nothing running".
        const earlier = await this.#store.get(changeOrderKey(changeOrderId));
        if (earlier) return this.#duplicate(req, inv, trace, changeOrderId, earlier);
        return fresh(
          finish({
            outcome: 'no-running-change-order',
            changeOrderId,
            summary: `App ${appId}: its last change order ${changeOrderId} is not running (${status.lastChangeOrderStatus ?? 'finished'}); nothing to roll back.`,
          }),
        );
      }
    }

    const key = changeOrderKey(changeOrderId);
    const now = this.#clock.now();
    const claimMs = inv.deadline && inv.deadline > now ? inv.deadline - now + 1_000 : this.#defaultClaimMs;
    const claim: ClaimResult = await this.#store.claim(key, claimMs);
    if (claim.status === 'completed') return this.#duplicate(req, inv, trace, changeOrderId, claim.record);
    if (claim.status === 'in-progress') {
      return {
        outcome: finish({
          outcome: 'duplicate',
          changeOrderId,
          original: { outcome: 'in-progress' },
          summary: `Change order ${changeOrderId} is being handled by another delivery right now; not acting twice.`,
        }),
      };
    }

    const outcome = await this.#act(changeOrderId, appId, sae, call, finish, changes);
    try {
      if (outcome.outcome === 'failed-retryable') {
        await this.#store.release(key, claim.token);
        return fresh(outcome);
      }
      const ttl =
        outcome.outcome === 'aborted' || outcome.outcome === 'already-finished'
          ? this.#retentionMs
          : this.#failureRetentionMs;
      const stored = await this.#store.complete(key, claim.token, outcome, ttl);
      // If our claim expired meanwhile, someone else may store their own outcome; ours is still true.
      return stored ? { outcome, publish: outcome, storeKey: key } : fresh(outcome);
    } catch {
      // What was done is done and true: report it. The claim expires, and a redelivery after that
      // finds the change order finished (already-finished), never aborting twice.
      return fresh(outcome);
    }
  }

  /**
   * The outcome for input that can never succeed: acknowledged and reported, never acted on. The
   * message ID derives from the delivery, so a redelivered bad message is reported under the same ID.
   */
  rejected(
    source: string,
    reason: string,
    receivedAt: number,
    inv: InvocationInfo = {},
    deliveryId?: string,
  ): Outcome {
    const req: RollbackRequest = {
      alarm: { source },
      receivedAt,
      deliveryId: deliveryId ?? `${inv.fcRequestId ?? ''}:${reason}`,
    };
    return this.#outcome(req, inv, [], {
      outcome: 'rejected-input',
      summary: `Rejected a ${source} event that can never be acted on: ${reason}`,
      reason,
    });
  }

  async #act(
    changeOrderId: string,
    appId: string | undefined,
    sae: SaeApi,
    call: Call,
    finish: (d: Draft) => Outcome,
    changes: number,
  ): Promise<Outcome> {
    let appName: string | undefined;
    let resolvedApp = appId;
    let undo: (() => Promise<void>) | undefined;
    try {
      const co = await call('DescribeChangeOrder', () => sae.describeChangeOrder(changeOrderId));
      appName = co.appName;
      resolvedApp = co.appId;
      const base = {
        changeOrderId,
        appId: co.appId,
        ...(appName ? { appName } : {}),
        changeOrderStatus: co.status,
      };
      if (appId && co.appId !== appId) {
        return finish({
          ...base,
          outcome: 'failed-permanent',
          summary: `Refused: change order ${changeOrderId} belongs to app ${co.appId}, but the alarm is about app ${appId}.`,
          reason: 'The alarm names an app and a change order that do not match; fix the alarm configuration.',
        });
      }
      if (TERMINAL_STATUSES.has(co.status)) {
        return finish({
          ...base,
          outcome: 'already-finished',
          summary: `Change order ${changeOrderId} of ${label(co.appId, appName)} already ${describeStatus(co.status)}; nothing to abort.`,
        });
      }
      if (this.#valves) {
        const admission = await this.#valves.admit({ appId: co.appId, changeOrderId, changes });
        if (!admission.ok) {
          return finish({
            ...base,
            outcome: 'suppressed',
            valve: admission.valve,
            summary: `Did not roll back change order ${changeOrderId} of ${label(co.appId, appName)} (${describeStatus(co.status)}): suppressed by the ${admission.valve} safety valve.`,
            reason: admission.reason,
          });
        }
        undo = admission.undo;
      }
      await call('AbortAndRollbackChangeOrder', () => sae.abortAndRollbackChangeOrder(changeOrderId));
      return finish({
        ...base,
        outcome: 'aborted',
        summary: `Aborted change order ${changeOrderId} of ${label(co.appId, appName)} (was ${describeStatus(co.status)}) and rolled the app back.`,
      });
    } catch (err) {
      // No rollback happened: give the cool-down and the cap slot back.
      await undo?.().catch(() => undefined);
      const base = {
        changeOrderId,
        ...(resolvedApp ? { appId: resolvedApp } : {}),
        ...(appName ? { appName } : {}),
      };
      if (err instanceof SaeError && err.kind === SaeErrorKind.AlreadyDone) {
        return finish({
          ...base,
          outcome: 'already-finished',
          summary: `Change order ${changeOrderId} finished before it could be aborted (${err.code}).`,
        });
      }
      return finish({ ...base, ...failure(err, `change order ${changeOrderId}`) });
    }
  }

  #duplicate(
    req: RollbackRequest,
    inv: InvocationInfo,
    trace: SaeTrace[],
    changeOrderId: string,
    record: CompletedRecord,
  ): Decision {
    const original = record.outcome;
    const outcome = this.#outcome(req, inv, trace, {
      outcome: 'duplicate',
      changeOrderId,
      ...(original.appId ? { appId: original.appId } : {}),
      ...(original.appName ? { appName: original.appName } : {}),
      original: { outcome: original.outcome, at: original.decidedAt },
      summary: `Already handled change order ${changeOrderId} at ${original.decidedAt} (${original.outcome}); not acting twice.`,
    });
    // A stored outcome that never got published goes out now, under its original message ID.
    return record.notified
      ? { outcome }
      : { outcome, publish: original, storeKey: changeOrderKey(changeOrderId), delivered: record.delivered };
  }

  #outcome(req: RollbackRequest, inv: InvocationInfo, trace: SaeTrace[], d: Draft): Outcome {
    const target = d.changeOrderId ?? req.changeOrderId ?? `app:${req.appId ?? '-'}`;
    const kind: OutcomeKind = d.outcome;
    const idSeed = d.changeOrderId
      ? `${d.changeOrderId}:${kind}`
      : `${target}:${kind}:${req.deliveryId ?? req.receivedAt}`;
    return {
      schemaVersion: 1,
      ...d,
      ...(d.appId === undefined && req.appId ? { appId: req.appId } : {}),
      alarm: req.alarm,
      sae: [...trace],
      retryable: d.retryable ?? kind === 'failed-retryable',
      messageId: `sr-${createHash('sha256').update(idSeed).digest('hex').slice(0, 32)}`,
      ...(d.changeOrderId ? { dedupeKey: changeOrderKey(d.changeOrderId) } : {}),
      ...(inv.fcRequestId ? { fcRequestId: inv.fcRequestId } : {}),
      receivedAt: new Date(req.receivedAt).toISOString(),
      decidedAt: new Date(this.#clock.now()).toISOString(),
    } as Outcome;
  }
}

function fresh(outcome: Outcome): Decision {
  return { outcome, publish: outcome };
}

function label(appId: string, appName: string | undefined): string {
  return appName ? `app ${appName} (${appId})` : `app ${appId}`;
}

/** Maps a classified SAE error to an outcome draft with a reason an operator can act on. */
function failure(err: unknown, what: string): Draft {
  if (!(err instanceof SaeError)) {
    return {
      outcome: 'failed-retryable',
      summary: `Unexpected error while ${what}; will retry.`,
      reason: String(err),
    };
  }
  const detail = `${err.code}${err.httpStatus ? ` (HTTP ${err.httpStatus})` : ''}`;
  if (err.kind === SaeErrorKind.Retryable) {
    return {
      outcome: 'failed-retryable',
      summary: `SAE could not handle ${what} right now: ${detail}; will retry.`,
      reason: err.message,
    };
  }
  if (err.reason === SaeErrorReason.NotFound) {
    return {
      outcome: 'not-found',
      summary: `SAE does not know ${what}: ${detail}.`,
      reason: 'Check the ID in the alarm or event; it must exist in the configured region.',
    };
  }
  if (err.reason === SaeErrorReason.Forbidden) {
    return {
      outcome: 'forbidden',
      summary: `Not allowed to act on ${what}: ${detail}.`,
      reason: `Grant the function's RAM role sae:${err.action} on the app (see ram-policy.json).`,
    };
  }
  return { outcome: 'failed-permanent', summary: `SAE refused ${what}: ${detail}.`, reason: err.message };
}
