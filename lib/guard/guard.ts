import { randomUUID } from 'node:crypto';
import type { Analysis } from '../analysis/analysis.js';
import type { Budget } from '../budget/budget.js';
import { type Clock, systemClock } from '../clock.js';
import type { CmsApi, MetricRule } from '../cms/index.js';
import type { FollowReport } from '../follow/types.js';
import { ResolutionCache } from '../idempotency/resolution-cache.js';
import type { Store } from '../idempotency/store.js';
import type { Logger } from '../log.js';
import type { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import { ChangeOrderFactsCache } from '../rollback/bake.js';
import type { InvocationInfo, RollbackRequest } from '../rollback/types.js';
import { withAppCallPolicy } from '../sae/app-retry.js';
import type { SaeAppApi } from '../sae/app-types.js';
import { withCallPolicy } from '../sae/retry.js';
import type { SaeApi, SaeResult } from '../sae/types.js';
import { alarmingApps } from './alarms.js';
import { type CheckDeps, checkApp } from './check.js';
import { sweepOrphans } from './orphans.js';
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
  /** Metric analysis (ANALYSIS_CONFIG); its queries never spend SAE calls. */
  analysis?: Analysis;
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
  readonly #checkDeps: CheckDeps;

  constructor(o: GuardOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#facts = new ChangeOrderFactsCache({ store: o.store });
    const ttl = o.resolutionTtlMs ?? 10_000;
    this.#resolution =
      ttl > 0 ? new ResolutionCache({ store: o.store, ttlMs: ttl, clock: this.#clock }) : undefined;
    this.#checkDeps = {
      store: o.store,
      settings: o.settings,
      analysis: o.analysis,
      resolution: this.#resolution,
      facts: this.#facts,
    };
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
      orphans: [],
      errors: [],
    };
    const s = this.#o.settings;
    const watching = s.watchAppIds.length > 0 || s.watchNamespaceIds.length > 0;
    const now = this.#clock.now();
    const me = randomUUID();
    const leaseMs = Math.max(5_000, (inv.deadline ?? now + 60_000) - now);
    if (!(await this.#o.store.lease(RUN_LEASE, me, leaseMs))) {
      report.busy = true;
      return report;
    }
    try {
      const swept = await sweepOrphans({ store: this.#o.store, dispatch: this.#o.dispatch, now, inv });
      report.orphans = swept.orphans;
      report.errors.push(...swept.errors);
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
      orphans: report.orphans,
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

    const run = this.#o.analysis?.run();
    if (run) report.analysis = run.notes;
    const n = watch.apps.length;
    const start = Number(await this.#o.store.getValue(CURSOR)) % n || 0;
    const findings: Finding[] = [];
    let done = 0;
    for (; done < n; done++) {
      const target = watch.apps[(start + done) % n] as WatchedApp;
      try {
        const io = { sae, metered, app, run };
        const f = await checkApp(this.#checkDeps, target, alarms.get(target.appId) ?? [], now, io, inv);
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
    for (const e of run?.errors ?? []) report.errors.push(`analysis: ${e}; no measurement from it this run`);
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
}
