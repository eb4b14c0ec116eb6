import { randomUUID } from 'node:crypto';
import type { Budget } from '../budget/budget.js';
import { type Clock, systemClock } from '../clock.js';
import type { CmsApi, MetricRule } from '../cms/index.js';
import type { FollowReport } from '../follow/types.js';
import { ResolutionCache } from '../idempotency/resolution-cache.js';
import type { Store } from '../idempotency/store.js';
import type { Logger } from '../log.js';
import type { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import { bakeEligibility, ChangeOrderFactsCache } from '../rollback/bake.js';
import type { InvocationInfo, RollbackRequest } from '../rollback/types.js';
import { withAppCallPolicy } from '../sae/app-retry.js';
import type { SaeAppApi } from '../sae/app-types.js';
import { withCallPolicy } from '../sae/retry.js';
import type { ApplicationStatus, SaeApi, SaeResult } from '../sae/types.js';
import { alarmingApps } from './alarms.js';
import {
  alarmDetail,
  findingAlarm,
  LAST_STATUS_CODES,
  type RunningState,
  runningCondition,
} from './conditions.js';
import { alarmingSince, waitingSince } from './first-seen.js';
import type { Dispatch, Finding, GuardReport, GuardSettings, WatchedApp } from './types.js';
import { watchList } from './watch-list.js';

export interface GuardOptions {
  sae: SaeApi;
  app: SaeAppApi;
  /** CloudMonitor; without it the alarm condition is off. */
  cms?: CmsApi;
  store: Store;
  /** The shared SAE budget: the guard never waits for it, it stops and goes on next run. */
  budget?: Budget;
  clock?: Clock;
  logger: Logger;
  settings: GuardSettings;
  policy?: Policy;
  directory: AppDirectory;
  /** Shared with the core's resolution cache (same store keys). Default 10 s. */
  resolutionTtlMs?: number;
  dispatch: Dispatch;
  /** Follows handled rollbacks to their end (lib/follow/check.ts), once per run. */
  followUps?: { run(inv: InvocationInfo): Promise<FollowReport> };
}

/** Thrown inside a run when its share of SAE calls is spent: the rest of the apps wait for the next run. */
class OutOfCalls extends Error {
  override readonly name = 'OutOfCalls';
}

const RUN_LEASE = 'sae-rollback:guard:run';
const CURSOR = 'sae-rollback:guard:cursor';

/**
 * The scheduled guard: on every timer tick, look at each watched app's latest change order (and its
 * CloudMonitor rules) and hand whatever needs a rollback to the decision core — the same idempotent,
 * budgeted, notified path as an alarm. One run spends at most `callsPerRun` SAE calls and never waits
 * for the budget; apps it did not reach are looked at first by the next run (a cursor in the store).
 */
export class Guard {
  readonly #o: GuardOptions;
  readonly #clock: Clock;
  readonly #facts: ChangeOrderFactsCache;
  readonly #resolution: ResolutionCache | undefined;

  constructor(o: GuardOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#facts = new ChangeOrderFactsCache({ store: o.store });
    const ttl = o.resolutionTtlMs ?? 10_000;
    this.#resolution =
      ttl > 0 ? new ResolutionCache({ store: o.store, ttlMs: ttl, clock: this.#clock }) : undefined;
  }

  get settings(): GuardSettings {
    return this.#o.settings;
  }

  /** One guard run. Never throws: problems are in the report's `errors`. */
  async run(inv: InvocationInfo = {}): Promise<GuardReport> {
    const report: GuardReport = {
      watched: 0,
      checked: [],
      findings: [],
      skipped: [],
      saeCalls: 0,
      alarming: [],
      complete: true,
      nextCursor: 0,
      busy: false,
      retry: false,
      errors: [],
    };
    const s = this.#o.settings;
    const watching = s.watchAppIds.length > 0 || s.watchNamespaceIds.length > 0;
    if (!watching && !this.#o.followUps) return report;
    const now = this.#clock.now();
    const me = randomUUID();
    const leaseMs = Math.max(5_000, (inv.deadline ?? now + 60_000) - now);
    if (!(await this.#o.store.lease(RUN_LEASE, me, leaseMs))) {
      report.busy = true;
      return report;
    }
    try {
      if (watching) await this.#run(report, inv, now);
    } catch (err) {
      report.errors.push(String((err as Error)?.message ?? err));
    } finally {
      const f = await this.#o.followUps?.run(inv);
      if (f && (f.checked > 0 || f.published.length > 0 || f.errors.length > 0)) report.followUps = f;
      await this.#o.store.unlease(RUN_LEASE, me).catch(() => undefined);
    }
    this.#o.logger.info('guard-run', {
      fcRequestId: inv.fcRequestId,
      watched: report.watched,
      checked: report.checked.length,
      saeCalls: report.saeCalls,
      findings: report.findings.map((f) => ({
        appId: f.appId,
        changeOrderId: f.changeOrderId,
        condition: f.condition,
        outcome: f.outcome,
      })),
      skipped: report.skipped.length,
      complete: report.complete,
      errors: report.errors,
    });
    return report;
  }

  async #run(report: GuardReport, inv: InvocationInfo, now: number): Promise<void> {
    const { settings, budget } = this.#o;
    // No waiting for tokens and no throttling retries: a look-up without a token ends the run early.
    const policy = { ...(budget ? { budget } : {}), deadline: now, clock: this.#clock, maxAttempts: 1 };
    const sae = withCallPolicy(this.#o.sae, policy);
    const app = withAppCallPolicy(this.#o.app, policy);
    const metered = async <T>(fn: () => Promise<SaeResult<T>>): Promise<T> => {
      if (report.saeCalls >= settings.callsPerRun) throw new OutOfCalls('this run spent its SAE calls');
      report.saeCalls++;
      return (await fn()).data;
    };

    const watch = await watchList(
      settings,
      this.#o.directory,
      (q) => metered(() => app.listApplications(q)),
      this.#o.policy,
    );
    report.watched = watch.apps.length;
    report.skipped = watch.skipped;
    report.errors.push(...watch.errors);
    if (watch.apps.length === 0) return;

    let alarms = new Map<string, MetricRule[]>();
    if (settings.cloudMonitor && this.#o.cms) {
      try {
        alarms = await alarmingApps(this.#o.cms, new Set(watch.apps.map((a) => a.appId)));
        report.alarming = [...alarms.keys()];
      } catch (err) {
        report.errors.push(`CloudMonitor: ${(err as Error).message}; the alarm condition was left out`);
      }
    }

    const n = watch.apps.length;
    const start = Number(await this.#o.store.getValue(CURSOR)) % n || 0;
    const findings: Finding[] = [];
    let done = 0;
    for (; done < n; done++) {
      const target = watch.apps[(start + done) % n] as WatchedApp;
      try {
        const f = await this.#check(target, alarms.get(target.appId) ?? [], now, { sae, metered }, inv);
        report.checked.push(target.appId);
        if (f) findings.push(f);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        if (err instanceof OutOfCalls || e.code === 'Budget.Exhausted' || e.code?.startsWith('Throttling')) {
          report.errors.push(
            `stopped after ${done} of ${n} apps: ${e.message}; the next run goes on from there`,
          );
          break;
        }
        // One app's trouble (e.g. it was deleted) never stops the others.
        report.checked.push(target.appId);
        report.errors.push(`app ${target.appId}: ${e.message ?? String(err)}`);
      }
    }
    report.complete = done >= n;
    report.nextCursor = (start + done) % n;
    await this.#o.store.putValue(CURSOR, String(report.nextCursor), 7 * 86_400_000);

    for (const f of findings) {
      const request: RollbackRequest = {
        changeOrderId: f.changeOrderId,
        appId: f.appId,
        alarm: f.alarm,
        deliveryId: `guard:${f.condition}:${f.changeOrderId}`,
        receivedAt: now,
      };
      try {
        const r = await this.#o.dispatch(request, inv);
        report.retry ||= r.retry;
        report.findings.push({
          ...f,
          ...(r.outcome ? { outcome: r.outcome } : {}),
          ...(r.summary ? { summary: r.summary } : {}),
          ...(r.messageId ? { messageId: r.messageId } : {}),
        });
      } catch (err) {
        report.retry = true;
        report.findings.push(f);
        report.errors.push(`dispatching ${f.condition} for app ${f.appId}: ${(err as Error).message}`);
      }
    }
  }

  /** One app: its latest change order against every condition. DescribeChangeOrder only when needed. */
  async #check(
    target: WatchedApp,
    rules: readonly MetricRule[],
    now: number,
    io: { sae: SaeApi; metered: <T>(fn: () => Promise<SaeResult<T>>) => Promise<T> },
    inv: InvocationInfo,
  ): Promise<Finding | undefined> {
    const { sae, metered } = io;
    const { appId } = target;
    const lookup = () => metered(() => sae.describeApplicationStatus(appId));
    const deadline = (inv.deadline ?? now + 30_000) - 2_000;
    const status: ApplicationStatus = this.#resolution
      ? (await this.#resolution.resolve(appId, lookup, deadline)).status
      : await lookup();
    const co = status.lastChangeOrderId;
    if (!co) return undefined;
    const listOrders = (q: Parameters<SaeApi['listChangeOrders']>[0]) =>
      metered(() => sae.listChangeOrders(q));
    const finding = async (condition: Finding['condition'], detail: string): Promise<Finding> => {
      const rule = condition === 'cloudmonitor-alarm' ? rules[0] : undefined;
      const since = rule ? await alarmingSince(this.#o.store, rule.ruleId, appId, now) : undefined;
      return {
        appId,
        changeOrderId: co,
        condition,
        detail,
        alarm: findingAlarm(condition, detail, rules, since),
      };
    };

    if (status.lastChangeOrderRunning) {
      const state: RunningState = {
        status: LAST_STATUS_CODES[status.lastChangeOrderStatus ?? ''] ?? -1,
        exception: status.subStatus === 'RUNNING_BUT_HAS_ERROR',
      };
      if (state.status < 0) {
        // A status string we cannot map: ask the change order itself.
        const d = await metered(() => sae.describeChangeOrder(co));
        state.status = d.status;
        state.exception ||= d.subStatus === 1;
      }
      const { maxExecutingMs, maxBatchWaitMs } = this.#o.settings;
      if (!state.exception && maxExecutingMs > 0 && (state.status === 1 || state.status === 9)) {
        // CreateTime never changes: one ListChangeOrders per change order, then the cache.
        const facts = await this.#facts.get(appId, co, listOrders);
        if (facts?.createdAt !== undefined) state.createdAt = facts.createdAt;
      }
      const waiting = await waitingSince(this.#o.store, co, state.status === 8, now);
      if (waiting !== undefined) state.waitingSince = waiting;
      const hit = runningCondition(state, now, { maxExecutingMs, maxBatchWaitMs }, rules);
      return hit ? finding(hit.condition, hit.detail) : undefined;
    }

    // Finished: only the bake window can make it a finding.
    const bakeMs = this.#o.settings.bakeWindowMs;
    const name = status.lastChangeOrderStatus;
    if (bakeMs <= 0 || !(name === 'FAIL' || (name === 'SUCCESS' && rules.length > 0))) return undefined;
    const facts = await this.#facts.get(appId, co, listOrders, { finished: true });
    if (!facts) return undefined;
    const v = bakeEligibility(facts, now, bakeMs);
    if (!v.eligible) return undefined;
    if (v.kind === 'failed-single-batch') {
      return finding('failed-single-batch', 'a single-batch release failed inside the bake window');
    }
    return finding('cloudmonitor-alarm', `${alarmDetail(rules)}, inside the bake window of its last release`);
  }
}
