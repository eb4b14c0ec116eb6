import { TOKEN_HEADER } from '../auth/http-auth.js';

/** What `sae-rollback dev` shows a person (the same facts as its `--json` line). */
export interface DevBannerInfo {
  functions: Readonly<Record<string, string>>;
  emulators: Record<string, string>;
  appId: string;
  changeOrderId: string;
  /** The token the alarm function takes; none when the trigger is open or configured without tokens. */
  alarmToken?: string;
}

/** The banner of `dev` and `dev --functions-only`: URLs, the demo app, sample curls. */
export function devBanner(title: string, info: DevBannerInfo): string {
  const alarm = `${info.functions.alarm ?? ''}${info.alarmToken ? `?token=${info.alarmToken}` : ''}`;
  const form = [
    'alertName=checkout%205xx%20ratio',
    'alertState=ALERT',
    'namespace=acs_serverless',
    'metricName=http_status_5xx_ratio',
    'triggerLevel=CRITICAL',
    'curValue=7.5',
    `dimensions=%7BappId%3D${info.appId}%7D`,
    `timestamp=${Math.floor(Date.now() / 1000)}`,
  ].join('&');
  return [
    title,
    '',
    'Functions:',
    ...Object.entries(info.functions).map(([n, u]) => `  ${n.padEnd(10)} ${u}`),
    'Emulators:',
    ...Object.entries(info.emulators).map(([n, u]) => `  ${n.padEnd(10)} ${u}`),
    '',
    `Demo app "checkout" ${info.appId} is deploying v43 in change order ${info.changeOrderId}.`,
    ...(info.alarmToken
      ? [`The alarm function takes the token ${info.alarmToken} (${TOKEN_HEADER} or ?token=).`]
      : []),
    '',
    'Send a CloudMonitor alarm callback (aborts that change order):',
    `  curl -sS -X POST '${alarm}' -H 'Content-Type: application/x-www-form-urlencoded' --data '${form}'`,
    'or a direct request to the consumer:',
    `  curl -sS -X POST '${info.functions.consumer ?? ''}' --data '{"ChangeOrderId":"${info.changeOrderId}"}'`,
    `See the change order: curl -sS '${info.emulators.sae}/__admin/state'`,
    `and the published outcomes: curl -sS '${info.emulators.mns}/__admin/messages'`,
    '',
  ].join('\n');
}
