/**
 * A CloudMonitor alarm callback as CloudMonitor sends it to a rule's callback URL: a POST with an
 * `application/x-www-form-urlencoded` body (the fields of test/fixtures/events/cloudmonitor-form.json).
 * Used by `npm start` and the sample curl of `sae-rollback dev`.
 */

export interface CallbackAlarm {
  appId: string;
  appName: string;
  alertName: string;
  /** The metric's value; the rule fires at `threshold`. */
  curValue: number;
  threshold: number;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** The form fields, in the order CloudMonitor sends them. */
export function callbackFields(a: CallbackAlarm): Array<[string, string]> {
  return [
    ['expression', `$Average>=${a.threshold}`],
    ['metricName', 'http_status_5xx_ratio'],
    ['instanceName', a.appName],
    ['metricProject', 'acs_serverless'],
    ['curValue', String(a.curValue)],
    ['alertName', a.alertName],
    ['namespace', 'acs_serverless'],
    ['triggerLevel', 'CRITICAL'],
    ['alertState', 'ALERT'],
    ['preTriggerLevel', 'null'],
    ['dimensions', `{appId=${a.appId}}`],
    ['timestamp', String(a.timestamp)],
  ];
}

/** The request body (`%20` for spaces, as CloudMonitor's HTTP client writes it). */
export function callbackBody(a: CallbackAlarm): string {
  return callbackFields(a)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

/** The alarm the way the CloudMonitor console and its notification show it. */
export function describeCallback(a: CallbackAlarm): string {
  const at = new Date(a.timestamp * 1000).toISOString().replace('.000Z', 'Z');
  return `[CRITICAL] ${a.alertName} — ${a.appName} (appId=${a.appId}): http_status_5xx_ratio ${a.curValue} ≥ ${a.threshold}, ALERT since ${at}`;
}
