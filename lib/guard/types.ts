import type { AnalysisNote } from '../analysis/analysis.js';
import type { FollowReport } from '../follow/types.js';
import type { Alarm, OutcomeKind } from '../rollback/outcome.js';
import type { InvocationInfo, RollbackRequest } from '../rollback/types.js';

/** Why the guard hands an app's change order to the core. */
export const GUARD_CONDITIONS = [
  /** Executing with SubStatus 1: an exception during the release, which SAE leaves until someone aborts. */
  'release-exception',
  /** Executing (or waiting between automatic batches) longer than the configured maximum. */
  'executing-too-long',
  /** Waiting for a manual batch confirmation (status 8) longer than the configured maximum. */
  'batch-wait-too-long',
  /** A CloudMonitor rule on the app is in ALARM (while a release runs, or inside the bake window). */
  'cloudmonitor-alarm',
  /** A single-batch release failed inside the bake window; SAE does not roll those back. */
  'failed-single-batch',
  /** A metric-analysis query failed `failureLimit` times in a row (while running, or inside the bake window). */
  'metric-analysis',
] as const;
export type GuardCondition = (typeof GUARD_CONDITIONS)[number];

export interface GuardSettings {
  /** Apps watched by ID. */
  watchAppIds: readonly string[];
  /** Every app of these namespaces is watched (ListApplications, cached). */
  watchNamespaceIds: readonly string[];
  /** 0: off. */
  maxExecutingMs: number;
  /** 0: off. */
  maxBatchWaitMs: number;
  /** Ask CloudMonitor which watched apps have rules in ALARM. */
  cloudMonitor: boolean;
  /** SAE calls one run may spend on look-ups; apps not reached wait for the next run. */
  callsPerRun: number;
  /** The core's bake window (0: off); finished releases are only findings inside it. */
  bakeWindowMs: number;
}

export interface WatchedApp {
  appId: string;
  appName?: string;
  namespaceId?: string;
}

/** Something the guard found: a change order to hand to the core, and why. */
export interface Finding {
  appId: string;
  changeOrderId: string;
  condition: GuardCondition;
  /** One line: what was seen (durations, the alarm rule). */
  detail: string;
  alarm: Alarm;
}

/** What handing one finding over gave back (in-process: the outcome; an async invoker: just accepted). */
export interface DispatchResult {
  outcome?: OutcomeKind;
  summary?: string;
  messageId?: string;
  /** True when the core said a later attempt may succeed (the next run finds the app again anyway). */
  retry: boolean;
}

/**
 * Hands one finding to the decision core. Default: in-process `processRequest` (idempotent, budgeted,
 * notified); an FC async invoker can replace it to fan findings out to other instances.
 */
export type Dispatch = (request: RollbackRequest, inv: InvocationInfo) => Promise<DispatchResult>;

/** A change order whose holder died, and what finishing it gave. */
export interface Orphan {
  changeOrderId: string;
  appId?: string;
  /** When the dead holder claimed it (ISO). */
  claimedAt: string;
  outcome?: DispatchResult['outcome'];
  summary?: string;
  messageId?: string;
  error?: string;
}

export interface GuardReport {
  /** Apps watched after the policy filter. */
  watched: number;
  /** Apps looked at in this run, in order. */
  checked: string[];
  findings: Array<Finding & Partial<Omit<DispatchResult, 'retry'>>>;
  /** Watched apps the policy excludes (allowlist, opt-out): never looked at. */
  skipped: Array<{ appId: string; reason: string }>;
  /** SAE calls the guard itself made (the core's calls for findings are in their outcomes). */
  saeCalls: number;
  /** Watched apps with a CloudMonitor rule in ALARM. */
  alarming: string[];
  /** True when every watched app was looked at in this run; else the next run goes on from `nextCursor`. */
  complete: boolean;
  nextCursor: number;
  /** Another run held the guard's lease: this one did nothing. */
  busy: boolean;
  retry: boolean;
  /** Change orders whose holder died, finished by this run through the normal path (lib/guard/orphans.ts). */
  orphans: Orphan[];
  /** What each metric-analysis query measured in this run (absent when analysis is off). */
  analysis?: AnalysisNote[];
  /** Problems that cut the run short or left a part out (budget, CloudMonitor down, …). */
  errors: string[];
  /** The follow-up step (lib/follow), when it looked at or published anything. */
  followUps?: FollowReport;
}
