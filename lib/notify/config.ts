import { z } from 'zod';
import { wholeNumber } from '../config-values.js';
import { DEFAULT_EVENT_SOURCE } from './eventbridge-envelope.js';

/**
 * Notification channels, read from the environment with the rest of the config (lib/config.ts).
 * MNS is the primary channel and always on; DingTalk and the webhook are on when their variables are set.
 */
const int = wholeNumber;

export const notifyEnvSchema = z.object({
  DINGTALK_ACCESS_TOKEN: z
    .string()
    .regex(/^\S+$/, 'must be the token after access_token= (no spaces)')
    .optional(),
  DINGTALK_SECRET: z
    .string()
    .startsWith('SEC', 'must be the robot signing secret (it starts with SEC)')
    .optional(),
  DINGTALK_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  DINGTALK_TIMEOUT_MS: int(5_000, 100, 60_000),
  WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  WEBHOOK_TIMEOUT_MS: int(5_000, 100, 60_000),
  /** EventBridge: the bus enables the channel; endpoint default https://<account>.eventbridge.<region>.aliyuncs.com. */
  EVENTBRIDGE_BUS: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/, 'must be an event bus name (letters, digits, ".", "_", "-")')
    .optional(),
  EVENTBRIDGE_ENDPOINT: z
    .string()
    .regex(
      /^(https?:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?\/?$/,
      'must be a host (<account>.eventbridge.<region>.aliyuncs.com) or an origin URL, without a path',
    )
    .optional(),
  EVENTBRIDGE_SOURCE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.:_/-]{0,127}$/, 'must be 1-128 letters, digits, ".", ":", "_", "/" or "-"')
    .default(DEFAULT_EVENT_SOURCE),
  EVENTBRIDGE_TIMEOUT_MS: int(5_000, 100, 60_000),
  NOTIFY_RETRY_ATTEMPTS: int(3, 1, 10),
  NOTIFY_RETRY_BASE_MS: int(200, 1, 60_000),
  NOTIFY_RETRY_MAX_MS: int(2_000, 1, 60_000),
});

export interface NotifyConfig {
  dingtalk?: { accessToken: string; secret?: string; endpoint?: string; timeoutMs: number };
  webhook?: { url: string; secret: string; timeoutMs: number };
  eventbridge?: EventBridgeChannelConfig;
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
}

/** The EventBridge channel: where events go and how they are labelled. */
export interface EventBridgeChannelConfig {
  bus: string;
  /** Origin URL, https unless loopback. */
  endpoint: string;
  source: string;
  region: string;
  /** For the events' subject; empty when unknown. */
  accountId: string;
  timeoutMs: number;
}

/**
 * Variables of the shared schema (lib/config.ts) the channels also read: the region and the account that build
 * the default EventBridge endpoint, as they build the MNS one.
 */
export interface SharedNotifyEnv {
  SAE_REGION?: string | undefined;
  FC_REGION?: string | undefined;
  MNS_ACCOUNT_ID?: string | undefined;
  FC_ACCOUNT_ID?: string | undefined;
}

/** Builds the channel config; returns the problems (variable name + fix) instead of throwing. */
export function notifyConfigFrom(
  e: z.output<typeof notifyEnvSchema> & SharedNotifyEnv,
): NotifyConfig | { problems: string[] } {
  const problems: string[] = [];
  const eventbridge = eventBridgeFrom(e, problems);
  if (e.DINGTALK_SECRET && !e.DINGTALK_ACCESS_TOKEN) {
    problems.push('  DINGTALK_ACCESS_TOKEN (unset): set it too, or unset DINGTALK_SECRET.');
  }
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) {
    problems.push('  WEBHOOK_SECRET (unset): webhooks are always signed; set a secret of 16+ characters.');
  }
  if (e.WEBHOOK_SECRET && !e.WEBHOOK_URL)
    problems.push('  WEBHOOK_URL (unset): set it too, or unset WEBHOOK_SECRET.');
  if (problems.length > 0) return { problems };
  return {
    ...(e.DINGTALK_ACCESS_TOKEN
      ? {
          dingtalk: {
            accessToken: e.DINGTALK_ACCESS_TOKEN,
            ...(e.DINGTALK_SECRET ? { secret: e.DINGTALK_SECRET } : {}),
            ...(e.DINGTALK_ENDPOINT ? { endpoint: e.DINGTALK_ENDPOINT } : {}),
            timeoutMs: e.DINGTALK_TIMEOUT_MS,
          },
        }
      : {}),
    ...(e.WEBHOOK_URL && e.WEBHOOK_SECRET
      ? { webhook: { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, timeoutMs: e.WEBHOOK_TIMEOUT_MS } }
      : {}),
    ...(eventbridge ? { eventbridge } : {}),
    retry: {
      attempts: e.NOTIFY_RETRY_ATTEMPTS,
      baseDelayMs: e.NOTIFY_RETRY_BASE_MS,
      maxDelayMs: e.NOTIFY_RETRY_MAX_MS,
    },
  };
}

/** The EventBridge channel when EVENTBRIDGE_BUS is set; pushes what is missing onto `problems`. */
function eventBridgeFrom(
  e: z.output<typeof notifyEnvSchema> & SharedNotifyEnv,
  problems: string[],
): EventBridgeChannelConfig | undefined {
  if (!e.EVENTBRIDGE_BUS) {
    if (e.EVENTBRIDGE_ENDPOINT)
      problems.push('  EVENTBRIDGE_BUS (unset): set it too, or unset EVENTBRIDGE_ENDPOINT.');
    return undefined;
  }
  const region = e.SAE_REGION ?? e.FC_REGION;
  if (!region) {
    problems.push('  SAE_REGION (unset): EventBridge needs the region of the bus, e.g. cn-hangzhou.');
    return undefined;
  }
  const account = e.MNS_ACCOUNT_ID ?? e.FC_ACCOUNT_ID;
  if (account !== undefined && !/^\d+$/.test(account)) {
    problems.push('  FC_ACCOUNT_ID (set): must be the numeric Alibaba Cloud account ID.');
    return undefined;
  }
  let endpoint = e.EVENTBRIDGE_ENDPOINT;
  if (endpoint === undefined) {
    if (account === undefined) {
      problems.push(
        '  EVENTBRIDGE_ENDPOINT (unset): set it, or MNS_ACCOUNT_ID so https://<account>.eventbridge.<region>.aliyuncs.com can be built.',
      );
      return undefined;
    }
    endpoint = `https://${account}.eventbridge.${region}.aliyuncs.com`;
  }
  // A bare host means https; plain http is accepted by the client only for loopback emulators.
  const origin = (/^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`).replace(/\/$/, '');
  const fromHost = /^https?:\/\/(\d+)\.eventbridge\./.exec(origin)?.[1];
  return {
    bus: e.EVENTBRIDGE_BUS,
    endpoint: origin,
    source: e.EVENTBRIDGE_SOURCE,
    region,
    accountId: account ?? fromHost ?? '',
    timeoutMs: e.EVENTBRIDGE_TIMEOUT_MS,
  };
}
