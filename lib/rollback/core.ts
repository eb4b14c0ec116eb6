import type { Budget } from '../budget/budget.js';
import { type Clock, systemClock } from '../clock.js';
import { ResolutionCache } from '../idempotency/resolution-cache.js';
import { changeOrderKey, type Store } from '../idempotency/store.js';
import { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import type { Valves } from '../policy/valves.js';
import type { SaeAppApi } from '../sae/app-types.js';
import type { SaeApi } from '../sae/types.js';
import { Act } from './act.js';
import type { RollbackCoreOptions } from './core-options.js';

export type { RollbackCoreOptions } from './core-options.js';

import { type AdmitOptions, admitRequest } from './admit.js';
import { type BakeVerdict, ChangeOrderFactsCache } from './bake.js';
import { BakeWindow } from './bake-window.js';
import { type ClaimOptions, claimChangeOrder } from './claim.js';
import { type Ctx, type Decision, fresh, meteredClients } from './context.js';
import { type Draft, releaseRefusalDraft } from './drafts.js';
import type { Outcome, SaeTrace } from './outcome.js';
import { type RecordOptions, recordOutcome } from './record.js';
import { buildOutcome, noted, type Stamp } from './records.js';
import { DEFAULT_RELEASE_RULES, evidenceKey, type ReleaseRules, staleAlarmRefusal } from './release-rules.js';
import { type ResolveOptions, resolveApp } from './resolve.js';
import type { InvocationInfo, RollbackRequest } from './types.js';

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
  readonly #bake: BakeWindow;
  readonly #act: Act;
  readonly #admit: AdmitOptions;
  readonly #resolve: ResolveOptions;
  readonly #claimOpts: ClaimOptions;
  readonly #recordOpts: RecordOptions;
  readonly #policy: Policy | undefined;
  readonly #directory: AppDirectory;
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
    this.#rules = opts.rules ?? DEFAULT_RELEASE_RULES;
    this.#inProgressWaitMs = opts.inProgressWaitMs ?? 2_000;
    const ttlMs = opts.resolutionTtlMs ?? 10_000;
    this.#cache =
      ttlMs > 0 ? new ResolutionCache({ store: opts.store, ttlMs, clock: this.#clock }) : undefined;
    this.#bake = new BakeWindow({
      store: this.#store,
      clock: this.#clock,
      windowMs: this.#bakeWindowMs,
      retentionMs: this.#retentionMs,
      claimMs: this.#defaultClaimMs,
      cache: this.#cache,
      facts: new ChangeOrderFactsCache({ store: opts.store, ttlMs: this.#retentionMs }),
      valves: this.#valves,
      policy: this.#policy,
    });
    this.#act = new Act({
      store: this.#store,
      clock: this.#clock,
      retentionMs: this.#retentionMs,
      failureRetentionMs: this.#failureRetentionMs,
      valves: this.#valves,
      policy: this.#policy,
      rules: this.#rules,
      directory: this.#directory,
      bake: this.#bake,
    });
    this.#resolve = {
      store: this.#store,
      cooldowns: this.#valves !== undefined,
      cache: this.#cache,
      bake: this.#bake,
      key: (id) => this.#key(id),
      recheckMs: opts.cooldownRecheckMs ?? 30_000,
    };
    this.#claimOpts = {
      store: this.#store,
      clock: this.#clock,
      rules: this.#rules,
      defaultClaimMs: this.#defaultClaimMs,
      inProgressWaitMs: this.#inProgressWaitMs,
    };
    this.#recordOpts = {
      store: this.#store,
      bake: this.#bake,
      retentionMs: this.#retentionMs,
      failureRetentionMs: this.#failureRetentionMs,
      defaultClaimMs: this.#defaultClaimMs,
    };
    this.#admit = {
      policy: this.#policy,
      directory: this.#directory,
      store: this.#store,
      claimMs: this.#defaultClaimMs,
      retentionMs: this.#retentionMs,
    };
  }

  async decide(req: RollbackRequest, inv: InvocationInfo = {}): Promise<Decision> {
    const trace: SaeTrace[] = [];
    const finish = (d: Draft): Outcome => buildOutcome(req, inv, trace, d, this.#stamp());
    // Waits for budget tokens, for another delivery's look-up and throttling backoff all end here.
    const workUntil = (inv.deadline ?? this.#clock.now() + this.#defaultClaimMs) - this.#marginMs;
    const { sae, app, call } = meteredClients(
      {
        sae: this.#sae,
        app: this.#app,
        budget: this.#budget,
        callPolicy: this.#callPolicy,
        clock: this.#clock,
      },
      workUntil,
      trace,
    );
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
    const { sae, call, finish } = x;
    // Every delivery counts for the flapping guard, duplicates included (a repeat is not a change).
    const changes = this.#valves ? await this.#valves.observe(req) : 0;
    // The policy, on what the request itself says: before any SAE call about it.
    const refusal = await admitRequest(this.#admit, req, x);
    if (refusal) return refusal;
    // Stale evidence (a backlog, a repeat of an old alert) is refused before any SAE call.
    // Judged at receipt: a request the orphan sweep finishes later was fresh when it arrived.
    const stale = staleAlarmRefusal(req.alarm, req.receivedAt, this.#rules);
    if (stale) {
      const target = req.changeOrderId ?? `app:${req.appId ?? '-'}`;
      const outcome = finish({
        ...(req.changeOrderId ? { changeOrderId: req.changeOrderId } : {}),
        ...releaseRefusalDraft(stale),
      });
      return noted(
        this.#store,
        this.#defaultClaimMs,
        x,
        evidenceKey(target, req.alarm),
        outcome,
        this.#retentionMs,
      );
    }
    let bake: Extract<BakeVerdict, { eligible: true }> | undefined;

    let changeOrderId = req.changeOrderId;
    const appId = req.appId;
    if (!changeOrderId) {
      const resolved = await resolveApp(this.#resolve, req, x);
      if ('decision' in resolved) return resolved.decision;
      changeOrderId = resolved.changeOrderId;
      if (resolved.bake) bake = resolved.bake;
    }

    const key = this.#key(changeOrderId);
    const claimed = await claimChangeOrder(this.#claimOpts, req, inv, x, changeOrderId, key);
    if ('decision' in claimed) return claimed.decision;

    const outcome =
      bake && appId
        ? await this.#bake.act(appId, changeOrderId, bake, changes, x)
        : await this.#act.run(changeOrderId, appId, sae, call, finish, changes, x);
    return recordOutcome(this.#recordOpts, x, changeOrderId, key, claimed.token, outcome);
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
    return buildOutcome(
      req,
      inv,
      [],
      {
        outcome: 'rejected-input',
        summary: `Rejected ${/^[aeiou]/i.test(source) ? 'an' : 'a'} ${source} event that can never be acted on: ${reason}`,
        reason,
      },
      this.#stamp(),
    );
  }

  #stamp(): Stamp {
    return { dryRun: this.#policy?.dryRun === true, now: this.#clock.now() };
  }

  /** The store key of a change order's record; dry-run decisions never share records with real ones. */
  #key(changeOrderId: string): string {
    return this.#policy?.dryRun ? `sae-rollback:dry-run:co:${changeOrderId}` : changeOrderKey(changeOrderId);
  }
}
