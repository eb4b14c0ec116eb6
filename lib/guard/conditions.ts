import type { MetricRule } from '../cms/index.js';
import { duration } from '../rollback/bake.js';
import type { Alarm } from '../rollback/outcome.js';
import { ChangeOrderStatus } from '../sae/types.js';
import type { GuardCondition } from './types.js';

/**
 * DescribeApplicationStatus `LastChangeOrderStatus` → DescribeChangeOrder `Status`. The SAE docs list
 * both in the same order with the same descriptions; this pairing is read from that (as the emulator's).
 */
export const LAST_STATUS_CODES: Readonly<Record<string, number>> = {
  READY: ChangeOrderStatus.Preparing,
  RUNNING: ChangeOrderStatus.Executing,
  SUCCESS: ChangeOrderStatus.Succeeded,
  FAIL: ChangeOrderStatus.Failed,
  ABORT: ChangeOrderStatus.Terminated,
  WAIT_BATCH_CONFIRM: ChangeOrderStatus.WaitingManualBatch,
  AUTO_BATCH_WAIT: ChangeOrderStatus.WaitingAutoBatch,
  SYSTEM_FAIL: ChangeOrderStatus.SystemFailure,
  WAIT_APPROVAL: ChangeOrderStatus.PendingApproval,
  APPROVED: ChangeOrderStatus.ApprovedPending,
};

/** What the guard knows about an app's running change order. */
export interface RunningState {
  status: number;
  /** SubStatus 1 (DescribeChangeOrder), or `RUNNING_BUT_HAS_ERROR` (DescribeApplicationStatus). */
  exception: boolean;
  createdAt?: number;
  /** When the guard first saw it waiting for a manual batch confirmation (this wait). */
  waitingSince?: number;
}

export interface Limits {
  maxExecutingMs: number;
  maxBatchWaitMs: number;
}

/** The first guard condition a running change order meets, most certain first; undefined when healthy. */
export function runningCondition(
  s: RunningState,
  now: number,
  limits: Limits,
  rules: readonly MetricRule[] = [],
): { condition: GuardCondition; detail: string } | undefined {
  if (s.exception) {
    return {
      condition: 'release-exception',
      detail: 'executing with SubStatus 1 (an exception during the release)',
    };
  }
  const executing =
    s.status === ChangeOrderStatus.Executing || s.status === ChangeOrderStatus.WaitingAutoBatch;
  if (executing && limits.maxExecutingMs > 0 && s.createdAt !== undefined) {
    const age = now - s.createdAt;
    if (age > limits.maxExecutingMs) {
      return {
        condition: 'executing-too-long',
        detail: `executing for ${duration(age)}, longer than the ${duration(limits.maxExecutingMs)} allowed`,
      };
    }
  }
  if (
    s.status === ChangeOrderStatus.WaitingManualBatch &&
    limits.maxBatchWaitMs > 0 &&
    s.waitingSince !== undefined
  ) {
    const waited = now - s.waitingSince;
    if (waited > limits.maxBatchWaitMs) {
      return {
        condition: 'batch-wait-too-long',
        detail: `waiting for a manual batch confirmation for at least ${duration(waited)}, longer than the ${duration(limits.maxBatchWaitMs)} allowed`,
      };
    }
  }
  if (rules.length > 0) return { condition: 'cloudmonitor-alarm', detail: alarmDetail(rules) };
  return undefined;
}

export function alarmDetail(rules: readonly MetricRule[]): string {
  const names = rules.map((r) => r.ruleName ?? r.ruleId).slice(0, 3);
  return `CloudMonitor rule${rules.length > 1 ? 's' : ''} in ALARM: ${names.join(', ')}${rules.length > 3 ? ', …' : ''}`;
}

/** The alarm a finding carries to the core (and into the outcome): the guard, or the CloudMonitor rule. */
export function findingAlarm(
  condition: GuardCondition,
  detail: string,
  rules: readonly MetricRule[],
  alarmingSince?: number,
): Alarm {
  const rule = condition === 'cloudmonitor-alarm' ? rules[0] : undefined;
  if (!rule) return { source: 'guard', name: condition, state: 'ALARM', value: detail };
  return {
    source: 'guard',
    name: rule.ruleName ?? condition,
    state: 'ALARM',
    value: detail,
    ruleId: rule.ruleId,
    // When the guard first saw the rule alarming: the core compares it with the release's start.
    ...(alarmingSince !== undefined ? { firedAt: new Date(alarmingSince).toISOString() } : {}),
    ...(rule.metricName ? { metric: rule.metricName } : {}),
    // The most severe level the rule escalates at: what POLICY_MIN_SEVERITY compares.
    ...(rule.levels[0] ? { severity: rule.levels[0] } : {}),
  };
}
