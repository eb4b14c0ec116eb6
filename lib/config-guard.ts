import { z } from 'zod';
import { appIds, bool, host, wholeNumber as intFrom, namespaceIds } from './config-values.js';
import { SEVERITIES } from './policy/policy.js';

/** The environment variables of the guard, the bake window, metric analysis and the rollback policy. */
export const guardEnvSchema = z.object({
  /** CloudMonitor API host (default metrics.<region>.aliyuncs.com) and protocol; override for the emulator. */
  CMS_ENDPOINT: host.optional(),
  CMS_PROTOCOL: z.enum(['https', 'http']).default('https'),
  /** Apps the scheduled guard watches: app IDs, and every app of these namespaces. */
  WATCH_APP_IDS: appIds,
  WATCH_NAMESPACE_IDS: namespaceIds,
  /** Guard: a change order executing longer than this is rolled back (0 = off). */
  GUARD_MAX_EXECUTING_MINUTES: intFrom(30, 0, 7 * 1_440),
  /** Guard: a change order waiting for manual batch confirmation longer than this is rolled back (0 = off). */
  GUARD_MAX_BATCH_WAIT_MINUTES: intFrom(60, 0, 7 * 1_440),
  /** Guard: also act on CloudMonitor rules in ALARM for a watched app. */
  GUARD_CLOUDMONITOR: bool('true'),
  /**
   * Guard: SAE calls one run may spend on look-ups; the rest of the apps wait for the next run. A spent
   * token is held ~62 s, so two 1-minute runs overlap: 2 × 15 leaves 10 look-ups for alarms plus the
   * abort reserve out of the default 50.
   */
  GUARD_CALLS_PER_RUN: intFrom(15, 1, 1_000),
  /**
   * Guard: `inline` runs each finding through the core in the guard's own invocation; `fc-async` hands it
   * to the consumer function as an async FC invocation with a task ID derived from the change order.
   */
  GUARD_DISPATCH: z.enum(['inline', 'fc-async']).default('inline'),
  GUARD_CONSUMER_FUNCTION: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, 'must be an FC function name')
    .default('sae-rollback-consumer'),
  /** Metric analysis: path of the YAML/JSON analysis file (relative: from the working directory, FC's /code). */
  ANALYSIS_CONFIG: z.string().optional(),
  /** Post-deploy bake window: an alarm this soon after a release succeeded rolls the app back (0 = off). */
  BAKE_WINDOW_SECONDS: intFrom(0, 0, 7 * 86_400),
  /** Policy: when either list is set, only these apps / apps of these namespaces are ever rolled back. */
  POLICY_ALLOW_APP_IDS: appIds,
  POLICY_ALLOW_NAMESPACE_IDS: namespaceIds,
  /** Policy: apps never rolled back automatically. */
  POLICY_OPT_OUT_APP_IDS: appIds,
  /** Policy: alarms below this severity are refused (unset: no minimum). */
  POLICY_MIN_SEVERITY: z.enum(SEVERITIES).optional(),
  /** Policy: with a minimum severity, also act on alarms that carry no severity at all. */
  POLICY_ALLOW_UNRATED: bool('false'),
  /** Policy: every read runs, no mutating call is made; outcomes say what would have happened. */
  DRY_RUN: bool('false'),
});
