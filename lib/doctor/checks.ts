/**
 * `sae-rollback doctor`: a preflight of a deployment's settings, one check at a time. Each check is
 * harmless — reads only — and answers ok, fail (with the fix) or not-probed (with why). The RAM actions
 * that have no harmless read (the abort, the rollback, publishing) are listed, never called.
 */
import type { Config } from '../config.js';
import { SaeError, SaeErrorReason } from '../sae/errors.js';
import type { SaeApi } from '../sae/types.js';

export const CHECK_STATUSES = ['ok', 'fail', 'not-probed'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** For `fail`: what to change. */
  fix?: string;
}

/** An app ID no account has: a read of it answers not-found when allowed, forbidden when not. */
export const PROBE_APP_ID = '00000000-0000-4000-8000-00000000d0c7';
const PROBE_CHANGE_ORDER_ID = '00000000-0000-4000-8000-00000000c0de';

/** The RAM actions the configuration needs that no harmless call can probe. */
export function unprobedActions(config: Config): string[] {
  return [
    'sae:AbortAndRollbackChangeOrder',
    ...(config.bakeWindowMs > 0 ? ['sae:RollbackApplication'] : []),
    'mns:PublishMessage',
    ...(config.notify.eventbridge ? ['eventbridge:PutEvents'] : []),
    ...(config.guard.fanOut ? ['fc:InvokeFunction'] : []),
  ];
}

/** One SAE read: allowed if it answers, or answers "not found" for the probe IDs. */
async function probe(action: string, call: () => Promise<unknown>): Promise<CheckResult> {
  const name = `RAM sae:${action}`;
  try {
    await call();
    return { name, status: 'ok', detail: 'allowed (answered)' };
  } catch (err) {
    if (!(err instanceof SaeError)) throw err;
    if (err.reason === SaeErrorReason.NotFound)
      return { name, status: 'ok', detail: `allowed (the probe ID is not found: ${err.code})` };
    if (err.reason === SaeErrorReason.Forbidden)
      return {
        name,
        status: 'fail',
        detail: `refused: ${err.code}`,
        fix: `grant sae:${action} to the function's role (ram-policy.json has every action it needs)`,
      };
    return {
      name,
      status: 'fail',
      detail: `${err.code}: ${err.message.split('\n')[0]?.slice(0, 160)}`,
      fix: 'check SAE_REGION / SAE_ENDPOINT and the network path to SAE, then run doctor again',
    };
  }
}

/** The SAE reads the functions make, on a watched app when there is one (else on a probe ID). */
export async function saeChecks(sae: SaeApi, config: Config): Promise<CheckResult[]> {
  const app = config.guard.watchAppIds[0] ?? PROBE_APP_ID;
  return [
    await probe('DescribeApplicationStatus', () => sae.describeApplicationStatus(app)),
    await probe('ListChangeOrders', () => sae.listChangeOrders({ appId: app, currentPage: 1, pageSize: 1 })),
    await probe('DescribeChangeOrder', () => sae.describeChangeOrder(PROBE_CHANGE_ORDER_ID)),
  ];
}

/** Settings that need no network: trigger auth, the SAE budget against the watched apps. */
export function settingChecks(config: Config): CheckResult[] {
  const out: CheckResult[] = [];
  const auth = config.auth;
  const hasCredential = auth.tokens.length > 0 || auth.hmacSecrets.length > 0;
  out.push(
    hasCredential
      ? { name: 'HTTP trigger authentication', status: 'ok', detail: 'tokens or HMAC secrets configured' }
      : {
          name: 'HTTP trigger authentication',
          status: 'fail',
          detail:
            auth.required === false
              ? 'ALARM_AUTH_REQUIRED=false: the trigger is open'
              : 'no credential configured',
          fix: 'set ALARM_AUTH_TOKENS (and put one in the CloudMonitor callback URL as ?token=) or ALARM_HMAC_SECRETS',
        },
  );
  const { calls, abortReserve } = config.budget;
  const apps = config.guard.watchAppIds.length;
  const perRun = config.guard.callsPerRun;
  const forLookups = calls - abortReserve;
  // Two guard runs overlap within one budget window (a spent token is held ~62 s).
  const budgetOk = 2 * perRun <= forLookups;
  out.push({
    name: 'SAE call budget',
    status: budgetOk ? 'ok' : 'fail',
    detail: `${calls} calls per window, ${abortReserve} reserved for aborts; the guard spends up to ${perRun} per run on ${apps} watched app(s)${apps > perRun ? ` (${apps - perRun} wait for the next run)` : ''}`,
    ...(budgetOk
      ? {}
      : {
          fix: `lower GUARD_CALLS_PER_RUN to at most ${Math.floor(forLookups / 2)} or raise SAE_CALLS_PER_WINDOW`,
        }),
  });
  return out;
}

/** The channels: their settings are complete (loading the configuration checked that), and where they go. */
export function channelChecks(config: Config): CheckResult[] {
  const n = config.notify;
  return [
    { name: 'channel MNS', status: 'ok', detail: `topic ${config.mns.topic} at ${config.mns.endpoint}` },
    ...(n.dingtalk
      ? [
          {
            name: 'channel DingTalk',
            status: 'ok' as const,
            detail: n.dingtalk.secret ? 'signed robot' : 'robot without a signing secret',
          },
        ]
      : []),
    ...(n.webhook
      ? [
          {
            name: 'channel webhook',
            status: 'ok' as const,
            detail: `signed POST to ${new URL(n.webhook.url).origin}`,
          },
        ]
      : []),
    ...(n.eventbridge
      ? [
          {
            name: 'channel EventBridge',
            status: 'ok' as const,
            detail: `bus ${n.eventbridge.bus} at ${n.eventbridge.endpoint}`,
          },
        ]
      : []),
  ];
}
