import type { Budget } from './budget/budget.js';
import { MemoryBudget } from './budget/memory-budget.js';
import { RedisBudget } from './budget/redis-budget.js';
import { type Clock, systemClock } from './clock.js';
import { CmsClient } from './cms/client.js';
import type { CmsApi } from './cms/types.js';
import type { Config } from './config.js';
import { type CredentialSource, defaultChainCredentials, InvocationCredentials } from './credentials.js';
import { FollowUps } from './follow/check.js';
import { ConfiguredHooks } from './follow/hooks.js';
import { fanOutDispatch } from './guard/fan-out.js';
import { type Dispatch, Guard } from './guard/index.js';
import { MemoryStore } from './idempotency/memory-store.js';
import { connectRedis } from './idempotency/redis.js';
import { RedisStore } from './idempotency/redis-store.js';
import type { Store } from './idempotency/store.js';
import { createInvoker } from './invoke/config.js';
import { createLogger, type Logger } from './log.js';
import { DingTalkNotifier } from './notify/dingtalk.js';
import { EventBridgeClient } from './notify/eventbridge-client.js';
import { EventBridgeNotifier } from './notify/eventbridge-notifier.js';
import { MnsTopicClient } from './notify/mns-client.js';
import { MnsNotifier } from './notify/mns-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { RetryingNotifier } from './notify/retrying.js';
import { WebhookNotifier } from './notify/webhook.js';
import { AppDirectory } from './policy/namespaces.js';
import { Policy } from './policy/policy.js';
import { Valves } from './policy/valves.js';
import { RollbackCore } from './rollback/core.js';
import { processRequest } from './rollback/process.js';
import { SaeAppClient } from './sae/app-client.js';
import type { SaeAppApi } from './sae/app-types.js';
import { SaeClient } from './sae/client.js';
import type { SaeApi } from './sae/types.js';

/** Everything a function needs, built once per cold start. */
export interface Runtime {
  config: Config;
  clock: Clock;
  credentials: InvocationCredentials;
  sae: SaeApi;
  store: Store;
  /** The shared SAE call budget (Redis with the Redis store, else per instance). */
  budget: Budget;
  /** Safety valves; handlers call `valves.observe(record)` for alarms that went back to OK. */
  valves: Valves;
  notifiers: Notifier[];
  core: RollbackCore;
  logger: Logger;
  /** SAE application calls (ListApplications, ListAppVersions, RollbackApplication). */
  app: SaeAppApi;
  /** CloudMonitor, for the guard's alarm condition. */
  cms: CmsApi;
  /** Allowlist, opt-out, minimum severity, dry-run. */
  policy: Policy;
  /** The scheduled guard (functions/guard.ts, and timer ticks reaching the consumer). */
  guard: Guard;
  /** Follows each rollback to its end; processRequest tracks, the guard runs the checks. */
  follow: FollowUps;
}

export interface RuntimeOverrides {
  clock?: Clock;
  /** Used when FC passes no credentials (local runs): default the `@alicloud/credentials` chain. */
  fallbackCredentials?: CredentialSource;
  store?: Store;
  budget?: Budget;
  logger?: Logger;
  /** How the guard hands findings to the core; default in-process `processRequest`. */
  dispatch?: Dispatch;
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
  const clientOpts = {
    regionId: config.regionId,
    credentials,
    protocol: config.sae.protocol,
    connectTimeoutMs: config.sae.connectTimeoutMs,
    readTimeoutMs: config.sae.readTimeoutMs,
  };
  const app = new SaeAppClient({
    ...clientOpts,
    ...(config.sae.endpoint ? { endpoint: config.sae.endpoint } : {}),
  });
  const cms = new CmsClient({
    ...clientOpts,
    protocol: config.cms.protocol,
    ...(config.cms.endpoint ? { endpoint: config.cms.endpoint } : {}),
  });
  const policy = new Policy(config.policy);
  const { store, budget } = sharedState(config, clock, logger, o);
  const directory = new AppDirectory({ store });
  const valves = new Valves({ store, settings: config.valves });
  const mns = new MnsTopicClient({
    endpoint: config.mns.endpoint,
    credentials: () => credentials.get(),
    timeoutMs: config.mns.timeoutMs,
    clock,
  });
  const notifiers = buildNotifiers(config, mns, clock, credentials);
  const core = new RollbackCore({
    sae,
    store,
    clock,
    retentionMs: config.idempotency.ttlMs,
    failureRetentionMs: config.idempotency.failureTtlMs,
    resolutionTtlMs: config.idempotency.resolutionTtlMs,
    inProgressWaitMs: config.idempotency.inProgressWaitMs,
    budget,
    callPolicy: { maxAttempts: config.budget.maxAttempts },
    valves,
    app,
    bakeWindowMs: config.bakeWindowMs,
    policy,
    directory,
    rules: config.rules,
  });
  const { hooks: hooksConfig, settings: followSettings } = config.follow;
  const hooks = new ConfiguredHooks(hooksConfig, {
    clock,
    ...(hooksConfig.fc ? { invoker: createInvoker(hooksConfig.fc.invoker, credentials) } : {}),
  });
  const follow = new FollowUps({
    sae,
    store,
    notifiers,
    clock,
    logger,
    budget,
    settings: followSettings,
    ...(hooks.configured ? { hooks } : {}),
  });
  const fanOut = config.guard.fanOut;
  const dispatch: Dispatch =
    o.dispatch ??
    (fanOut
      ? fanOutDispatch(createInvoker(fanOut.invoker, credentials), fanOut.consumerFunction)
      : undefined) ??
    (async (req, inv) => {
      const r = await processRequest(
        { core, store, notifiers, logger, follow, notifyDuplicates: config.notifyDuplicates },
        req,
        inv,
      );
      const { outcome, summary, messageId } = r.outcome;
      return { outcome, summary, messageId, retry: r.retry };
    });
  const guard = new Guard({
    sae,
    app,
    cms,
    store,
    budget,
    clock,
    logger,
    settings: { ...config.guard, bakeWindowMs: config.bakeWindowMs },
    policy,
    directory,
    resolutionTtlMs: config.idempotency.resolutionTtlMs,
    dispatch,
    followUps: follow,
  });
  return {
    config,
    clock,
    credentials,
    sae,
    store,
    budget,
    valves,
    notifiers,
    core,
    logger,
    app,
    cms,
    policy,
    guard,
    follow,
  };
}

/** The store and the call budget: in this process, or shared through one Redis connection. */
function sharedState(
  config: Config,
  clock: Clock,
  logger: Logger,
  o: RuntimeOverrides,
): { store: Store; budget: Budget } {
  const limits = {
    calls: config.budget.calls,
    windowMs: config.budget.windowMs,
    abortReserve: config.budget.abortReserve,
  };
  if (config.idempotency.store === 'redis' && !(o.store && o.budget)) {
    const redis = connectRedis({
      url: config.redis.url,
      timeoutMs: config.redis.timeoutMs,
      onError: (err) => logger.warn('redis-connection', { error: err.message }),
    });
    const prefix = config.redis.keyPrefix;
    return {
      store: o.store ?? new RedisStore({ redis, prefix, clock, ownsConnection: true }),
      budget: o.budget ?? new RedisBudget({ redis, prefix, limits, clock }),
    };
  }
  return {
    store: o.store ?? new MemoryStore({ clock }),
    budget: o.budget ?? new MemoryBudget({ limits, clock }),
  };
}

/**
 * MNS (always) plus DingTalk, the webhook and EventBridge when configured, each retrying its own transient
 * failures. Credentials are read per publish (EventBridge, like MNS, signs with the invocation's STS triple).
 */
function buildNotifiers(
  config: Config,
  mns: MnsTopicClient,
  clock: Clock,
  credentials: CredentialSource,
): Notifier[] {
  const { dingtalk, webhook, eventbridge, retry } = config.notify;
  const channels: Notifier[] = [new MnsNotifier({ client: mns, topic: config.mns.topic })];
  if (dingtalk) channels.push(new DingTalkNotifier({ ...dingtalk, clock }));
  if (webhook) channels.push(new WebhookNotifier({ ...webhook, clock }));
  if (eventbridge) {
    const client = new EventBridgeClient({ ...eventbridge, credentials: () => credentials.get(), clock });
    channels.push(new EventBridgeNotifier({ client }));
  }
  return channels.map((n) => new RetryingNotifier(n, { ...retry, clock }));
}
