/** Public shapes of the CloudMonitor (CMS 2019-01-01) emulator. */

import type { PopEmulatorBase } from '../kit/split-server.js';
import type { CallRecord, EmulatorCredential, Fault } from '../sae/types.js';

export type { CallRecord, EmulatorCredential, Fault } from '../sae/types.js';

/** `AlertState` values (TS SDK `DescribeMetricRuleListRequest`): there is no `ALERT`, an active alert is `ALARM`. */
export const ALERT_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Escalation levels of a threshold rule (`Escalations.Critical/Warn/Info`). */
export const ALERT_LEVELS = ['CRITICAL', 'WARN', 'INFO'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** Seed for one alert rule. */
export interface SeedRuleInput {
  /** Default a `putNewAlarm_user_<uuid>`-style ID. */
  ruleId?: string;
  ruleName?: string;
  /** Default `acs_serverless` (SAE's metric namespace). */
  namespace?: string;
  /** Default `cpu`. */
  metricName?: string;
  /** Shorthand for `dimensions: { appId }`. */
  appId?: string;
  /** The resources the rule watches; one object or several. */
  dimensions?: Record<string, string> | Array<Record<string, string>>;
  /** Default `OK`. */
  alertState?: AlertState;
  /** Default true. */
  enableState?: boolean;
  /** Default `CRITICAL`. */
  level?: AlertLevel;
  groupId?: string;
  /** Statistical period in seconds; default 60. */
  period?: number;
}

/** An alert rule as the emulator holds it. Times are epoch ms from the emulator clock. */
export interface MetricRuleView {
  ruleId: string;
  ruleName: string;
  namespace: string;
  metricName: string;
  dimensions: Array<Record<string, string>>;
  alertState: AlertState;
  enableState: boolean;
  level: AlertLevel;
  groupId: string;
  period: number;
  createTime: number;
  updateTime: number;
  /** When `alertState` last changed (or the rule was created). */
  alertStateSince: number;
}

export interface CmsSnapshot {
  rules: MetricRuleView[];
  faults: Array<Fault & { remaining: number }>;
  accessKeyIds: string[];
}

/** A running CMS emulator: a real HTTP server on 127.0.0.1 plus in-process controls. */
/** `url`/`endpoint` (`127.0.0.1:PORT`, for openapi-client's `Config.endpoint` with `protocol: 'http'`). */
export interface CmsEmulator extends PopEmulatorBase<EmulatorCredential, CallRecord> {
  seedRule(input: SeedRuleInput): MetricRuleView;
  setAlertState(ruleId: string, alertState: AlertState): MetricRuleView;
  setEnableState(ruleId: string, enabled: boolean): MetricRuleView;
  getRule(ruleId: string): MetricRuleView | undefined;
  /** Rules in seeding order. */
  rules(): MetricRuleView[];
  callsTo(action: string): CallRecord[];
  clearCalls(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Forgets rules, calls and faults; credentials and used nonces stay. */
  reset(): void;
  snapshot(): CmsSnapshot;
}
