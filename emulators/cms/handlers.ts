/**
 * DescribeMetricRuleList, verified against the official TS SDK (aliyun/alibabacloud-typescript-sdk
 * `cms-20190101/src/client.ts` describeMetricRuleListWithOptions and
 * `cms-20190101/src/models/DescribeMetricRuleList{Request,ResponseBody}.ts`): action
 * `DescribeMetricRuleList`, version `2019-01-01`, RPC, POST `/`, reqBodyType formData, every parameter
 * in `query` (AlertState, Dimensions, EnableState, GroupId, MetricName, Namespace, Page, PageSize,
 * RuleIds, RuleName). Response `{RequestId, Success, Code (integer 200), Message, Total (string),
 * Alarms: {Alarm: [...]}}`; each alarm carries `Dimensions` as a JSON string (SDK example
 * `[{"instanceId":"i-..."}]`).
 */
import type { Reply } from '../kit/pop-envelope.js';
import { cmsSuccess, invalidParameter } from './envelope.js';
import type { CmsState, RuleFilter } from './state.js';
import { ALERT_STATES, type AlertState, type MetricRuleView } from './types.js';

export const CMS_API_VERSION = '2019-01-01';

export interface CmsHandlerContext {
  requestId: string;
  regionId: string;
  params: Readonly<Record<string, string>>;
  state: CmsState;
}

const isAlertState = (v: string): v is AlertState => (ALERT_STATES as readonly string[]).includes(v);

function positiveInt(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : undefined;
}

/** `Dimensions` in a request: a JSON object of string values (`{"appId":"..."}`). */
function parseDimensions(raw: string): Record<string, string> | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const entries = Object.entries(v);
    return entries.every(([, x]) => typeof x === 'string') ? Object.fromEntries(entries) : undefined;
  } catch {
    return undefined;
  }
}

/** The request's filters, or the reason it is refused. */
function toFilter(p: Readonly<Record<string, string>>): RuleFilter | string {
  const f: RuleFilter = {};
  const set = <K extends keyof RuleFilter>(key: K, value: RuleFilter[K] | undefined) => {
    if (value !== undefined) f[key] = value;
  };
  const str = (name: string) => (p[name] === undefined || p[name] === '' ? undefined : p[name]);
  set('namespace', str('Namespace'));
  set('metricName', str('MetricName'));
  set('ruleName', str('RuleName'));
  set('groupId', str('GroupId'));
  const state = str('AlertState');
  if (state !== undefined && !isAlertState(state))
    return `AlertState must be one of ${ALERT_STATES.join(', ')}.`;
  set('alertState', state);
  const enable = str('EnableState');
  if (enable !== undefined && enable !== 'true' && enable !== 'false')
    return 'EnableState must be true or false.';
  set('enableState', enable === undefined ? undefined : enable === 'true');
  const ids = str('RuleIds')?.split(',').filter(Boolean);
  if (ids && ids.length > 20) return 'RuleIds takes at most 20 IDs.';
  set('ruleIds', ids);
  const dims = str('Dimensions');
  if (dims !== undefined) {
    const parsed = parseDimensions(dims);
    if (!parsed) return 'Dimensions must be a JSON object of strings, e.g. {"appId":"..."}.';
    // The (older) API page: "If you specify this parameter, you must also specify the Namespace parameter."
    if (f.namespace === undefined) return 'Namespace is required when Dimensions is set.';
    set('dimensions', parsed);
  }
  return f;
}

const ESCALATION_KEY = { CRITICAL: 'Critical', WARN: 'Warn', INFO: 'Info' } as const;

/** One `Alarms.Alarm[]` entry, with the fields of the SDK model we can fill meaningfully. */
function alarmItem(rule: MetricRuleView) {
  const dimensions = JSON.stringify(rule.dimensions);
  return {
    RuleId: rule.ruleId,
    RuleName: rule.ruleName,
    Namespace: rule.namespace,
    MetricName: rule.metricName,
    Dimensions: dimensions,
    Resources: dimensions,
    AlertState: rule.alertState,
    EnableState: rule.enableState,
    Period: String(rule.period),
    GroupId: rule.groupId,
    GroupName: '',
    ContactGroups: 'sae-rollback',
    EffectiveInterval: '00:00-23:59',
    NoEffectiveInterval: '',
    NoDataPolicy: 'KEEP_LAST_STATE',
    SilenceTime: 86400,
    SourceType: 'METRIC',
    Webhook: '',
    MailSubject: '',
    Escalations: {
      [ESCALATION_KEY[rule.level]]: {
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistics: 'Average',
        Threshold: '90',
        Times: 3,
      },
    },
    GmtCreate: rule.createTime,
    GmtUpdate: String(rule.updateTime),
  };
}

export function describeMetricRuleList(ctx: CmsHandlerContext): Reply {
  const page = positiveInt(ctx.params.Page, 1);
  const size = positiveInt(ctx.params.PageSize, 10);
  if (page === undefined || size === undefined) {
    return invalidParameter(ctx.requestId, ctx.regionId, 'Page and PageSize must be positive integers.');
  }
  const filter = toFilter(ctx.params);
  if (typeof filter === 'string') return invalidParameter(ctx.requestId, ctx.regionId, filter);
  const all = ctx.state.query(filter);
  return cmsSuccess(ctx.requestId, {
    Total: String(all.length),
    Alarms: { Alarm: all.slice((page - 1) * size, page * size).map(alarmItem) },
  });
}

/** The RPC actions the emulator serves. */
export const CMS_HANDLERS: Readonly<Record<string, (ctx: CmsHandlerContext) => Reply>> = {
  DescribeMetricRuleList: describeMetricRuleList,
};
