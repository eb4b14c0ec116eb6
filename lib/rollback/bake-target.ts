import { changeOrderKey, type Store } from '../idempotency/store.js';
import type { AppVersion } from '../sae/app-types.js';
import { parseSaeTime } from '../sae/time.js';
import {
  type ChangeOrderPage,
  ChangeOrderStatus,
  type ChangeOrderSummary,
  type ListChangeOrdersQuery,
  TERMINAL_STATUSES,
} from '../sae/types.js';
import type { Draft } from './drafts.js';

/**
 * Where the bake window rolls an app back to: the version that was live before the release — taken
 * from the change-order history, never from the order of ListAppVersions (which holds a record for
 * every version ever started, aborted and failed ones included).
 *
 * Walking the app's change orders back from the release, the first one that changed the version and
 * **succeeded** is what was live: a deployment, a redeploy of a historical version or a rollback. An
 * aborted or failed one never stayed live (an abort and a failed phased release restore the version
 * before it), and a scale-out, restart or configuration change does not change the version.
 *
 * SAE's lists do not link a change order to a version, so that change order is matched to a record:
 * - one sae-rollback started itself (RollbackApplication): the version it asked for, remembered;
 * - otherwise the record ListAppVersions shows created with it (within {@link MATCH_WINDOW_MS} of its
 *   CreateTime) — a deployment ships a new record; whether a redeploy or an operator's rollback does is
 *   not documented, and when none is there the target is not known.
 * Anything short of certain — the history cut off, a change of unknown type, no record or two — is a
 * `{ ok: false }` with what to do by hand: the core then does nothing.
 */

/** Types that change the running version (the rest — scaling, restarts, SLB, NAS … — leave it). */
export const VERSION_CHANGING_TYPES: ReadonlySet<string> = new Set([
  'CoCreateApp',
  'CoDeploy',
  'CoDeployHistroy',
  'CoRollback',
]);

/** How far a version record's CreateTime may be from its change order's (SAE's is to the second). */
export const MATCH_WINDOW_MS = 60_000;
const PAGE_SIZE = 20;
const MAX_PAGES = 3;

export interface BakeTargetSources {
  appId: string;
  /** The release the bake window undoes (the app's latest change order). */
  releaseId: string;
  listChangeOrders(q: ListChangeOrdersQuery): Promise<ChangeOrderPage>;
  /** Newest first. */
  listAppVersions(): Promise<AppVersion[]>;
  /** The version a RollbackApplication sae-rollback started went to, when it started `changeOrderId`. */
  remembered(changeOrderId: string): Promise<string | undefined>;
}

export type BakeTarget =
  | { ok: true; from: AppVersion; to: AppVersion; live: ChangeOrderSummary }
  | { ok: false; why: string; todo: string };

const BY_HAND =
  'Roll back by hand if the release is bad: pick the version that ran before it in the SAE console (or ListAppVersions) and call RollbackApplication with its VersionId.';

export async function bakeTarget(src: BakeTargetSources): Promise<BakeTarget> {
  const history = await historyUntilLive(src);
  if ('why' in history) return { ok: false, why: history.why, todo: BY_HAND };
  const { release, live } = history;
  const versions = await src.listAppVersions();
  const from = recordOf(release, versions);
  if (!from.ok)
    return { ok: false, why: `${from.why} (the release ${release.changeOrderId})`, todo: BY_HAND };
  const rememberedId = await src.remembered(live.changeOrderId);
  const to = rememberedId
    ? found(versions.filter((v) => v.versionId === rememberedId))
    : recordOf(live, versions);
  if (!to.ok) {
    const what = `${live.coTypeCode} ${live.changeOrderId}`;
    const why =
      live.coTypeCode === 'CoDeploy' || live.coTypeCode === 'CoCreateApp' || rememberedId
        ? `${to.why} for ${what}, the change that installed the version live before the release`
        : `the version live before the release was set by ${what}, and SAE does not say which version it went back to (${to.why} with it)`;
    return { ok: false, why, todo: BY_HAND };
  }
  if (to.version.versionId === from.version.versionId) {
    return {
      ok: false,
      why: `the release left the app on the version it found (${to.version.versionId})`,
      todo: BY_HAND,
    };
  }
  return { ok: true, from: from.version, to: to.version, live };
}

/** The release and, older than it, the last change that set the version and succeeded. */
async function historyUntilLive(
  src: BakeTargetSources,
): Promise<{ release: ChangeOrderSummary; live: ChangeOrderSummary } | { why: string }> {
  const seen: ChangeOrderSummary[] = [];
  let total = Number.POSITIVE_INFINITY;
  for (let page = 1; page <= MAX_PAGES && seen.length < total; page++) {
    const res = await src.listChangeOrders({ appId: src.appId, currentPage: page, pageSize: PAGE_SIZE });
    total = res.totalSize;
    seen.push(...res.changeOrders);
    if (res.changeOrders.length === 0) break;
    const verdict = walk(seen, src.releaseId);
    if (verdict !== 'more') return verdict;
  }
  const verdict = walk(seen, src.releaseId, true);
  return verdict === 'more' ? { why: 'no earlier release could be read' } : verdict;
}

function walk(
  seen: readonly ChangeOrderSummary[],
  releaseId: string,
  last = false,
): { release: ChangeOrderSummary; live: ChangeOrderSummary } | { why: string } | 'more' {
  if (seen.some((c) => parseSaeTime(c.createTime) === undefined)) {
    return { why: 'SAE listed a change order without a readable CreateTime, so their order is not known' };
  }
  // Newest first by CreateTime; SAE's own order breaks ties (its order is otherwise not documented).
  const ordered = seen
    .map((c, i) => ({ c, i, t: parseSaeTime(c.createTime) ?? 0 }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((x) => x.c);
  const at = ordered.findIndex((c) => c.changeOrderId === releaseId);
  if (at < 0) {
    return last
      ? { why: `SAE does not list the release ${releaseId} among the app's change orders` }
      : 'more';
  }
  const release = ordered[at] as ChangeOrderSummary;
  for (const c of ordered.slice(at + 1)) {
    if (!c.coTypeCode) {
      return {
        why: `change order ${c.changeOrderId} before the release has no type; it may have changed the version`,
      };
    }
    if (!TERMINAL_STATUSES.has(c.status)) {
      return { why: `change order ${c.changeOrderId} (${c.coTypeCode}) before the release has not finished` };
    }
    if (VERSION_CHANGING_TYPES.has(c.coTypeCode) && c.status === ChangeOrderStatus.Succeeded) {
      return { release, live: c };
    }
  }
  return last
    ? {
        why: `no earlier release, redeploy or rollback that succeeded is among the app's last ${ordered.length} change orders (older ones expire or were not read)`,
      }
    : 'more';
}

type Match = { ok: true; version: AppVersion } | { ok: false; why: string };

/** The version record created with `co`: exactly one within the match window of its CreateTime. */
function recordOf(co: ChangeOrderSummary, versions: readonly AppVersion[]): Match {
  const t = parseSaeTime(co.createTime) ?? Number.NaN;
  return found(
    versions.filter((v) => v.createdAt !== undefined && Math.abs(v.createdAt - t) <= MATCH_WINDOW_MS),
  );
}

function found(matches: readonly AppVersion[]): Match {
  const [only] = matches;
  if (matches.length === 1 && only) return { ok: true, version: only };
  return {
    ok: false,
    why:
      matches.length === 0
        ? 'ListAppVersions shows no version created'
        : `ListAppVersions shows ${matches.length} versions created`,
  };
}

/** The version a rollback sae-rollback started went to: its outcome is stored under that change order. */
export async function rememberedTarget(
  store: Pick<Store, 'get'>,
  changeOrderId: string,
): Promise<string | undefined> {
  const record = await store.get(changeOrderKey(changeOrderId));
  const o = record?.outcome;
  return o?.outcome === 'rolled-back-application' ? o.versions?.to : undefined;
}

/** "Not rolled back: the target is not certain", as an outcome draft: nothing was done, and why. */
export function uncertainTargetDraft(
  appId: string,
  why: string,
  t: Extract<BakeTarget, { ok: false }>,
): Draft {
  return {
    outcome: 'refused',
    summary: `App ${appId} was NOT rolled back (${why}): the version that was live before the release is not certain, so nothing was done.`,
    reason: `bake-target: ${t.why}. sae-rollback rolls back only to a version the change-order history proves was live before the release. ${t.todo}`,
  };
}
