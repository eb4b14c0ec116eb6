import type { Budget } from './budget/budget.js';
import { MemoryBudget } from './budget/memory-budget.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type CredentialSource, defaultChainCredentials, InvocationCredentials } from './credentials.js';
import { FollowUps } from './follow/check.js';
import { ConfiguredHooks } from './follow/hooks.js';
import type { Dispatch, Guard } from './guard/index.js';
import { MemoryStore } from './idempotency/memory-store.js';
import type { Store } from './idempotency/store.js';
import { lazyInvoker } from './invoke/lazy.js';
import { lazyPort } from './lazy.js';
import { createLogger, type Logger } from './log.js';
import { buildNotifiers } from './notify/build.js';
import { MnsTopicClient } from './notify/mns-client.js';
import type { Notifier } from './notify/notifier.js';
import { AppDirectory } from './policy/namespaces.js';
import { Policy } from './policy/policy.js';
import { Valves } from './policy/valves.js';
import { RollbackCore } from './rollback/core.js';
import { processRequest } from './rollback/process.js';
import { SaeAppClient } from './sae/app-client.js';
import type { SaeAppApi } from './sae/app-types.js';
import { saeClientFrom } from './sae/from-config.js';
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
  /** Allowlist, opt-out, minimum severity, dry-run. */
  policy: Policy;
  /**
   * The scheduled guard (functions/guard.ts, and timer ticks reaching the consumer), with its CloudMonitor
   * client: built on the first tick, so an alarm's cold start never loads it.
   */
  guard: Pick<Guard, 'run'>;
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
  const sae = saeClientFrom(config, credentials);
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
    cooldownRecheckMs: config.idempotency.cooldownRecheckMs,
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
    ...(hooksConfig.fc ? { invoker: lazyInvoker(hooksConfig.fc.invoker, credentials) } : {}),
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
  const inProcess: Dispatch = async (req, inv) => {
    const r = await processRequest(
      { core, store, notifiers, logger, follow, notifyDuplicates: config.notifyDuplicates },
      req,
      inv,
    );
    const { outcome, summary, messageId } = r.outcome;
    return { outcome, summary, messageId, retry: r.retry };
  };
  let guard: Promise<Guard> | undefined;
  const loadGuard = async () => {
    const { createGuard } = await import('./guard/wire.js');
    return createGuard({
      ...{ config, sae, app, store, budget, clock, logger, policy, directory, credentials },
      dispatch: o.dispatch,
      inProcess,
      followUps: follow,
    });
  };
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
    policy,
    guard: {
      run: async (inv) => {
        guard ??= loadGuard();
        return (await guard).run(inv);
      },
    },
    follow,
  };
}

let shareInProcess = false;
let processState: { store: Store; budget: Budget } | undefined;

/**
 * From now on every runtime of this process built with the memory store shares one store and one budget
 * — `sae-rollback dev`, where alarm, consumer and guard run in one process and must dedupe against each
 * other as they do through Redis when deployed. On FC each instance has its own process.
 */
export function shareMemoryStateAcrossRuntimes(): void {
  shareInProcess = true;
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
    // Loaded on first use (the first claim), so ioredis is not evaluated in a memory-store cold start.
    let pending: ReturnType<typeof connect> | undefined;
    const connect = () =>
      import('./idempotency/redis-state.js').then(({ redisState }) =>
        redisState({
          url: config.redis.url,
          timeoutMs: config.redis.timeoutMs,
          prefix: config.redis.keyPrefix,
          limits,
          clock,
          onError: (err) => logger.warn('redis-connection', { error: err.message }),
        }),
      );
    const shared = () => {
      pending ??= connect();
      return pending;
    };
    return {
      store: o.store ?? lazyPort<Store>(() => shared().then((s) => s.store)),
      budget: o.budget ?? lazyPort<Budget>(() => shared().then((s) => s.budget)),
    };
  }
  const fresh = () => ({ store: new MemoryStore({ clock }), budget: new MemoryBudget({ limits, clock }) });
  if (shareInProcess && !processState) processState = fresh();
  const own = shareInProcess && processState ? processState : fresh();
  return { store: o.store ?? own.store, budget: o.budget ?? own.budget };
}
