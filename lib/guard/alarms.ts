import { AlertState, type CmsApi, type MetricRule, SAE_METRIC_NAMESPACE } from '../cms/index.js';

const PAGE_SIZE = 100;
const MAX_PAGES = 20;

/**
 * Which of the watched apps have an enabled CloudMonitor rule in ALARM: one DescribeMetricRuleList
 * query for all of them (namespace `acs_serverless`, AlertState ALARM), paged, matched on the rules'
 * `appId` dimension — so 50 watched apps cost one call, not 50. CloudMonitor calls do not draw on the
 * SAE budget.
 */
export async function alarmingApps(
  cms: CmsApi,
  watched: ReadonlySet<string>,
): Promise<Map<string, MetricRule[]>> {
  const byApp = new Map<string, MetricRule[]>();
  for (let page = 1, seen = 0; page <= MAX_PAGES; page++) {
    const res = await cms.describeMetricRuleList({
      namespace: SAE_METRIC_NAMESPACE,
      alertState: AlertState.Alarm,
      enableState: true,
      page,
      pageSize: PAGE_SIZE,
    });
    for (const rule of res.data.rules) {
      if (rule.alertState !== AlertState.Alarm || rule.enableState === false) continue;
      const apps = new Set(rule.dimensions.map((d) => d.appId).filter((a): a is string => !!a));
      for (const appId of apps) {
        if (watched.has(appId)) byApp.set(appId, [...(byApp.get(appId) ?? []), rule]);
      }
    }
    seen += res.data.rules.length;
    if (res.data.rules.length < PAGE_SIZE || seen >= res.data.total) break;
  }
  return byApp;
}
