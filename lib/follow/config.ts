import { z } from 'zod';
import type { InvokerSettings } from '../invoke/config.js';
import type { FollowSettings } from './types.js';

/**
 * Follow-ups and post-rollback hooks, read from the environment with the rest of the config
 * (lib/config.ts). Follow-ups are on by default; hooks when their variables are set.
 */
// One `.check(…)` with the three checks `.int().min().max()` would add one clone at a time (the same
// checks, so the same issues and messages): built at every cold start, as part of the config schema.
const int = (def: number, min: number, max: number) =>
  z.coerce.number().check(z.int(), z.gte(min), z.lte(max)).default(def);

export const followEnvSchema = z.object({
  /** `false`: rollbacks are not followed to their end (no `recovered` / `rollback-failed` / `rollback-stuck`). */
  FOLLOW_UP: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  FOLLOW_UP_FIRST_CHECK_SECONDS: int(30, 0, 3_600),
  FOLLOW_UP_MAX_BACKOFF_SECONDS: int(300, 1, 3_600),
  FOLLOW_UP_STUCK_MINUTES: int(30, 1, 7 * 1_440),
  FOLLOW_UP_CHECKS_PER_RUN: int(5, 1, 1_000),
  /** Post-rollback hook: an FC function invoked asynchronously (INVOKE_* variables) with the follow-up. */
  HOOK_FC_FUNCTION: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, 'must be an FC function name')
    .optional(),
  /** Post-rollback hook: a webhook receiving the follow-up, signed like the webhook channel. */
  HOOK_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  HOOK_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  HOOK_TIMEOUT_MS: int(5_000, 100, 60_000),
  HOOK_ATTEMPTS: int(3, 1, 10),
});

export interface HooksConfig {
  fc?: { functionName: string; invoker: InvokerSettings };
  webhook?: { url: string; secret: string; timeoutMs: number };
  attempts: number;
}

export interface FollowConfig {
  settings: FollowSettings;
  hooks: HooksConfig;
}

/** The follow-up config, or the problems with it (as lib/notify/config.ts reports its own). */
export function followConfigFrom(
  e: z.infer<typeof followEnvSchema>,
  retentionMs: number,
  invoker: () => InvokerSettings,
): FollowConfig | { problems: string[] } {
  if (e.HOOK_WEBHOOK_URL && !e.HOOK_WEBHOOK_SECRET) {
    return {
      problems: ['  HOOK_WEBHOOK_SECRET (unset): HOOK_WEBHOOK_URL needs a signing secret (16+ characters).'],
    };
  }
  return {
    settings: {
      enabled: e.FOLLOW_UP,
      firstCheckMs: e.FOLLOW_UP_FIRST_CHECK_SECONDS * 1000,
      maxBackoffMs: e.FOLLOW_UP_MAX_BACKOFF_SECONDS * 1000,
      stuckAfterMs: e.FOLLOW_UP_STUCK_MINUTES * 60_000,
      checksPerRun: e.FOLLOW_UP_CHECKS_PER_RUN,
      // Follow-ups must outlive the slowest rollback and the report's usual window.
      retentionMs: Math.max(retentionMs, 7 * 86_400_000),
    },
    hooks: {
      ...(e.HOOK_FC_FUNCTION ? { fc: { functionName: e.HOOK_FC_FUNCTION, invoker: invoker() } } : {}),
      ...(e.HOOK_WEBHOOK_URL && e.HOOK_WEBHOOK_SECRET
        ? {
            webhook: { url: e.HOOK_WEBHOOK_URL, secret: e.HOOK_WEBHOOK_SECRET, timeoutMs: e.HOOK_TIMEOUT_MS },
          }
        : {}),
      attempts: e.HOOK_ATTEMPTS,
    },
  };
}
