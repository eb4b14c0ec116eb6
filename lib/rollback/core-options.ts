import type { Budget } from '../budget/budget.js';
import type { Clock } from '../clock.js';
import type { Store } from '../idempotency/store.js';
import type { AppDirectory } from '../policy/namespaces.js';
import type { Policy } from '../policy/policy.js';
import type { Valves } from '../policy/valves.js';
import type { SaeAppApi } from '../sae/app-types.js';
import type { CallPolicyOptions } from '../sae/retry.js';
import type { SaeApi } from '../sae/types.js';
import type { ReleaseRules } from './release-rules.js';

/** What a {@link RollbackCore} is built from: its ports, and every setting of the decision. */
export interface RollbackCoreOptions {
  sae: SaeApi;
  store: Store;
  clock?: Clock;
  /** How long a completed abort (or already-finished) is remembered. Default 24 h. */
  retentionMs?: number;
  /** How long a permanent failure is remembered, so a storm of alarms does not repeat it. Default 5 min. */
  failureRetentionMs?: number;
  /** In-progress claim lifetime when the invocation has no deadline. Default 60 s. */
  defaultClaimMs?: number;
  /**
   * The shared SAE call budget. When set (or when `callPolicy` is), every SAE call takes a token
   * first and throttled calls are retried with backoff within the invocation's remaining time.
   */
  budget?: Budget;
  callPolicy?: Pick<CallPolicyOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'sleep' | 'random'>;
  /** How long an app → change-order resolution is shared between deliveries. 0 disables. Default 10 s. */
  resolutionTtlMs?: number;
  /** Within an app's cool-down, how often one alarm naming the app looks for a newer change order. Default 30 s. */
  cooldownRecheckMs?: number;
  /** Cool-down, global cap and flapping guard; none when unset. */
  valves?: Valves;
  /** Time kept free before the deadline (to publish and answer): no wait or retry runs into it. Default 2 s. */
  deadlineMarginMs?: number;
  /** SAE application calls: ListAppVersions/RollbackApplication (bake window), ListApplications (namespace allowlist). */
  app?: SaeAppApi;
  /** Post-deploy bake window (needs `app`): see lib/rollback/bake.ts. 0 (default) disables. */
  bakeWindowMs?: number;
  /** Allowlist, opt-out, minimum severity and dry-run; none when unset. */
  policy?: Policy;
  /** Namespace → apps, for the namespace allowlist; default one over `store`. */
  directory?: AppDirectory;
  /** Which change orders are releases to abort, and when evidence is about them (release-rules.ts). */
  rules?: ReleaseRules;
  /** How long a delivery that finds the change order in progress waits for its outcome. Default 2 s. */
  inProgressWaitMs?: number;
}
