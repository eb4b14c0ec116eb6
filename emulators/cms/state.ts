/** In-memory alert rules and the DescribeMetricRuleList filters over them. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { AlertState, MetricRuleView, SeedRuleInput } from './types.js';

/** SAE's CloudMonitor namespace (metric-meta page `acs_serverless/serverless`). */
export const SAE_METRIC_NAMESPACE = 'acs_serverless';

/** A refused seeding or state change. */
export class CmsStateError extends Error {
  override readonly name = 'CmsStateError';
}

/** The filters DescribeMetricRuleList applies (all optional; AND-ed). */
export interface RuleFilter {
  namespace?: string;
  metricName?: string;
  alertState?: AlertState;
  enableState?: boolean;
  ruleIds?: readonly string[];
  /** Substring ("fuzzy") match. */
  ruleName?: string;
  groupId?: string;
  /** Matches a rule when one of its dimension objects has all these key/values. */
  dimensions?: Readonly<Record<string, string>>;
}

function dimensionsMatch(rule: MetricRuleView, wanted: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(wanted);
  return rule.dimensions.some((d) => entries.every(([k, v]) => d[k] === v));
}

export class CmsState {
  readonly #rules = new Map<string, MetricRuleView>();

  constructor(private readonly clock: Clock) {}

  seedRule(input: SeedRuleInput): MetricRuleView {
    const ruleId = input.ruleId ?? `putNewAlarm_user_${randomUUID()}`;
    if (this.#rules.has(ruleId)) throw new CmsStateError(`Rule ${ruleId} already exists.`);
    const given = input.dimensions === undefined ? [] : [input.dimensions].flat();
    const dimensions = input.appId === undefined ? given : [...given, { appId: input.appId }];
    const now = this.clock.now();
    const rule: MetricRuleView = {
      ruleId,
      ruleName: input.ruleName ?? `rule-${ruleId.slice(-8)}`,
      namespace: input.namespace ?? SAE_METRIC_NAMESPACE,
      metricName: input.metricName ?? 'cpu',
      dimensions: structuredClone(dimensions),
      alertState: input.alertState ?? 'OK',
      enableState: input.enableState ?? true,
      level: input.level ?? 'CRITICAL',
      groupId: input.groupId ?? '',
      period: input.period ?? 60,
      createTime: now,
      updateTime: now,
      alertStateSince: now,
    };
    this.#rules.set(ruleId, rule);
    return structuredClone(rule);
  }

  setAlertState(ruleId: string, alertState: AlertState): MetricRuleView {
    const rule = this.#rule(ruleId);
    const now = this.clock.now();
    if (rule.alertState !== alertState) rule.alertStateSince = now;
    rule.alertState = alertState;
    rule.updateTime = now;
    return structuredClone(rule);
  }

  setEnableState(ruleId: string, enabled: boolean): MetricRuleView {
    const rule = this.#rule(ruleId);
    rule.enableState = enabled;
    rule.updateTime = this.clock.now();
    return structuredClone(rule);
  }

  getRule(ruleId: string): MetricRuleView | undefined {
    const rule = this.#rules.get(ruleId);
    return rule ? structuredClone(rule) : undefined;
  }

  rules(): MetricRuleView[] {
    return [...this.#rules.values()].map((r) => structuredClone(r));
  }

  /** Rules matching every filter given, in seeding order. */
  query(f: RuleFilter): MetricRuleView[] {
    return this.rules().filter(
      (r) =>
        (f.namespace === undefined || r.namespace === f.namespace) &&
        (f.metricName === undefined || r.metricName === f.metricName) &&
        (f.alertState === undefined || r.alertState === f.alertState) &&
        (f.enableState === undefined || r.enableState === f.enableState) &&
        (f.ruleIds === undefined || f.ruleIds.includes(r.ruleId)) &&
        (f.ruleName === undefined || r.ruleName.includes(f.ruleName)) &&
        (f.groupId === undefined || r.groupId === f.groupId) &&
        (f.dimensions === undefined || dimensionsMatch(r, f.dimensions)),
    );
  }

  reset(): void {
    this.#rules.clear();
  }

  #rule(ruleId: string): MetricRuleView {
    const rule = this.#rules.get(ruleId);
    if (!rule) throw new CmsStateError(`No rule ${ruleId}.`);
    return rule;
  }
}
