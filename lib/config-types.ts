import type { AnalysisFile } from './analysis/config.js';
import type { AuthConfig } from './auth/config.js';
import type { AlertKeys } from './events/alert-keys.js';
import type { FollowConfig } from './follow/config.js';
import type { InvokerSettings } from './invoke/config.js';
import type { NotifyConfig } from './notify/config.js';
import type { Severity } from './policy/policy.js';
import type { ReleaseRules } from './rollback/release-rules.js';

/** Every setting, as lib/config.ts's loadConfig reads and validates them from the environment. */
export interface Config {
  regionId: string;
  sae: {
    endpoint: string | undefined;
    protocol: 'https' | 'http';
    connectTimeoutMs: number;
    readTimeoutMs: number;
  };
  mns: { endpoint: string; topic: string; timeoutMs: number };
  idempotency: {
    store: 'memory' | 'redis';
    ttlMs: number;
    failureTtlMs: number;
    resolutionTtlMs: number;
    cooldownRecheckMs: number;
    inProgressWaitMs: number;
  };
  redis: { url: string; keyPrefix: string; timeoutMs: number };
  budget: { calls: number; windowMs: number; abortReserve: number; maxAttempts: number };
  valves: {
    cooldownMs: number;
    globalCap: number;
    globalWindowMs: number;
    flapChanges: number;
    flapWindowMs: number;
  };
  notifyDuplicates: boolean;
  /** DingTalk and webhook channels (MNS is always on) and their retry policy. */
  notify: NotifyConfig;
  /** Who may call the alarm function's HTTP trigger (token, HMAC, source IPs). */
  auth: AuthConfig;
  /** Label / annotation names of the app and change order IDs in Alertmanager / ARMS alerts. */
  alertKeys: AlertKeys;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  cms: { endpoint: string | undefined; protocol: 'https' | 'http' };
  guard: {
    watchAppIds: string[];
    watchNamespaceIds: string[];
    maxExecutingMs: number;
    maxBatchWaitMs: number;
    cloudMonitor: boolean;
    callsPerRun: number;
    /** `fc-async`: the invoker settings (INVOKE_* variables) for the fan-out to the consumer. */
    fanOut?: { consumerFunction: string; invoker: InvokerSettings };
  };
  /** Metric analysis (ANALYSIS_CONFIG), read and validated here, once per cold start; absent: off. */
  analysis?: AnalysisFile;
  /** 0: off. */
  bakeWindowMs: number;
  policy: {
    allowAppIds: string[];
    allowNamespaceIds: string[];
    optOutAppIds: string[];
    minSeverity: Severity | undefined;
    allowUnrated: boolean;
    dryRun: boolean;
  };
  /** Which change orders are releases to abort, and when evidence is about them. */
  rules: ReleaseRules;
  /** Following each rollback to its end, and the post-rollback hooks (lib/follow). */
  follow: FollowConfig;
}
