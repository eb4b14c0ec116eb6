import './zod-setup.js';
import { z } from 'zod';
import { AnalysisConfigError, type AnalysisFile, loadAnalysisFile } from './analysis/config.js';
import { authConfigFrom, authEnvSchema } from './auth/config.js';
import { guardEnvSchema } from './config-guard.js';
import type { Config } from './config-types.js';
import { host, wholeNumber, withSeparator } from './config-values.js';
import { alertKeysEnvSchema, alertKeysFrom } from './events/alert-keys.js';
import { followConfigFrom, followEnvSchema } from './follow/config.js';
import { InvokerConfigError, type InvokerSettings, loadInvokerSettings } from './invoke/config.js';
import { notifyConfigFrom, notifyEnvSchema } from './notify/config.js';
import { releaseEnvSchema, releaseRulesFrom } from './rollback/release-rules.js';

/**
 * Every setting, read once at cold start from the environment. A bad value fails fast with the
 * variable's name, what was wrong with it and how to fix it — never with the value of a secret.
 */
const intFrom = wholeNumber;

const baseShape = {
  /** Region of the SAE apps. Falls back to FC_REGION (set by FC) when unset. */
  SAE_REGION: z
    .string()
    .regex(/^[a-z]{2}-[a-z0-9-]+$/, 'must look like cn-hangzhou')
    .optional(),
  FC_REGION: z.string().optional(),
  SAE_ENDPOINT: host.optional(),
  SAE_PROTOCOL: z.enum(['https', 'http']).default('https'),
  SAE_CONNECT_TIMEOUT_MS: intFrom(3_000, 100, 60_000),
  SAE_READ_TIMEOUT_MS: intFrom(5_000, 100, 120_000),
  /** Full MNS endpoint URL; default https://<account>.mns.<region>.aliyuncs.com. */
  MNS_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  MNS_ACCOUNT_ID: z.string().regex(/^\d+$/, 'must be the numeric Alibaba Cloud account ID').optional(),
  FC_ACCOUNT_ID: z.string().optional(),
  MNS_TOPIC: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9-]{0,254}$/,
      'must be an MNS topic name (letters, digits, -; starts with a letter)',
    )
    .default('sae-rollback-outcomes'),
  MNS_TIMEOUT_MS: intFrom(5_000, 100, 60_000),
  /** `memory` (one FC instance) or `redis` (Redis / Tair, shared by every instance). */
  IDEMPOTENCY_STORE: z.enum(['memory', 'redis']).default('memory'),
  REDIS_URL: z
    .string()
    .regex(
      /^rediss?:\/\/[^\s]+$/,
      'must be a redis:// or rediss:// URL, e.g. redis://r-xxx.redis.rds.aliyuncs.com:6379',
    )
    .default('redis://127.0.0.1:6379'),
  /** Prepended to every Redis key (deployments or test runs sharing one Redis). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:._-]{0,64}$/, 'must be up to 64 letters, digits, ":", ".", "_" or "-"')
    .default(''),
  REDIS_TIMEOUT_MS: intFrom(2_000, 100, 30_000),
  /** How long an app → change-order resolution is shared between alarms (0 = never). */
  RESOLUTION_CACHE_SECONDS: intFrom(10, 0, 300),
  /** Within an app's cool-down, how often one alarm naming it looks again for a newer change order. */
  COOLDOWN_RECHECK_SECONDS: intFrom(30, 1, 3_600),
  /** How long a delivery that finds its change order in progress waits for the outcome before "retry". */
  IN_PROGRESS_WAIT_MS: intFrom(2_000, 0, 20_000),
  /** The SAE call budget: calls per window for the whole account (SAE allows 60 per minute). */
  SAE_CALLS_PER_WINDOW: intFrom(50, 1, 10_000),
  SAE_BUDGET_WINDOW_MS: intFrom(60_000, 100, 3_600_000),
  /** Calls per window only aborts may use. */
  SAE_ABORT_RESERVE: intFrom(10, 0, 10_000),
  /** Attempts per SAE call when SAE throttles (Throttling.User), within the invocation's time. */
  SAE_MAX_ATTEMPTS: intFrom(4, 1, 10),
  /** No second rollback of the same app within this long (0 = off). */
  COOLDOWN_SECONDS: intFrom(900, 0, 7 * 86_400),
  /** Circuit breaker: at most this many rollbacks per ROLLBACK_WINDOW_SECONDS, all apps (0 = off). */
  MAX_ROLLBACKS_PER_WINDOW: intFrom(10, 0, 10_000),
  ROLLBACK_WINDOW_SECONDS: intFrom(600, 1, 7 * 86_400),
  /** Flapping guard: this many ALERT/OK changes within FLAP_WINDOW_SECONDS suppress the alarm (0 = off). */
  FLAP_CHANGES: intFrom(4, 0, 1_000),
  FLAP_WINDOW_SECONDS: intFrom(1_800, 1, 7 * 86_400),
  /** How long a completed rollback is remembered (duplicates get the stored outcome). */
  IDEMPOTENCY_TTL_SECONDS: intFrom(86_400, 60, 30 * 86_400),
  /** How long a permanent failure is remembered, so a storm of repeats does not repeat it. */
  FAILURE_TTL_SECONDS: intFrom(300, 0, 86_400),
  /** Publish `duplicate` outcomes too (they are always logged). */
  NOTIFY_DUPLICATES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
};

// One object from the areas' shapes (later keys win, as with `.extend`) rather than six `.extend(…)`
// calls, each of which builds a whole object schema that is thrown away: this runs at every cold start.
export const configSchema = z.object({
  ...baseShape,
  ...guardEnvSchema.shape,
  ...notifyEnvSchema.shape,
  ...authEnvSchema.shape,
  ...releaseEnvSchema.shape,
  ...alertKeysEnvSchema.shape,
  ...followEnvSchema.shape,
});

export type { Config } from './config-types.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment into a {@link Config}; throws {@link ConfigError} listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Treat empty strings as unset: s.yaml renders missing ${env(...)} values as "".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = configSchema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const value = cleaned[name];
      const shape = value === undefined ? 'unset' : `a ${value.length}-character value`;
      return `  ${name} (${shape}): ${i.message}`;
    });
    throw new ConfigError(
      `Invalid configuration:\n${lines.join('\n')}\nFix these environment variables (see README, "Configuration").`,
    );
  }
  const e = r.data;
  const regionId = e.SAE_REGION ?? e.FC_REGION;
  if (!regionId)
    throw new ConfigError(
      'Invalid configuration:\n  SAE_REGION (unset): set it to the region of your SAE apps, e.g. cn-hangzhou.',
    );
  const notify = notifyConfigFrom(e);
  if ('problems' in notify) {
    throw new ConfigError(
      `Invalid configuration:\n${notify.problems.join('\n')}\nFix these environment variables (see README, "Notifications").`,
    );
  }
  const auth = authConfigFrom(e);
  const follow = followConfigFrom(e, e.IDEMPOTENCY_TTL_SECONDS * 1000, () => hookInvokerSettings(cleaned));
  if ('problems' in follow) {
    throw new ConfigError(
      `Invalid configuration:\n${follow.problems.join('\n')}\nFix these environment variables (see README, "After the rollback").`,
    );
  }
  let mnsEndpoint = e.MNS_ENDPOINT;
  if (!mnsEndpoint) {
    const account = e.MNS_ACCOUNT_ID ?? e.FC_ACCOUNT_ID;
    if (!account) {
      throw new ConfigError(
        'Invalid configuration:\n  MNS_ENDPOINT (unset): set MNS_ENDPOINT, or MNS_ACCOUNT_ID so the endpoint https://<account>.mns.<region>.aliyuncs.com can be built.',
      );
    }
    mnsEndpoint = `https://${account}.mns.${regionId}.aliyuncs.com`;
  }
  return {
    regionId,
    sae: {
      endpoint: e.SAE_ENDPOINT,
      protocol: e.SAE_PROTOCOL,
      connectTimeoutMs: e.SAE_CONNECT_TIMEOUT_MS,
      readTimeoutMs: e.SAE_READ_TIMEOUT_MS,
    },
    mns: { endpoint: mnsEndpoint, topic: e.MNS_TOPIC, timeoutMs: e.MNS_TIMEOUT_MS },
    idempotency: {
      store: e.IDEMPOTENCY_STORE,
      ttlMs: e.IDEMPOTENCY_TTL_SECONDS * 1000,
      failureTtlMs: e.FAILURE_TTL_SECONDS * 1000,
      resolutionTtlMs: e.RESOLUTION_CACHE_SECONDS * 1000,
      cooldownRecheckMs: e.COOLDOWN_RECHECK_SECONDS * 1000,
      inProgressWaitMs: e.IN_PROGRESS_WAIT_MS,
    },
    redis: { url: e.REDIS_URL, keyPrefix: withSeparator(e.REDIS_KEY_PREFIX), timeoutMs: e.REDIS_TIMEOUT_MS },
    budget: {
      calls: e.SAE_CALLS_PER_WINDOW,
      windowMs: e.SAE_BUDGET_WINDOW_MS,
      abortReserve: e.SAE_ABORT_RESERVE,
      maxAttempts: e.SAE_MAX_ATTEMPTS,
    },
    valves: {
      cooldownMs: e.COOLDOWN_SECONDS * 1000,
      globalCap: e.MAX_ROLLBACKS_PER_WINDOW,
      globalWindowMs: e.ROLLBACK_WINDOW_SECONDS * 1000,
      flapChanges: e.FLAP_CHANGES,
      flapWindowMs: e.FLAP_WINDOW_SECONDS * 1000,
    },
    notifyDuplicates: e.NOTIFY_DUPLICATES,
    notify,
    auth,
    alertKeys: alertKeysFrom(e),
    logLevel: e.LOG_LEVEL,
    cms: { endpoint: e.CMS_ENDPOINT, protocol: e.CMS_PROTOCOL },
    guard: {
      watchAppIds: e.WATCH_APP_IDS,
      watchNamespaceIds: e.WATCH_NAMESPACE_IDS,
      maxExecutingMs: e.GUARD_MAX_EXECUTING_MINUTES * 60_000,
      maxBatchWaitMs: e.GUARD_MAX_BATCH_WAIT_MINUTES * 60_000,
      cloudMonitor: e.GUARD_CLOUDMONITOR,
      callsPerRun: e.GUARD_CALLS_PER_RUN,
      ...(e.GUARD_DISPATCH === 'fc-async'
        ? { fanOut: { consumerFunction: e.GUARD_CONSUMER_FUNCTION, invoker: invokerSettings(cleaned) } }
        : {}),
    },
    bakeWindowMs: e.BAKE_WINDOW_SECONDS * 1000,
    ...(e.ANALYSIS_CONFIG ? { analysis: analysisFile(e.ANALYSIS_CONFIG, cleaned) } : {}),
    policy: {
      allowAppIds: e.POLICY_ALLOW_APP_IDS,
      allowNamespaceIds: e.POLICY_ALLOW_NAMESPACE_IDS,
      optOutAppIds: e.POLICY_OPT_OUT_APP_IDS,
      minSeverity: e.POLICY_MIN_SEVERITY,
      allowUnrated: e.POLICY_ALLOW_UNRATED,
      dryRun: e.DRY_RUN,
    },
    rules: releaseRulesFrom(e),
    follow,
  };
}

/** The analysis file, its problems reported like every other configuration error. */
function analysisFile(path: string, env: Record<string, string | undefined>): AnalysisFile {
  try {
    return loadAnalysisFile(path, env);
  } catch (err) {
    if (!(err instanceof AnalysisConfigError)) throw err;
    throw new ConfigError(err.message);
  }
}

/** The hook invoker's settings (the INVOKE_* variables), problems reported like the others. */
function hookInvokerSettings(env: Record<string, string | undefined>): InvokerSettings {
  try {
    return loadInvokerSettings(env);
  } catch (err) {
    if (!(err instanceof InvokerConfigError)) throw err;
    throw new ConfigError(`${err.message}\nHOOK_FC_FUNCTION needs these (see README, "After the rollback").`);
  }
}

/** The fan-out's invoker settings, with its problems reported like every other configuration error. */
function invokerSettings(env: Record<string, string | undefined>): InvokerSettings {
  try {
    return loadInvokerSettings(env);
  } catch (err) {
    if (!(err instanceof InvokerConfigError)) throw err;
    throw new ConfigError(`${err.message}\nGUARD_DISPATCH=fc-async needs these (see README, "FC fan-out").`);
  }
}
