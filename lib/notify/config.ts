import { z } from 'zod';

/**
 * Notification channels, read from the environment with the rest of the config (lib/config.ts).
 * MNS is the primary channel and always on; DingTalk and the webhook are on when their variables are set.
 */
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

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
  NOTIFY_RETRY_ATTEMPTS: int(3, 1, 10),
  NOTIFY_RETRY_BASE_MS: int(200, 1, 60_000),
  NOTIFY_RETRY_MAX_MS: int(2_000, 1, 60_000),
});

export interface NotifyConfig {
  dingtalk?: { accessToken: string; secret?: string; endpoint?: string; timeoutMs: number };
  webhook?: { url: string; secret: string; timeoutMs: number };
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
}

/** Builds the channel config; returns the problems (variable name + fix) instead of throwing. */
export function notifyConfigFrom(e: z.output<typeof notifyEnvSchema>): NotifyConfig | { problems: string[] } {
  const problems: string[] = [];
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
    retry: {
      attempts: e.NOTIFY_RETRY_ATTEMPTS,
      baseDelayMs: e.NOTIFY_RETRY_BASE_MS,
      maxDelayMs: e.NOTIFY_RETRY_MAX_MS,
    },
  };
}
