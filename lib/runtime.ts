import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type CredentialSource, defaultChainCredentials, InvocationCredentials } from './credentials.js';
import { MemoryStore } from './idempotency/memory-store.js';
import type { Store } from './idempotency/store.js';
import { createLogger, type Logger } from './log.js';
import { MnsTopicClient } from './notify/mns-client.js';
import { MnsNotifier } from './notify/mns-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { RollbackCore } from './rollback/core.js';
import { SaeClient } from './sae/client.js';
import type { SaeApi } from './sae/types.js';

/** Everything a function needs, built once per cold start. */
export interface Runtime {
  config: Config;
  clock: Clock;
  credentials: InvocationCredentials;
  sae: SaeApi;
  store: Store;
  notifiers: Notifier[];
  core: RollbackCore;
  logger: Logger;
}

export interface RuntimeOverrides {
  clock?: Clock;
  /** Used when FC passes no credentials (local runs): default the `@alicloud/credentials` chain. */
  fallbackCredentials?: CredentialSource;
  store?: Store;
  logger?: Logger;
}

/** Wires the real adapters from config. Tests point the endpoints at the emulators. */
export function createRuntime(config: Config, o: RuntimeOverrides = {}): Runtime {
  const clock = o.clock ?? systemClock;
  const credentials = new InvocationCredentials(o.fallbackCredentials ?? defaultChainCredentials());
  const logger = o.logger ?? createLogger({ level: config.logLevel });
  const sae = new SaeClient({
    regionId: config.regionId,
    credentials,
    ...(config.sae.endpoint ? { endpoint: config.sae.endpoint } : {}),
    protocol: config.sae.protocol,
    connectTimeoutMs: config.sae.connectTimeoutMs,
    readTimeoutMs: config.sae.readTimeoutMs,
  });
  const store = o.store ?? new MemoryStore({ clock });
  const mns = new MnsTopicClient({
    endpoint: config.mns.endpoint,
    credentials: () => credentials.get(),
    timeoutMs: config.mns.timeoutMs,
    clock,
  });
  const notifiers: Notifier[] = [new MnsNotifier({ client: mns, topic: config.mns.topic })];
  const core = new RollbackCore({
    sae,
    store,
    clock,
    retentionMs: config.idempotency.ttlMs,
    failureRetentionMs: config.idempotency.failureTtlMs,
  });
  return { config, clock, credentials, sae, store, notifiers, core, logger };
}
