/** The soak's "FC instances": each a runtime with the soak's settings, and the timing they share. */
import type { MnsEmulator } from '../../emulators/mns/index.js';
import type { SaeEmulator } from '../../emulators/sae/index.js';
import { loadConfig } from '../config.js';
import type { Logger } from '../log.js';
import { createRuntime, type Runtime } from '../runtime.js';

export const SOAK_TOPIC = 'sae-rollback-outcomes';
export const SOAK_STS = {
  accessKeyId: 'STS.soakAccessKeyId',
  accessKeySecret: 'soak-secret-0123456789',
  securityToken: 'soak-sts-token-abcdefghij',
};
/** Client timeouts by default; the "slow" faults outlast them by half (the call lands after the client gave up). */
const TIMEOUT_MS = 300;
/** The client timeout, the slow faults' latency, and the redelivery delay: seconds later on the platform,
 * here just long enough for every slow call to have landed. */
export function timing(o: { timeoutMs?: number | undefined }): {
  timeoutMs: number;
  slowMs: number;
  redeliveryMs: number;
} {
  const timeoutMs = o.timeoutMs ?? TIMEOUT_MS;
  const slowMs = Math.round(timeoutMs * 1.5);
  return { timeoutMs, slowMs, redeliveryMs: slowMs + 250 };
}

/** One "FC instance": a runtime on the emulators and the shared Redis, with the soak's settings. */
export function soakRuntime(o: {
  sae: SaeEmulator;
  mns: MnsEmulator;
  /** The run's own Redis key prefix (removed at the end). */
  prefix: string;
  logger: Logger;
  timeoutMs?: number | undefined;
  redisUrl?: string | undefined;
}): Runtime {
  const { sae, mns, prefix } = o;
  const { timeoutMs } = timing(o);
  const config = loadConfig({
    SAE_REGION: 'cn-hangzhou',
    SAE_ENDPOINT: sae.endpoint,
    SAE_PROTOCOL: 'http',
    SAE_CONNECT_TIMEOUT_MS: String(timeoutMs),
    SAE_READ_TIMEOUT_MS: String(timeoutMs),
    MNS_ENDPOINT: mns.url,
    MNS_TOPIC: SOAK_TOPIC,
    MNS_TIMEOUT_MS: String(timeoutMs),
    IDEMPOTENCY_STORE: 'redis',
    REDIS_URL: o.redisUrl ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: prefix,
    // A soak is not a production account: no call budget, no cool-down or cap (they would suppress).
    SAE_CALLS_PER_WINDOW: '10000',
    SAE_BUDGET_WINDOW_MS: '1000',
    SAE_ABORT_RESERVE: '0',
    COOLDOWN_SECONDS: '0',
    MAX_ROLLBACKS_PER_WINDOW: '0',
    FLAP_CHANGES: '0',
    NOTIFY_RETRY_ATTEMPTS: '1',
    LOG_LEVEL: 'error',
    // Follow-ups look at once and again within a second: the soak's clock is the real one.
    FOLLOW_UP_FIRST_CHECK_SECONDS: '0',
    FOLLOW_UP_MAX_BACKOFF_SECONDS: '1',
    FOLLOW_UP_CHECKS_PER_RUN: '500',
  });
  const rt = createRuntime(config, {
    logger: o.logger,
    fallbackCredentials: { get: () => Promise.reject(new Error('the soak passes credentials')) },
  });
  rt.credentials.set(SOAK_STS);
  return rt;
}
