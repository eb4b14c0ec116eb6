import { Analysis } from '../analysis/analysis.js';
import { PromClient } from '../analysis/client.js';
import type { Budget } from '../budget/budget.js';
import type { Clock } from '../clock.js';
import { CmsClient } from '../cms/client.js';
import type { Config } from '../config.js';
import type { CredentialSource } from '../credentials.js';
import type { Store } from '../idempotency/store.js';
import { createInvoker } from '../invoke/config.js';
import type { Logger } from '../log.js';
import type { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import type { SaeAppApi } from '../sae/app-types.js';
import type { SaeApi } from '../sae/types.js';
import { fanOutDispatch } from './fan-out.js';
import { Guard, type GuardOptions } from './guard.js';
import type { Dispatch } from './types.js';

/**
 * The scheduled guard with its CloudMonitor client and, with fan-out configured, its invoker. Its own
 * module, loaded by lib/runtime.ts on the first guard tick only: the alarm function never needs it.
 */
export function createGuard(o: {
  config: Config;
  sae: SaeApi;
  app: SaeAppApi;
  store: Store;
  budget: Budget;
  clock: Clock;
  logger: Logger;
  policy: Policy;
  directory: AppDirectory;
  credentials: CredentialSource;
  /** Wins over fan-out; else fan-out when configured, else `inProcess`. */
  dispatch: Dispatch | undefined;
  inProcess: Dispatch;
  /** Follows handled rollbacks to their end, once per run (lib/follow). */
  followUps?: GuardOptions['followUps'];
}): Guard {
  const { config, credentials } = o;
  const cms = new CmsClient({
    regionId: config.regionId,
    credentials,
    protocol: config.cms.protocol,
    connectTimeoutMs: config.sae.connectTimeoutMs,
    readTimeoutMs: config.sae.readTimeoutMs,
    ...(config.cms.endpoint ? { endpoint: config.cms.endpoint } : {}),
  });
  const fanOut = config.guard.fanOut;
  const dispatch =
    o.dispatch ??
    (fanOut
      ? fanOutDispatch(createInvoker(fanOut.invoker, credentials), fanOut.consumerFunction)
      : o.inProcess);
  return new Guard({
    sae: o.sae,
    app: o.app,
    cms,
    store: o.store,
    budget: o.budget,
    clock: o.clock,
    logger: o.logger,
    settings: { ...config.guard, bakeWindowMs: config.bakeWindowMs },
    policy: o.policy,
    directory: o.directory,
    resolutionTtlMs: config.idempotency.resolutionTtlMs,
    dispatch,
    ...(o.followUps ? { followUps: o.followUps } : {}),
    ...(config.analysis ? { analysis: analysisOf(config.analysis, o.store) } : {}),
  });
}

/** Metric analysis over the file's Prometheus-compatible API (built once, like every client). */
function analysisOf(file: NonNullable<Config['analysis']>, store: Store): Analysis {
  const p = file.prometheus;
  const prom = new PromClient({
    url: p.url,
    timeoutMs: p.timeout,
    ...(p.bearerToken ? { bearerToken: p.bearerToken } : {}),
    ...(p.basicAuth ? { basicAuth: p.basicAuth } : {}),
  });
  return new Analysis({ file, prom, store });
}
