import type { Analysis, AnalysisRun } from '../analysis/analysis.js';
import type { MetricRule } from '../cms/index.js';
import type { ResolutionCache } from '../idempotency/resolution-cache.js';
import type { Store } from '../idempotency/store.js';
import { bakeEligibility, type ChangeOrderFactsCache } from '../rollback/bake.js';
import type { InvocationInfo } from '../rollback/types.js';
import type { SaeAppApi } from '../sae/app-types.js';
import type { ApplicationStatus, SaeApi, SaeResult } from '../sae/types.js';
import {
  alarmDetail,
  findingAlarm,
  LAST_STATUS_CODES,
  type RunningState,
  runningCondition,
} from './conditions.js';
import { alarmingSince, releaseVersions, waitingSince } from './first-seen.js';
import type { Finding, GuardSettings, WatchedApp } from './types.js';

/** What checking one app needs of the guard. */
export interface CheckDeps {
  store: Store;
  settings: GuardSettings;
  analysis: Analysis | undefined;
  resolution: ResolutionCache | undefined;
  facts: ChangeOrderFactsCache;
}

/** One app: its latest change order against every condition. DescribeChangeOrder only when needed. */
export async function checkApp(
  d: CheckDeps,
  target: WatchedApp,
  rules: readonly MetricRule[],
  now: number,
  io: {
    sae: SaeApi;
    metered: <T>(fn: () => Promise<SaeResult<T>>) => Promise<T>;
    app: SaeAppApi;
    run?: AnalysisRun | undefined;
  },
  inv: InvocationInfo,
): Promise<Finding | undefined> {
  const { sae, metered } = io;
  const { appId } = target;
  const lookup = () => metered(() => sae.describeApplicationStatus(appId));
  const deadline = (inv.deadline ?? now + 30_000) - 2_000;
  const status: ApplicationStatus = d.resolution
    ? (await d.resolution.resolve(appId, lookup, deadline)).status
    : await lookup();
  const co = status.lastChangeOrderId;
  if (!co) return undefined;
  const listOrders = (q: Parameters<SaeApi['listChangeOrders']>[0]) => metered(() => sae.listChangeOrders(q));
  const analyse = async (): Promise<Finding | undefined> => {
    if (!d.analysis || !io.run) return undefined;
    const versions = () => releaseVersions(d.store, co, () => metered(() => io.app.listAppVersions(appId)));
    const f = await d.analysis.check({ ...target, changeOrderId: co, versions }, now, io.run);
    return f && { appId, changeOrderId: co, condition: 'metric-analysis', detail: f.detail, alarm: f.alarm };
  };
  const finding = async (condition: Finding['condition'], detail: string): Promise<Finding> => {
    const rule = condition === 'cloudmonitor-alarm' ? rules[0] : undefined;
    const since = rule ? await alarmingSince(d.store, rule.ruleId, appId, now) : undefined;
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
    const { maxExecutingMs, maxBatchWaitMs } = d.settings;
    if (!state.exception && maxExecutingMs > 0 && (state.status === 1 || state.status === 9)) {
      // CreateTime never changes: one ListChangeOrders per change order, then the cache.
      const facts = await d.facts.get(appId, co, listOrders);
      if (facts?.createdAt !== undefined) state.createdAt = facts.createdAt;
    }
    const waiting = await waitingSince(d.store, co, state.status === 8, now);
    if (waiting !== undefined) state.waitingSince = waiting;
    const hit = runningCondition(state, now, { maxExecutingMs, maxBatchWaitMs }, rules);
    return hit ? finding(hit.condition, hit.detail) : analyse();
  }

  // Finished: only the bake window can make it a finding.
  const bakeMs = d.settings.bakeWindowMs;
  const name = status.lastChangeOrderStatus;
  const watching = rules.length > 0 || d.analysis !== undefined;
  if (bakeMs <= 0 || !(name === 'FAIL' || (name === 'SUCCESS' && watching))) return undefined;
  const facts = await d.facts.get(appId, co, listOrders, { finished: true });
  if (!facts) return undefined;
  const v = bakeEligibility(facts, now, bakeMs);
  if (!v.eligible) return undefined;
  if (v.kind === 'failed-single-batch') {
    return finding('failed-single-batch', 'a single-batch release failed inside the bake window');
  }
  if (rules.length === 0) return analyse();
  return finding('cloudmonitor-alarm', `${alarmDetail(rules)}, inside the bake window of its last release`);
}
