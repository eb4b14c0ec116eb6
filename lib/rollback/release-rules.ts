import { z } from 'zod';
import { wholeNumber } from '../config-values.js';
import { commaSeparated } from '../env-list.js';
import { parseSaeTime } from '../sae/time.js';
import { type ChangeOrder, ChangeOrderStatus, describeStatus } from '../sae/types.js';
import { duration } from './bake.js';
import type { Alarm } from './outcome.js';

/**
 * What makes an abort the right act, beyond the app and the policy: the running change order is a
 * release (not a scale-out, a restart or somebody's rollback), it has started, and the evidence is about
 * it — the alarm began after the release did, and is not stale. Pure rules over the change order SAE
 * described and the alarm the source sent; the core turns each "no" into one published `refused`.
 */

/** Every `CoTypeCode` SAE documents (DescribeChangeOrder / ListChangeOrders, both start/stop spellings). */
export const CHANGE_TYPES = [
  'CoBindSlb',
  'CoUnbindSlb',
  'CoCreateApp',
  'CoDeleteApp',
  'CoDeploy',
  'CoRestartApplication',
  'CoRollback',
  'CoScaleIn',
  'CoScaleOut',
  'CoStart',
  'CoStop',
  'CoStartApplication',
  'CoStopApplication',
  'CoRescaleApplicationVertically',
  'CoDeployHistroy',
  'CoBindNas',
  'CoUnbindNas',
  'CoBatchStartApplication',
  'CoBatchStopApplication',
  'CoRestartInstances',
  'CoDeleteInstances',
  'CoScaleInAppWithInstances',
] as const;

/** Types that take the app back to an earlier version: never aborted unless named explicitly. */
export const ROLLBACK_TYPES: ReadonlySet<string> = new Set(['CoRollback', 'CoDeployHistroy']);

/** Statuses of a release that has not started yet (preparing, pending approval, approved and waiting). */
export const NOT_STARTED: ReadonlySet<number> = new Set([
  ChangeOrderStatus.Preparing,
  ChangeOrderStatus.PendingApproval,
  ChangeOrderStatus.ApprovedPending,
]);

export interface ReleaseRules {
  /** Change types that may be aborted; `*` in the list: every type but rollbacks. */
  abortTypes: ReadonlySet<string>;
  /** Abort releases that have not started (status 0, 11, 12) too. Default false. */
  abortNotStarted: boolean;
  /** An alarm that began longer ago than this is stale (0: no limit). */
  maxAlarmAgeMs: number;
  /** An alarm that began this long before the release started still counts as about it. */
  preReleaseGraceMs: number;
  /** CodeDeploy's behaviour: any firing alarm stops any release, whatever its age. */
  anyFiringAlarm: boolean;
}

export const DEFAULT_RELEASE_RULES: ReleaseRules = {
  abortTypes: new Set(['CoDeploy']),
  abortNotStarted: false,
  maxAlarmAgeMs: 600_000,
  preReleaseGraceMs: 60_000,
  anyFiringAlarm: false,
};

const typeList = commaSeparated('CoDeploy').refine(
  (xs) => xs.length > 0 && xs.every((x) => x === '*' || (CHANGE_TYPES as readonly string[]).includes(x)),
  `must be a comma-separated list of SAE CoTypeCode values (e.g. CoDeploy,CoRescaleApplicationVertically) or *; known: ${CHANGE_TYPES.join(', ')}`,
);
const bool = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');
const seconds = (def: number) => wholeNumber(def, 0, 7 * 86_400);

/** The environment variables of these rules (merged into the config schema). */
export const releaseEnvSchema = z.object({
  ABORT_CHANGE_TYPES: typeList,
  ABORT_NOT_STARTED: bool,
  ALARM_MAX_AGE_SECONDS: seconds(600),
  ALARM_PRE_RELEASE_GRACE_SECONDS: seconds(60),
  STOP_ON_ANY_FIRING_ALARM: bool,
});

export function releaseRulesFrom(e: z.infer<typeof releaseEnvSchema>): ReleaseRules {
  return {
    abortTypes: new Set(e.ABORT_CHANGE_TYPES),
    abortNotStarted: e.ABORT_NOT_STARTED,
    maxAlarmAgeMs: e.ALARM_MAX_AGE_SECONDS * 1000,
    preReleaseGraceMs: e.ALARM_PRE_RELEASE_GRACE_SECONDS * 1000,
    anyFiringAlarm: e.STOP_ON_ANY_FIRING_ALARM,
  };
}

/** A "no" with the rule that said it and what to do; the core publishes it as `refused`. */
export interface ReleaseRefusal {
  rule: 'change-type' | 'not-started' | 'alarm-age' | 'pre-release-alarm';
  summary: string;
  reason: string;
}

/** Whether a change order of this type may be aborted. `extra`: types an operator allowed for this one act. */
export function mayAbortType(
  type: string | undefined,
  rules: ReleaseRules,
  extra: readonly string[] = [],
): boolean {
  if (!type) return false;
  if (extra.includes(type) || rules.abortTypes.has(type)) return true;
  return rules.abortTypes.has('*') && !ROLLBACK_TYPES.has(type);
}

/** The change order itself: a release of an allowed type that has started. */
export function changeOrderRefusal(
  co: Pick<ChangeOrder, 'changeOrderId' | 'coTypeCode' | 'status'>,
  what: string,
  rules: ReleaseRules,
  extra: readonly string[] = [],
): ReleaseRefusal | undefined {
  if (!mayAbortType(co.coTypeCode, rules, extra)) {
    const type = co.coTypeCode ?? 'a change of unknown type';
    const kind = ROLLBACK_TYPES.has(co.coTypeCode ?? '') ? 'a rollback' : 'not a release';
    return {
      rule: 'change-type',
      summary: `Nothing done: the running change order ${co.changeOrderId} of ${what} is ${type} (${kind}), not a release sae-rollback aborts.`,
      reason: `change-type: only ${[...rules.abortTypes, ...extra].join(', ')} change orders are aborted (ABORT_CHANGE_TYPES); a ${type} is left to run. If this alarm is about a bad release, it is not the one running now; abort by hand with \`sae-rollback abort --allow-type ${type}\` if you mean it.`,
    };
  }
  if (NOT_STARTED.has(co.status) && !rules.abortNotStarted) {
    return {
      rule: 'not-started',
      summary: `Nothing done: change order ${co.changeOrderId} of ${what} has not started (${describeStatus(co.status)}); the alarm cannot be about it.`,
      reason:
        'not-started: a release that is preparing or awaiting approval may be the fix; it is not aborted (ABORT_NOT_STARTED=true changes that). If it must not run, reject it in SAE.',
    };
  }
  return undefined;
}

/** When the alarm began (epoch ms), as its source says; undefined when the source gives no time. */
export function alarmBegan(alarm: Alarm | undefined): number | undefined {
  if (!alarm?.firedAt) return undefined;
  const t = Date.parse(alarm.firedAt);
  return Number.isFinite(t) ? t : undefined;
}

/** The evidence on its own: an alarm that began longer ago than the limit is stale (no SAE call needed). */
export function staleAlarmRefusal(alarm: Alarm | undefined, now: number, rules: ReleaseRules) {
  const began = alarmBegan(alarm);
  if (rules.anyFiringAlarm || rules.maxAlarmAgeMs <= 0 || began === undefined) return undefined;
  const age = now - began;
  if (age <= rules.maxAlarmAgeMs) return undefined;
  return {
    rule: 'alarm-age',
    summary: `Nothing done: the alarm began ${duration(age)} ago (${alarm?.firedAt}), longer than the ${duration(rules.maxAlarmAgeMs)} sae-rollback trusts (a late or repeated delivery).`,
    reason: `alarm-age: evidence older than ALARM_MAX_AGE_SECONDS is not acted on — it may be about an earlier release, or delivered from a backlog. If a release is bad now, a fresh alarm will stop it; roll back by hand if needed. STOP_ON_ANY_FIRING_ALARM=true acts on any firing alarm.`,
  } satisfies ReleaseRefusal;
}

/** The evidence against the release: an alarm that began before the release started is not about it. */
export function preReleaseRefusal(
  alarm: Alarm | undefined,
  co: Pick<ChangeOrder, 'changeOrderId' | 'createTime'>,
  rules: ReleaseRules,
): ReleaseRefusal | undefined {
  const began = alarmBegan(alarm);
  const started = parseSaeTime(co.createTime);
  if (rules.anyFiringAlarm || began === undefined || started === undefined) return undefined;
  const ahead = started - began;
  if (ahead <= rules.preReleaseGraceMs) return undefined;
  return {
    rule: 'pre-release-alarm',
    summary: `Nothing done: the alarm has fired since ${alarm?.firedAt}, ${duration(ahead)} before change order ${co.changeOrderId} started; it is not evidence against this release.`,
    reason:
      'pre-release-alarm: the alert has fired since before this release started — if this release is a fix, nothing was done, as it should be. If an alert that is already firing should stop every release, set STOP_ON_ANY_FIRING_ALARM=true (or raise ALARM_PRE_RELEASE_GRACE_SECONDS).',
  };
}

/** The identity of one piece of evidence for one change order: repeats of it are the same condition. */
export function evidenceKey(changeOrderId: string, alarm: Alarm | undefined): string {
  const parts = [alarm?.source ?? '-', alarm?.ruleId ?? alarm?.name ?? '-', alarm?.firedAt ?? '-'];
  return `sae-rollback:evidence:${changeOrderId}:${parts.join('|').slice(0, 300)}`;
}
