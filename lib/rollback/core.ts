import { createHash } from 'node:crypto';
import type { Budget } from '../budget/budget.js';
import { type Clock, systemClock } from '../clock.js';
import { ResolutionBusyError, ResolutionCache } from '../idempotency/resolution-cache.js';
import { type ClaimResult, type CompletedRecord, changeOrderKey, type Store } from '../idempotency/store.js';
import { AppDirectory } from '../policy/namespaces.js';
import type { Policy, Verdict } from '../policy/policy.js';
import type { Valves } from '../policy/valves.js';
import { withAppCallPolicy } from '../sae/app-retry.js';
import type { SaeAppApi } from '../sae/app-types.js';
import { SaeError, SaeErrorKind } from '../sae/errors.js';
import { type CallPolicyOptions, withCallPolicy } from '../sae/retry.js';
import {
  type ApplicationStatus,
  type ChangeOrder,
  ChangeOrderStatus,
  describeStatus,
  type SaeApi,
  type SaeResult,
  TERMINAL_STATUSES,
} from '../sae/types.js';
import { type BakeVerdict, bakeEligibility, ChangeOrderFactsCache, duration, versionLabel } from './bake.js';
import { bakeTarget, rememberedTarget, uncertainTargetDraft } from './bake-target.js';
import {
  abortAmbiguous,
  abortAttemptKey,
  awaitingApprovalDraft,
  type Draft,
  failure,
  label,
  notReleaseKey,
  refusedDraft,
  releaseRefusalDraft,
  typeKey,
} from './drafts.js';
import type { Outcome, OutcomeKind, SaeTrace } from './outcome.js';
import {
  changeOrderRefusal,
  DEFAULT_RELEASE_RULES,
  evidenceKey,
  mayAbortType,
  preReleaseRefusal,
  type ReleaseRules,
  staleAlarmRefusal,
} from './release-rules.js';
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
  /** SAE application calls: ListAppVersions/RollbackApplication (bake window), ListApplications (namespace allowlist). */
  app?: SaeAppApi;
  /** Post-deploy bake window (needs `app`): see lib/rollback/bake.ts. 0 (default) disables. */
  bakeWindowMs?: number;
  /** Allowlist, opt-out, minimum severity and dry-run; none when unset. */
  policy?: Policy;
  /** Namespace → apps, for the namespace allowlist; default one over `store`. */
  directory?: AppDirectory;
  /** Which change orders are releases to abort, and when evidence is about them (release-rules.ts). */
  rules?: ReleaseRules;
  /** How long a delivery that finds the change order in progress waits for its outcome. Default 2 s. */
  inProgressWaitMs?: number;
}

const IN_PROGRESS_POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the policy and the bake window need inside one decision. */
interface Ctx {
  req: RollbackRequest;
  sae: SaeApi;
  app: SaeAppApi | undefined;
  call: Call;
  finish: (d: Draft) => Outcome;
  trace: SaeTrace[];
  workUntil: number;
  /** The change order RollbackApplication started, to be remembered too (never aborted by us later). */
  started?: string;
  /**
   * A decision that did nothing because of a condition that may pass (the evidence, a release not yet
   * started): kept under the condition's own key, never the change order's, so a later decision that
   * would act is not blocked — while repeats of the same condition are duplicates.
   */
  note?: { key: string; ttlMs: number };
}

type Call = <T>(action: string, fn: () => Promise<SaeResult<T>>) => Promise<T>;

/** What the core decided, and which outcome (if any) still has to be published. */
export interface Decision {
  outcome: Outcome;
  /** The outcome to publish now: the fresh one, or a stored one whose publication failed earlier. */
  publish?: Outcome;
  /** Something may still succeed on redelivery: the platform must deliver this request again. */
  retry?: boolean;
  /** Store key to mark as notified once `publish` went out. */
  storeKey?: string;
  /** For a stored outcome: channels that already took it (the outbox); only the others get it again. */
  delivered?: string[];
}

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
  readonly #app: SaeAppApi | undefined;
  readonly #bakeWindowMs: number;
  readonly #policy: Policy | undefined;
  readonly #directory: AppDirectory;
  readonly #facts: ChangeOrderFactsCache;
  readonly #rules: ReleaseRules;
  readonly #inProgressWaitMs: number;

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
    this.#app = opts.app;
    this.#bakeWindowMs = opts.app ? (opts.bakeWindowMs ?? 0) : 0;
    this.#policy = opts.policy;
    this.#directory = opts.directory ?? new AppDirectory({ store: opts.store });
    this.#facts = new ChangeOrderFactsCache({ store: opts.store, ttlMs: this.#retentionMs });
    this.#rules = opts.rules ?? DEFAULT_RELEASE_RULES;
    this.#inProgressWaitMs = opts.inProgressWaitMs ?? 2_000;
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
    const app =
      this.#app && (this.#budget || this.#callPolicy)
        ? withAppCallPolicy(this.#app, {
            ...this.#callPolicy,
            ...(this.#budget ? { budget: this.#budget } : {}),
            deadline: workUntil,
            clock: this.#clock,
          })
        : this.#app;
    try {
      return await this.#decide(req, inv, { req, sae, app, call, finish, trace, workUntil });
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

  async #decide(req: RollbackRequest, inv: InvocationInfo, x: Ctx): Promise<Decision> {
    const { sae, call, finish, trace } = x;
    // Every delivery counts for the flapping guard, duplicates included (a repeat is not a change).
    const changes = this.#valves ? await this.#valves.observe(req) : 0;
    // The policy, on what the request itself says: before any SAE call about it.
    const refusal = await this.#admitRequest(req, inv, x);
    if (refusal) return refusal;
    // Stale evidence (a backlog, a repeat of an old alert) is refused before any SAE call.
    const stale = staleAlarmRefusal(req.alarm, this.#clock.now(), this.#rules);
    if (stale) {
      const target = req.changeOrderId ?? `app:${req.appId ?? '-'}`;
      const outcome = finish({
        ...(req.changeOrderId ? { changeOrderId: req.changeOrderId } : {}),
        ...releaseRefusalDraft(stale),
      });
      return this.#noted(req, inv, x, evidenceKey(target, req.alarm), outcome, this.#retentionMs);
    }
    let bake: Extract<BakeVerdict, { eligible: true }> | undefined;

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
        const earlier = await this.#store.get(this.#key(changeOrderId));
        if (earlier) return this.#duplicate(req, inv, trace, changeOrderId, earlier);
        let verdict: BakeVerdict;
        try {
          verdict = await this.#bakeCheck(appId, changeOrderId, status.lastChangeOrderStatus, true, x);
        } catch (err) {
          if (!(err instanceof SaeError)) throw err;
          return fresh(finish(failure(err, `reading the last change order of app ${appId}`)));
        }
        if (!verdict.eligible) {
          const why = verdict.why ? ` Not rolled back to the previous version: ${verdict.why}.` : '';
          return fresh(
            finish({
              outcome: 'no-running-change-order',
              changeOrderId,
              summary: `App ${appId}: its last change order ${changeOrderId} is not running (${status.lastChangeOrderStatus ?? 'finished'}); nothing to roll back.${why}`,
            }),
          );
        }
        bake = verdict;
      }
    }

    const key = this.#key(changeOrderId);
    const now = this.#clock.now();
    const claimMs = inv.deadline && inv.deadline > now ? inv.deadline - now + 1_000 : this.#defaultClaimMs;
    // In progress is not done: a delivery that finds another holding the change order waits a little
    // (bounded) for its outcome — or for the claim to come free — before it answers "retry".
    const waitUntil = Date.now() + Math.max(0, Math.min(this.#inProgressWaitMs, x.workUntil - now));
    let claim: ClaimResult;
    for (;;) {
      // A change order already seen not to be a release: answered from the store, no SAE call.
      const knownType = await this.#store.getValue(typeKey(changeOrderId));
      if (knownType !== undefined && !mayAbortType(knownType, this.#rules, req.allowTypes ?? [])) {
        const stored = await this.#store.get(notReleaseKey(changeOrderId));
        if (stored)
          return this.#duplicate(req, inv, trace, changeOrderId, stored, notReleaseKey(changeOrderId));
      }
      claim = await this.#store.claim(key, claimMs);
      if (claim.status === 'completed') return this.#duplicate(req, inv, trace, changeOrderId, claim.record);
      if (claim.status === 'claimed') break;
      if (Date.now() >= waitUntil) return this.#inProgress(x, changeOrderId, claim.expiresAt);
      await sleep(Math.min(IN_PROGRESS_POLL_MS, Math.max(1, waitUntil - Date.now())));
    }

    const outcome =
      bake && appId
        ? await this.#bakeAct(appId, changeOrderId, bake, changes, x)
        : await this.#act(changeOrderId, appId, sae, call, finish, changes, x);
    try {
      if (outcome.outcome === 'failed-retryable') {
        await this.#store.release(key, claim.token);
        return fresh(outcome);
      }
      if (x.note) {
        await this.#store.release(key, claim.token);
        return await this.#noted(req, inv, x, x.note.key, outcome, x.note.ttlMs);
      }
      // Dry-run records have keys of their own: they last as long as the mode (and a real one).
      const ttl =
        outcome.outcome === 'aborted' ||
        outcome.outcome === 'already-finished' ||
        outcome.outcome === 'rolled-back-application' ||
        outcome.outcome === 'dry-run' ||
        outcome.outcome === 'awaiting-approval'
          ? this.#retentionMs
          : this.#failureRetentionMs;
      if (x.started) await this.#rememberStarted(x.started, outcome);
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
      summary: `Rejected ${/^[aeiou]/i.test(source) ? 'an' : 'a'} ${source} event that can never be acted on: ${reason}`,
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
    x: Ctx,
  ): Promise<Outcome> {
    let appName: string | undefined;
    let resolvedApp = appId;
    let undo: (() => Promise<void>) | undefined;
    let abortSent = false;
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
        // About this request, not the change order: a genuine alarm for its own app is never blocked.
        x.note = { key: `sae-rollback:mismatch:${appId}:${changeOrderId}`, ttlMs: this.#failureRetentionMs };
        return finish({
          ...base,
          outcome: 'failed-permanent',
          summary: `Refused: change order ${changeOrderId} belongs to app ${co.appId}, but the alarm is about app ${appId}.`,
          reason: 'The alarm names an app and a change order that do not match; fix the alarm configuration.',
        });
      }
      if (!appId && this.#policy) {
        // A request naming only the change order: its app is known only now, before any mutating call.
        const verdict = await this.#policy.app(co.appId, this.#namespaceFinder(co.appId, x));
        if (!verdict.ok) {
          x.note = {
            key: `sae-rollback:refused:${verdict.rule}:co:${changeOrderId}`,
            ttlMs: this.#retentionMs,
          };
          return finish({ ...base, ...refusedDraft(verdict, `change order ${changeOrderId}`) });
        }
      }
      if (TERMINAL_STATUSES.has(co.status)) return await this.#finished(co, changes, x);
      if (co.coTypeCode) {
        await this.#store
          .putValue(typeKey(changeOrderId), co.coTypeCode, this.#retentionMs)
          .catch(() => undefined);
      }
      const rule =
        changeOrderRefusal(co, label(co.appId, appName), this.#rules, x.req.allowTypes) ??
        preReleaseRefusal(x.req.alarm, co, this.#rules);
      if (rule) {
        x.note = {
          key:
            rule.rule === 'change-type'
              ? notReleaseKey(changeOrderId)
              : rule.rule === 'not-started'
                ? `sae-rollback:not-started:${changeOrderId}:${co.status}`
                : evidenceKey(changeOrderId, x.req.alarm),
          ttlMs: this.#retentionMs,
        };
        return finish({ ...base, ...releaseRefusalDraft(rule) });
      }
      if (this.#valves) {
        const admission = await this.#valves.admit({ appId: co.appId, changeOrderId, changes });
        if (!admission.ok) {
          // Re-checked on every delivery (a valve that opens lets the next one through); only the
          // publication of the same suppression is not repeated while it lasts.
          x.note = {
            key: `sae-rollback:suppressed:${admission.valve}:${changeOrderId}`,
            ttlMs: this.#retentionMs,
          };
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
      if (this.#policy?.dryRun) {
        await undo?.();
        return finish({
          ...base,
          outcome: 'dry-run',
          summary: `Dry run: would have aborted change order ${changeOrderId} of ${label(co.appId, appName)} (${describeStatus(co.status)}) and rolled the app back. Nothing was changed.`,
        });
      }
      abortSent = true;
      // Written ahead: if this delivery dies during the abort, whoever finishes the change order later
      // (a redelivery, the guard's orphan sweep) knows the abort may have landed, confirms it with
      // DescribeChangeOrder and publishes `aborted` — never a silent `already-finished`.
      await this.#store.putValue(
        abortAttemptKey(changeOrderId),
        String(this.#clock.now()),
        this.#retentionMs,
      );
      await call('AbortAndRollbackChangeOrder', () => sae.abortAndRollbackChangeOrder(changeOrderId));
      const was = `was ${describeStatus(co.status)}${co.subStatus === 1 ? ' with an exception' : ''}`;
      return finish({
        ...base,
        outcome: 'aborted',
        summary:
          co.supportRollback === false
            ? `Aborted change order ${changeOrderId} of ${label(co.appId, appName)} (${was}); SAE says it cannot be rolled back (SupportRollback: false), so the abort only stopped it — the app was NOT rolled back. Check its instances and redeploy the previous version by hand.`
            : `Aborted change order ${changeOrderId} of ${label(co.appId, appName)} (${was}) and rolled the app back.`,
      });
    } catch (err) {
      if (abortSent && abortAmbiguous(err)) {
        // SAE may have run the abort and lost the answer (5xx, reset, timeout): remember that, so the
        // redelivery that finds the change order terminated says `aborted`, and keep the valves' slots.
        await this.#store
          .putValue(abortAttemptKey(changeOrderId), String(this.#clock.now()), this.#retentionMs)
          .catch(() => undefined);
      } else {
        // No rollback happened: give the cool-down and the cap slot back, and take back the write-ahead.
        await undo?.().catch(() => undefined);
        if (abortSent)
          await this.#store.putValue(abortAttemptKey(changeOrderId), '', 1).catch(() => undefined);
      }
      const base = {
        changeOrderId,
        ...(resolvedApp ? { appId: resolvedApp } : {}),
        ...(appName ? { appName } : {}),
      };
      if (err instanceof SaeError && err.kind === SaeErrorKind.AlreadyDone) {
        if (abortSent && this.#bakeWindowMs > 0) {
          // It finished while we were aborting it: decide again from its final state (the bake window).
          const final = await call('DescribeChangeOrder', () => sae.describeChangeOrder(changeOrderId)).catch(
            () => undefined,
          );
          if (final && TERMINAL_STATUSES.has(final.status)) return this.#finished(final, changes, x);
        }
        return finish({
          ...base,
          outcome: 'already-finished',
          summary: `Change order ${changeOrderId} finished before it could be aborted (${err.code}).`,
        });
      }
      return finish({ ...base, ...failure(err, `change order ${changeOrderId}`) });
    }
  }

  /** A change order that has finished: the bake window's decision, a lost abort confirmed, or nothing. */
  async #finished(co: ChangeOrder, changes: number, x: Ctx): Promise<Outcome> {
    const { changeOrderId, appId, appName } = co;
    if (
      this.#bakeWindowMs > 0 &&
      (co.status === ChangeOrderStatus.Succeeded || co.status === ChangeOrderStatus.Failed)
    ) {
      const verdict = await this.#bakeCheck(appId, changeOrderId, undefined, false, x);
      if (verdict.eligible) return this.#bakeAct(appId, changeOrderId, verdict, changes, x, appName);
    }
    const base = {
      changeOrderId,
      appId,
      ...(appName ? { appName } : {}),
      changeOrderStatus: co.status,
    };
    if (co.status === ChangeOrderStatus.Terminated && (await this.#abortMayHaveLanded(changeOrderId))) {
      return x.finish({
        ...base,
        outcome: 'aborted',
        summary: `Aborted change order ${changeOrderId} of ${label(appId, appName)} and rolled the app back (confirmed now: an earlier delivery's abort landed but its answer was lost).`,
      });
    }
    return x.finish({
      ...base,
      outcome: 'already-finished',
      summary: `Change order ${changeOrderId} of ${label(appId, appName)} already ${describeStatus(co.status)}; nothing to abort.`,
    });
  }

  async #abortMayHaveLanded(changeOrderId: string): Promise<boolean> {
    // '' is a withdrawn write-ahead (the abort provably did not run).
    return !!(await this.#store.getValue(abortAttemptKey(changeOrderId)).catch(() => undefined));
  }

  /** The store key of a change order's record; dry-run decisions never share records with real ones. */
  #key(changeOrderId: string): string {
    return this.#policy?.dryRun ? `sae-rollback:dry-run:co:${changeOrderId}` : changeOrderKey(changeOrderId);
  }

  /**
   * The policy on what the request says: minimum severity, and — when it names an app — opt-out and the
   * allowlist, before any SAE call about the app (a namespace allowlist may first list the allowed
   * namespaces' apps, cached). A refusal is published once and remembered like a permanent failure.
   */
  async #admitRequest(req: RollbackRequest, inv: InvocationInfo, x: Ctx): Promise<Decision | undefined> {
    if (!this.#policy) return undefined;
    let verdict: Verdict = this.#policy.severity(req.alarm);
    const what = req.appId ? `app ${req.appId}` : `change order ${req.changeOrderId ?? '-'}`;
    if (verdict.ok && req.appId) {
      try {
        verdict = await this.#policy.app(req.appId, this.#namespaceFinder(req.appId, x));
      } catch (err) {
        if (!(err instanceof SaeError)) throw err;
        return fresh(x.finish(failure(err, `looking up the namespace of app ${req.appId}`)));
      }
    }
    if (verdict.ok) return undefined;
    // Keyed by what was refused — the app and change order the request names — so a refusal of one
    // request never answers a different one (issue 13, point 3).
    const named = [req.appId && `app:${req.appId}`, req.changeOrderId && `co:${req.changeOrderId}`];
    const target = named.filter(Boolean).join(':');
    const outcome = x.finish({
      ...(req.changeOrderId ? { changeOrderId: req.changeOrderId } : {}),
      ...refusedDraft(verdict, what),
    });
    // Only consulted while the same rule still refuses: a changed configuration never finds it.
    return this.#noted(
      req,
      inv,
      x,
      `sae-rollback:refused:${verdict.rule}:${target}`,
      outcome,
      this.#retentionMs,
    );
  }

  /**
   * Publishes a decision that did nothing once per condition: kept under `key` (the condition, never
   * the change order alone), a repeat of it is a duplicate that is not published again.
   */
  async #noted(
    req: RollbackRequest,
    inv: InvocationInfo,
    x: Ctx,
    key: string,
    outcome: Outcome,
    ttlMs: number,
  ): Promise<Decision> {
    const claim = await this.#store.claim(key, this.#defaultClaimMs);
    if (claim.status === 'in-progress') return { outcome };
    if (claim.status === 'completed') {
      const original = claim.record.outcome;
      const dup = this.#outcome(req, inv, x.trace, {
        outcome: 'duplicate',
        ...(original.changeOrderId ? { changeOrderId: original.changeOrderId } : {}),
        ...(original.appId ? { appId: original.appId } : {}),
        original: { outcome: original.outcome, at: original.decidedAt },
        summary: `Already reported at ${original.decidedAt} (${original.outcome}); not reporting it again. ${original.summary}`,
        ...(original.reason ? { reason: original.reason } : {}),
      });
      return claim.record.notified
        ? { outcome: dup }
        : { outcome: dup, publish: original, storeKey: key, delivered: claim.record.delivered };
    }
    const stored = await this.#store.complete(key, claim.token, outcome, ttlMs);
    return stored ? { outcome, publish: outcome, storeKey: key } : fresh(outcome);
  }

  /**
   * Another delivery holds the change order and has no outcome yet: answer "retry" — the platform
   * delivers again, and that delivery finds the outcome, or takes over a claim whose holder died (as
   * Powertools' IdempotencyAlreadyInProgressError). Nothing is published for it.
   */
  #inProgress(x: Ctx, changeOrderId: string, expiresAt: number): Decision {
    const outcome = x.finish({
      outcome: 'in-progress',
      changeOrderId,
      retryable: true,
      summary: `Change order ${changeOrderId} is being handled by another delivery (its claim runs until ${new Date(expiresAt).toISOString()}); not acting twice. Deliver again: the next delivery finds its outcome, or takes over if that delivery died.`,
    });
    return { outcome, retry: true };
  }

  /** Finds which allowed namespace holds an app (ListApplications through the budget, cached). */
  #namespaceFinder(appId: string, x: Ctx) {
    const app = x.app;
    if (!app) return undefined;
    return (allowed: readonly string[]) =>
      this.#directory.findNamespace(appId, allowed, (q) =>
        x.call('ListApplications', () => app.listApplications(q)),
      );
  }

  /**
   * Whether a finished change order is one the bake window undoes now. `latestKnown`: the caller knows
   * it is the app's latest (else DescribeApplicationStatus, cached, must say so). `statusName` (SAE's
   * LastChangeOrderStatus) saves the look-up when it already rules the change order out.
   */
  async #bakeCheck(
    appId: string,
    changeOrderId: string,
    statusName: string | undefined,
    latestKnown: boolean,
    x: Ctx,
  ): Promise<BakeVerdict> {
    if (this.#bakeWindowMs <= 0) return { eligible: false, why: '' };
    if (statusName !== undefined && statusName !== 'SUCCESS' && statusName !== 'FAIL') {
      return { eligible: false, why: '' };
    }
    if (!latestKnown) {
      const lookup = () => x.call('DescribeApplicationStatus', () => x.sae.describeApplicationStatus(appId));
      const status = this.#cache
        ? (await this.#cache.resolve(appId, lookup, x.workUntil)).status
        : await lookup();
      if (status.lastChangeOrderId !== changeOrderId) {
        return { eligible: false, why: `app ${appId} has a newer change order` };
      }
    }
    const facts = await this.#facts.get(
      appId,
      changeOrderId,
      (q) => x.call('ListChangeOrders', () => x.sae.listChangeOrders(q)),
      { finished: true },
    );
    if (!facts) return { eligible: false, why: `SAE does not list it among the app's latest change orders` };
    return bakeEligibility(facts, this.#clock.now(), this.#bakeWindowMs);
  }

  /**
   * Inside the bake window: ListAppVersions → (valves, dry-run) → RollbackApplication to the version
   * before the newest. Claimed under the finished change order's key, so a second alarm is a duplicate.
   */
  async #bakeAct(
    appId: string,
    changeOrderId: string,
    bake: Extract<BakeVerdict, { eligible: true }>,
    changes: number,
    x: Ctx,
    appName?: string,
  ): Promise<Outcome> {
    const base = {
      changeOrderId,
      appId,
      ...(appName ? { appName } : {}),
      changeOrderStatus: bake.facts.status,
    };
    const why =
      bake.kind === 'succeeded'
        ? `its release ${changeOrderId} succeeded ${duration(bake.ageMs)} ago, inside the ${duration(this.#bakeWindowMs)} bake window`
        : `its single-batch release ${changeOrderId} failed ${duration(bake.ageMs)} ago, and SAE does not roll those back`;
    const app = x.app;
    let undo: (() => Promise<void>) | undefined;
    try {
      if (!app) throw new Error('no SAE application client');
      const pair = await bakeTarget({
        appId,
        releaseId: changeOrderId,
        listChangeOrders: (q) => x.call('ListChangeOrders', () => x.sae.listChangeOrders(q)),
        listAppVersions: () => x.call('ListAppVersions', () => app.listAppVersions(appId)),
        remembered: (id) => rememberedTarget(this.#store, id),
      });
      if (!pair.ok) return x.finish({ ...base, ...uncertainTargetDraft(appId, why, pair) });
      const versionInfo = { versions: { from: pair.from.versionId, to: pair.to.versionId } };
      const move = `from version ${versionLabel(pair.from)} to ${versionLabel(pair.to)}`;
      if (this.#valves) {
        const admission = await this.#valves.admit({ appId, changeOrderId, changes });
        if (!admission.ok) {
          return x.finish({
            ...base,
            ...versionInfo,
            outcome: 'suppressed',
            valve: admission.valve,
            summary: `Did not roll app ${appId} back ${move} (${why}): suppressed by the ${admission.valve} safety valve.`,
            reason: admission.reason,
          });
        }
        undo = admission.undo;
      }
      if (this.#policy?.dryRun) {
        await undo?.();
        return x.finish({
          ...base,
          ...versionInfo,
          outcome: 'dry-run',
          summary: `Dry run: would have rolled app ${appId} back ${move} (RollbackApplication), because ${why}. Nothing was changed.`,
        });
      }
      const res = await x.call('RollbackApplication', () =>
        app.rollbackApplication({ appId, versionId: pair.to.versionId }),
      );
      if (res.changeOrderId) x.started = res.changeOrderId;
      if (res.isNeedApproval) {
        return x.finish({
          ...base,
          ...versionInfo,
          ...awaitingApprovalDraft(appId, move, why, res.changeOrderId),
        });
      }
      return x.finish({
        ...base,
        ...versionInfo,
        outcome: 'rolled-back-application',
        summary: `Rolled app ${appId} back ${move}, because ${why}${res.changeOrderId ? ` (SAE change order ${res.changeOrderId})` : ''}.`,
      });
    } catch (err) {
      await undo?.().catch(() => undefined);
      return x.finish({ ...base, ...failure(err, `rolling back app ${appId}`) });
    }
  }

  /**
   * Remembers the change order RollbackApplication started under its own key, as already handled: a
   * later alarm that resolves the app to it (still running, or finished) gets a duplicate, and is never
   * taken for a bad release to abort.
   */
  async #rememberStarted(startedId: string, outcome: Outcome): Promise<void> {
    const key = changeOrderKey(startedId);
    const claim = await this.#store.claim(key, this.#defaultClaimMs);
    if (claim.status !== 'claimed') return;
    if (await this.#store.complete(key, claim.token, outcome, this.#retentionMs)) {
      await this.#store.markNotified(key);
    }
  }

  #duplicate(
    req: RollbackRequest,
    inv: InvocationInfo,
    trace: SaeTrace[],
    changeOrderId: string,
    record: CompletedRecord,
    storeKey = this.#key(changeOrderId),
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
      : { outcome, publish: original, storeKey, delivered: record.delivered };
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
      ...(this.#policy?.dryRun ? { dryRun: true } : {}),
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
