/**
 * The slice of CloudMonitor (CMS 2019-01-01) that sae-rollback uses: which alert rules on an app are
 * firing. The adapter on `@alicloud/openapi-client` implements it; tests use the CMS emulator.
 */

/** Rule states. An active alert is `ALARM` (there is no `ALERT` value in the API). */
export const AlertState = {
  Ok: 'OK',
  Alarm: 'ALARM',
  InsufficientData: 'INSUFFICIENT_DATA',
} as const;
export type AlertState = (typeof AlertState)[keyof typeof AlertState];

/** Escalation levels a threshold rule defines (`Escalations.Critical/Warn/Info`). */
export const AlertLevel = { Critical: 'CRITICAL', Warn: 'WARN', Info: 'INFO' } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** SAE's CloudMonitor namespace (CloudMonitor metric-meta page `acs_serverless/serverless`). */
export const SAE_METRIC_NAMESPACE = 'acs_serverless';

export interface CmsResult<T> {
  requestId: string;
  data: T;
}

export interface MetricRuleQuery {
  /** Required by CMS whenever `dimensions` is set. */
  namespace?: string;
  /** e.g. `{ appId: '…' }`; sent as the JSON string CMS expects. */
  dimensions?: Readonly<Record<string, string>>;
  alertState?: AlertState;
  metricName?: string;
  /** Fuzzy match. */
  ruleName?: string;
  /** At most 20. */
  ruleIds?: readonly string[];
  enableState?: boolean;
  page: number;
  pageSize: number;
}

export interface MetricRule {
  ruleId: string;
  ruleName?: string;
  namespace?: string;
  metricName?: string;
  /** Usually an {@link AlertState}; kept as a string so a new state does not break parsing. */
  alertState?: string;
  enableState?: boolean;
  /** The resources the rule watches, parsed from CMS's JSON string (`[]` when absent or unreadable). */
  dimensions: Array<Record<string, string>>;
  /** Levels the rule escalates at, from `Escalations` (a policy may act on CRITICAL only). */
  levels: AlertLevel[];
}

export interface MetricRulePage {
  page: number;
  pageSize: number;
  total: number;
  rules: MetricRule[];
}

/** The CloudMonitor port. Every method throws `CmsError` (classified) on failure. */
export interface CmsApi {
  describeMetricRuleList(query: MetricRuleQuery): Promise<CmsResult<MetricRulePage>>;
}

/** The CMS actions this code may call: the RAM policy derives from it (`cms:<Action>`). */
export const CMS_ACTIONS = ['DescribeMetricRuleList'] as const;
export type CmsAction = (typeof CMS_ACTIONS)[number];
