import type { Store } from '../idempotency/store.js';

const NOT_WAITING = '-';
const WEEK_MS = 7 * 86_400_000;
/** A rule not seen in ALARM for this long has ended its episode: the next sighting starts a new one. */
export const ALARM_EPISODE_GAP_MS = 5 * 60_000;

/**
 * When the guard first saw this change order waiting for a manual batch confirmation (SAE does not
 * say when a wait began). Reset whenever it is seen doing anything else, so each wait counts alone.
 */
export async function waitingSince(
  store: Store,
  changeOrderId: string,
  waitingNow: boolean,
  now: number,
): Promise<number | undefined> {
  const key = `sae-rollback:guard:waiting:${changeOrderId}`;
  const raw = await store.getValue(key);
  if (!waitingNow) {
    if (raw !== undefined && raw !== NOT_WAITING) await store.putValue(key, NOT_WAITING, WEEK_MS);
    return undefined;
  }
  if (raw !== undefined && raw !== NOT_WAITING && Number.isFinite(Number(raw))) return Number(raw);
  await store.putValue(key, String(now), WEEK_MS);
  return now;
}

/**
 * When the guard first saw a CloudMonitor rule in ALARM for an app, in this episode: DescribeMetricRuleList
 * says a rule is alarming, not since when, and the core must compare that with the release's start (an
 * alarm older than the release is not evidence against it). The episode ends when the rule has not been
 * seen alarming for ALARM_EPISODE_GAP_MS (the guard runs every minute or so).
 */
export async function alarmingSince(
  store: Store,
  ruleId: string,
  appId: string,
  now: number,
): Promise<number> {
  const key = `sae-rollback:guard:alarming:${appId}:${ruleId}`;
  const [first, last] = (await store.getValue(key))?.split(':').map(Number) ?? [];
  const ongoing =
    first !== undefined && last !== undefined && Number.isFinite(first) && now - last <= ALARM_EPISODE_GAP_MS;
  const since = ongoing ? first : now;
  await store.putValue(key, `${since}:${now}`, WEEK_MS);
  return since;
}

/**
 * The release's new and previous version IDs (ListAppVersions, newest first), asked once per change
 * order and kept in the store: metric analysis fills `{{version}}` with them.
 */
export async function releaseVersions(
  store: Store,
  changeOrderId: string,
  list: () => Promise<ReadonlyArray<{ versionId: string }>>,
): Promise<{ current?: string; previous?: string }> {
  const key = `sae-rollback:guard:versions:${changeOrderId}`;
  const raw = await store.getValue(key);
  if (raw !== undefined) return JSON.parse(raw) as { current?: string; previous?: string };
  const [current, previous] = await list();
  const v = {
    ...(current ? { current: current.versionId } : {}),
    ...(previous ? { previous: previous.versionId } : {}),
  };
  await store.putValue(key, JSON.stringify(v), WEEK_MS);
  return v;
}
