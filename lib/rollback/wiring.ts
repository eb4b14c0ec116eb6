import { type Clock, systemClock } from '../clock.js';
import { ResolutionCache } from '../idempotency/resolution-cache.js';
import { changeOrderKey } from '../idempotency/store.js';
import { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import type { Valves } from '../policy/valves.js';
import { Act } from './act.js';
import type { AdmitOptions, EvidenceOptions } from './admit.js';
import { ChangeOrderFactsCache } from './bake.js';
import { BakeWindow } from './bake-window.js';
import type { ClaimOptions } from './claim.js';
import type { MeterOptions } from './context.js';
import type { RollbackCoreOptions } from './core-options.js';
import type { RecordOptions } from './record.js';
import { DEFAULT_RELEASE_RULES } from './release-rules.js';
import type { ResolveOptions } from './resolve.js';

/** Every step of the decision, built once per core from its options (defaults in core-options.ts). */
export interface Steps {
  clock: Clock;
  /** Time kept free before the deadline (to publish and answer). */
  marginMs: number;
  /** Claim lifetime (and the decision's time) when the invocation has no deadline. */
  defaultClaimMs: number;
  valves: Valves | undefined;
  policy: Policy | undefined;
  meter: MeterOptions;
  admit: AdmitOptions;
  evidence: EvidenceOptions;
  resolve: ResolveOptions;
  claim: ClaimOptions;
  bake: BakeWindow;
  act: Act;
  record: RecordOptions;
  /** The store key of a change order's record; dry-run decisions never share records with real ones. */
  key: (changeOrderId: string) => string;
}

export function wireSteps(opts: RollbackCoreOptions): Steps {
  const { store, valves, policy, budget, callPolicy } = opts;
  const clock = opts.clock ?? systemClock;
  const retentionMs = opts.retentionMs ?? 24 * 3600_000;
  const failureRetentionMs = opts.failureRetentionMs ?? 5 * 60_000;
  const claimMs = opts.defaultClaimMs ?? 60_000;
  const directory = opts.directory ?? new AppDirectory({ store });
  const rules = opts.rules ?? DEFAULT_RELEASE_RULES;
  const ttlMs = opts.resolutionTtlMs ?? 10_000;
  const cache = ttlMs > 0 ? new ResolutionCache({ store, ttlMs, clock }) : undefined;
  const key = (id: string) => (policy?.dryRun ? `sae-rollback:dry-run:co:${id}` : changeOrderKey(id));
  const bake = new BakeWindow({
    store,
    clock,
    windowMs: opts.app ? (opts.bakeWindowMs ?? 0) : 0,
    retentionMs,
    claimMs,
    cache,
    facts: new ChangeOrderFactsCache({ store, ttlMs: retentionMs }),
    valves,
    policy,
  });
  const kept = { store, retentionMs };
  return {
    clock,
    marginMs: opts.deadlineMarginMs ?? 2_000,
    defaultClaimMs: claimMs,
    valves,
    policy,
    meter: { sae: opts.sae, app: opts.app, budget, callPolicy, clock },
    admit: { ...kept, policy, directory, claimMs },
    evidence: { ...kept, rules, claimMs },
    resolve: {
      store,
      cooldowns: valves !== undefined,
      cache,
      bake,
      key,
      recheckMs: opts.cooldownRecheckMs ?? 30_000,
    },
    claim: {
      store,
      clock,
      rules,
      defaultClaimMs: claimMs,
      inProgressWaitMs: opts.inProgressWaitMs ?? 2_000,
    },
    bake,
    act: new Act({ ...kept, clock, failureRetentionMs, valves, policy, rules, directory, bake }),
    record: { ...kept, bake, failureRetentionMs, defaultClaimMs: claimMs },
    key,
  };
}
