import { createHash } from 'node:crypto';
import type { FollowUpKind, HookResult, Outcome, SaeTrace, Timeline } from '../rollback/outcome.js';
import { type ChangeOrder, describeStatus } from '../sae/types.js';
import type { FollowEntry } from './types.js';

/** What one look at the watched change order says: a follow-up to publish, or look again later. */
export type Verdict = { kind: FollowUpKind; status: number } | { kind: 'pending'; status: number };

const FAILED = new Set([3, 10]);

/**
 * The rule, per followed outcome. After AbortAndRollbackChangeOrder SAE terminates the change order
 * (6) once the previous version runs again; a failure of that rollback leaves it failed (3) or failed
 * by a system exception (10). RollbackApplication's own change order succeeds (2) or fails (3, 10);
 * terminated (6) means someone stopped our rollback, which is a failed rollback too.
 */
export function verdictOf(entry: FollowEntry, co: ChangeOrder, now: number, stuckAfterMs: number): Verdict {
  const { status } = co;
  const aborted = entry.follows.outcome === 'aborted';
  // Stopped but not rolled back (SupportRollback: false): the bad version is still there.
  if (aborted && status === 6 && entry.abortOnly) return { kind: 'rollback-failed', status };
  if (status === 2 || (aborted && status === 6)) return { kind: 'recovered', status };
  if (FAILED.has(status) || status === 6) return { kind: 'rollback-failed', status };
  const since = Date.parse(entry.follows.decidedAt);
  return now - since >= stuckAfterMs ? { kind: 'rollback-stuck', status } : { kind: 'pending', status };
}

/** The follow-up's timeline: alarm fired (when known), abort sent, ended, and the durations. */
export function timelineOf(entry: FollowEntry, kind: FollowUpKind, endedAt: number): Timeline {
  const fired = entry.alarm?.firedAt ? Date.parse(entry.alarm.firedAt) : Number.NaN;
  const received = Date.parse(entry.receivedAt);
  // An alarm time after receipt is clock skew at the source: count from receipt then.
  const start = Number.isFinite(fired) && fired <= received ? fired : received;
  const sent = Date.parse(entry.follows.decidedAt);
  return {
    ...(entry.alarm?.firedAt ? { alarmFiredAt: entry.alarm.firedAt } : {}),
    receivedAt: entry.receivedAt,
    abortSentAt: entry.follows.decidedAt,
    endedAt: new Date(endedAt).toISOString(),
    timeToAbortMs: Math.max(0, sent - start),
    ...(kind === 'recovered' ? { timeToRecoverMs: Math.max(0, endedAt - start) } : {}),
  };
}

const secs = (ms: number) => `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;

function summaryOf(
  entry: FollowEntry,
  kind: FollowUpKind,
  status: number,
  t: Timeline,
): {
  summary: string;
  reason?: string;
} {
  const app = entry.appName ? `${entry.appName} (${entry.appId})` : `app ${entry.appId ?? '?'}`;
  const what =
    entry.follows.outcome === 'aborted'
      ? `the rollback of change order ${entry.changeOrderId}`
      : `the rollback (change order ${entry.watchChangeOrderId})`;
  if (kind === 'recovered') {
    return {
      summary: `Recovered: ${what} of ${app} finished; the previous version runs again. Abort ${secs(t.timeToAbortMs)} and recovery ${secs(t.timeToRecoverMs ?? 0)} after the alarm.`,
    };
  }
  if (kind === 'rollback-failed') {
    const reason = entry.abortOnly
      ? `SAE stopped the release but could not roll it back (SupportRollback: false): the app still runs the bad version. A human is needed now: redeploy the previous version by hand (console "Rollback to history version", or ListAppVersions + RollbackApplication).`
      : `SAE's rollback itself ended ${describeStatus(status)} (status ${status}): the app may still run the bad version, or be half rolled back. A human is needed now: open change order ${entry.watchChangeOrderId} in the SAE console, read the failed batch's log, then roll back by hand (console "Rollback to history version", or ListAppVersions + RollbackApplication). Do not re-run sae-rollback for it: it never aborts a change order twice.`;
    return { summary: `ROLLBACK FAILED for ${app}: ${what} did not complete. ${reason}`, reason };
  }
  const reason = `Still ${describeStatus(status)} (status ${status}) ${secs(Date.parse(t.endedAt) - Date.parse(t.abortSentAt))} after the abort. Open change order ${entry.watchChangeOrderId} in the SAE console: a batch may wait for confirmation or instances may not start; finish or redeploy by hand.`;
  return { summary: `Rollback stuck for ${app}: ${what} is not final. ${reason}`, reason };
}

/** The follow-up outcome document (schema v2), with a message ID stable for the change order. */
export function followUpOutcome(
  entry: FollowEntry,
  v: { kind: FollowUpKind; status: number },
  endedAt: number,
  trace: SaeTrace[],
  extra: { hooks?: HookResult[]; alarmCleared?: boolean } = {},
): Outcome {
  const { hooks, alarmCleared } = extra;
  const timeline = timelineOf(entry, v.kind, endedAt);
  const said = summaryOf(entry, v.kind, v.status, timeline);
  const reason = said.reason;
  const summary =
    alarmCleared === undefined
      ? said.summary
      : `${said.summary} ${alarmCleared ? 'The alarm is back to OK.' : 'The alarm has not reported OK yet: keep an eye on it.'}`;
  const id = createHash('sha256').update(`${entry.changeOrderId}:follow-up`).digest('hex').slice(0, 32);
  return {
    schemaVersion: 2,
    outcome: v.kind,
    summary,
    messageId: `sr-${id}`,
    dedupeKey: entry.id,
    changeOrderId: entry.changeOrderId,
    changeOrderStatus: v.status,
    ...(entry.appId ? { appId: entry.appId } : {}),
    ...(entry.appName ? { appName: entry.appName } : {}),
    ...(entry.namespaceId ? { namespaceId: entry.namespaceId } : {}),
    ...(entry.alarm ? { alarm: entry.alarm } : {}),
    sae: trace,
    ...(reason ? { reason } : {}),
    retryable: false,
    follows: entry.follows,
    timeline,
    ...(alarmCleared === undefined ? {} : { alarmCleared }),
    ...(hooks && hooks.length > 0 ? { hooks } : {}),
    receivedAt: entry.receivedAt,
    decidedAt: new Date(endedAt).toISOString(),
  };
}
