// bake-target.ts line by line, over fake SAE answers (the edges the emulator does not produce on its
// own): the match window, paging, ordering, every "not certain" reason, and the remembered target.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import {
  bakeTarget,
  MATCH_WINDOW_MS,
  rememberedTarget,
  uncertainTargetDraft,
  VERSION_CHANGING_TYPES,
} from '../../lib/rollback/bake-target.js';
import type { Outcome } from '../../lib/rollback/outcome.js';
import type { AppVersion } from '../../lib/sae/app-types.js';
import type { ChangeOrderSummary, ListChangeOrdersQuery } from '../../lib/sae/types.js';
import { co, ver } from '../helpers/change-orders.js';
import { makeOutcome } from '../helpers/outcome.js';

const T0 = Date.parse('2026-11-29T03:00:00Z');
const MIN = 60_000;
const BY_HAND =
  'Roll back by hand if the release is bad: pick the version that ran before it in the SAE console (or ListAppVersions) and call RollbackApplication with its VersionId.';

/** `totalSize`: what SAE claims (defaults to the real count). */
function sources(
  orders: ChangeOrderSummary[],
  versions: AppVersion[],
  opts: { remembered?: Record<string, string>; totalSize?: number } = {},
) {
  const queries: ListChangeOrdersQuery[] = [];
  return {
    queries,
    src: {
      appId: 'app-1',
      releaseId: 'release',
      listChangeOrders: async (q: ListChangeOrdersQuery) => {
        queries.push(q);
        const page = q.currentPage ?? 1;
        const size = q.pageSize ?? 20;
        const changeOrders = orders.slice((page - 1) * size, page * size);
        return {
          currentPage: page,
          pageSize: size,
          totalSize: opts.totalSize ?? orders.length,
          changeOrders,
        };
      },
      listAppVersions: async () => versions,
      remembered: async (id: string) => opts.remembered?.[id],
    },
  };
}

const release = co('release', T0, 'CoDeploy');
const vRelease = ver('v-release', T0 + 500);

describe('bakeTarget: what counts as the live version', () => {
  it('each version-changing type that succeeded is the live one; the answer names it', async () => {
    expect([...VERSION_CHANGING_TYPES].sort()).toEqual([
      'CoCreateApp',
      'CoDeploy',
      'CoDeployHistroy',
      'CoRollback',
    ]);
    for (const type of VERSION_CHANGING_TYPES) {
      const live = co('live', T0 - 60 * MIN, type);
      const t = await bakeTarget(sources([release, live], [vRelease, ver('v-live', T0 - 60 * MIN)]).src);
      expect(t).toEqual({ ok: true, from: vRelease, to: ver('v-live', T0 - 60 * MIN), live });
    }
  });

  it('skips failed, terminated and system-failed version changes and a succeeded restart', async () => {
    const skipped = [
      co('failed', T0 - 10 * MIN, 'CoDeploy', 3),
      co('aborted', T0 - 20 * MIN, 'CoDeploy', 6),
      co('sysfail', T0 - 30 * MIN, 'CoDeployHistroy', 10),
      co('restart', T0 - 40 * MIN, 'CoRestartApplication', 2),
    ];
    const good = co('good', T0 - 60 * MIN, 'CoDeploy');
    const t = await bakeTarget(
      sources([release, ...skipped, good], [vRelease, ver('v-good', T0 - 60 * MIN)]).src,
    );
    expect(t).toMatchObject({ ok: true, to: { versionId: 'v-good' }, live: { changeOrderId: 'good' } });
  });

  it('orders by CreateTime, newest first, whatever order SAE lists them in; ties keep SAE order', async () => {
    const good = co('good', T0 - 60 * MIN, 'CoDeploy');
    const versions = [vRelease, ver('v-good', T0 - 60 * MIN)];
    expect(await bakeTarget(sources([good, release], versions).src)).toMatchObject({
      ok: true,
      live: { changeOrderId: 'good' },
    });
    // Our own rollback listed right after the release, at the same second: it is the older one.
    const ours = co('ours', T0, 'CoRollback');
    const tie = await bakeTarget(
      sources([release, ours], [vRelease, ver('v-good', T0 - 60 * MIN)], { remembered: { ours: 'v-good' } })
        .src,
    );
    expect(tie).toMatchObject({ ok: true, to: { versionId: 'v-good' }, live: { changeOrderId: 'ours' } });
  });
});

describe('bakeTarget: matching a change order to its version record', () => {
  const good = co('good', T0 - 60 * MIN, 'CoDeploy');

  it(`a record up to ${MATCH_WINDOW_MS} ms either side of the CreateTime matches, one ms more does not`, async () => {
    expect(MATCH_WINDOW_MS).toBe(60_000);
    for (const d of [MATCH_WINDOW_MS, -MATCH_WINDOW_MS]) {
      const t = await bakeTarget(sources([release, good], [vRelease, ver('v-good', T0 - 60 * MIN + d)]).src);
      expect(t).toMatchObject({ ok: true, to: { versionId: 'v-good' } });
    }
    for (const d of [MATCH_WINDOW_MS + 1, -MATCH_WINDOW_MS - 1]) {
      const t = await bakeTarget(sources([release, good], [vRelease, ver('v-good', T0 - 60 * MIN + d)]).src);
      expect(t).toEqual({
        ok: false,
        why: 'ListAppVersions shows no version created for CoDeploy good, the change that installed the version live before the release',
        todo: BY_HAND,
      });
    }
  });

  it('a record without a create time never matches', async () => {
    const t = await bakeTarget(
      sources([release, good], [ver('v-x', undefined), vRelease, ver('v-good', T0 - 60 * MIN)]).src,
    );
    expect(t).toMatchObject({ ok: true, from: { versionId: 'v-release' }, to: { versionId: 'v-good' } });
  });

  it('no record, or two, for the release itself: says so, naming the release', async () => {
    const none = await bakeTarget(sources([release, good], [ver('v-good', T0 - 60 * MIN)]).src);
    expect(none).toEqual({
      ok: false,
      why: 'ListAppVersions shows no version created (the release release)',
      todo: BY_HAND,
    });
    const two = await bakeTarget(
      sources([release, good], [vRelease, ver('v-twin', T0 - 1000), ver('v-good', T0 - 60 * MIN)]).src,
    );
    expect(two).toEqual({
      ok: false,
      why: 'ListAppVersions shows 2 versions created (the release release)',
      todo: BY_HAND,
    });
  });

  it('CoCreateApp and a remembered-but-missing target read as "no record for"; a redeploy as "SAE does not say"', async () => {
    const created = co('first', T0 - 60 * MIN, 'CoCreateApp');
    expect(await bakeTarget(sources([release, created], [vRelease]).src)).toMatchObject({
      ok: false,
      why: 'ListAppVersions shows no version created for CoCreateApp first, the change that installed the version live before the release',
    });
    const ours = co('ours', T0 - 20 * MIN, 'CoRollback');
    expect(
      await bakeTarget(sources([release, ours], [vRelease], { remembered: { ours: 'v-gone' } }).src),
    ).toMatchObject({
      ok: false,
      why: 'ListAppVersions shows no version created for CoRollback ours, the change that installed the version live before the release',
    });
    const redeploy = co('redo', T0 - 20 * MIN, 'CoDeployHistroy');
    expect(await bakeTarget(sources([release, redeploy], [vRelease]).src)).toEqual({
      ok: false,
      why: 'the version live before the release was set by CoDeployHistroy redo, and SAE does not say which version it went back to (ListAppVersions shows no version created with it)',
      todo: BY_HAND,
    });
  });

  it("a live version that is the release's own is refused: the release changed nothing to undo", async () => {
    const ours = co('ours', T0 - 20 * MIN, 'CoRollback');
    const t = await bakeTarget(
      sources([release, ours], [vRelease], { remembered: { ours: 'v-release' } }).src,
    );
    expect(t).toEqual({
      ok: false,
      why: 'the release left the app on the version it found (v-release)',
      todo: BY_HAND,
    });
  });
});

describe('bakeTarget: reading the history', () => {
  const good = co('good', T0 - 60 * MIN, 'CoDeploy');
  const versions = [vRelease, ver('v-good', T0 - 60 * MIN)];

  it('asks for the app, page by page, 20 at a time', async () => {
    const noise = Array.from({ length: 20 }, (_, i) => co(`scale-${i}`, T0 - (i + 1) * 1000, 'CoScaleOut'));
    const { src, queries } = sources([release, ...noise, good], versions);
    expect(await bakeTarget(src)).toMatchObject({ ok: true });
    expect(queries).toEqual([
      { appId: 'app-1', currentPage: 1, pageSize: 20 },
      { appId: 'app-1', currentPage: 2, pageSize: 20 },
    ]);
  });

  it('stops once it has read all SAE has, and says how many it read', async () => {
    const noise = Array.from({ length: 4 }, (_, i) => co(`scale-${i}`, T0 - (i + 1) * 1000, 'CoScaleOut'));
    const { src, queries } = sources([release, ...noise], versions);
    expect(await bakeTarget(src)).toEqual({
      ok: false,
      why: "no earlier release, redeploy or rollback that succeeded is among the app's last 5 change orders (older ones expire or were not read)",
      todo: BY_HAND,
    });
    expect(queries.map((q) => q.currentPage)).toEqual([1]);
  });

  it('stops at an empty page even when SAE claims there are more', async () => {
    const { src, queries } = sources([release], versions, { totalSize: 100 });
    expect(await bakeTarget(src)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/last 1 change orders/),
    });
    expect(queries.map((q) => q.currentPage)).toEqual([1, 2]);
  });

  it('a release SAE does not list, an unreadable CreateTime, an untyped or unfinished change: each named', async () => {
    const other = sources([co('other', T0, 'CoDeploy'), good], versions);
    expect(await bakeTarget(other.src)).toEqual({
      ok: false,
      why: "SAE does not list the release release among the app's change orders",
      todo: BY_HAND,
    });
    const noTime = await bakeTarget(
      sources([release, { changeOrderId: 'x', status: 2, coTypeCode: 'CoDeploy' }, good], versions).src,
    );
    expect(noTime).toMatchObject({
      ok: false,
      why: 'SAE listed a change order without a readable CreateTime, so their order is not known',
    });
    const untyped = await bakeTarget(sources([release, co('odd', T0 - MIN, undefined), good], versions).src);
    expect(untyped).toMatchObject({
      why: 'change order odd before the release has no type; it may have changed the version',
    });
    const running = await bakeTarget(
      sources([release, co('odd', T0 - MIN, 'CoScaleOut', 1), good], versions).src,
    );
    expect(running).toMatchObject({
      why: 'change order odd (CoScaleOut) before the release has not finished',
    });
  });
});

describe('rememberedTarget', () => {
  async function stored(outcome: Outcome | undefined): Promise<MemoryStore> {
    const store = new MemoryStore({ clock: new ManualClock(T0) });
    if (outcome) {
      const claim = await store.claim(changeOrderKey('ours'), MIN);
      if (claim.status !== 'claimed') throw new Error('not claimed');
      await store.complete(changeOrderKey('ours'), claim.token, outcome, 60 * MIN);
    }
    return store;
  }

  it('the version its own rollback went to, from the outcome stored under that change order', async () => {
    const ours = makeOutcome({ outcome: 'rolled-back-application', versions: { from: 'v-3', to: 'v-2' } });
    expect(await rememberedTarget(await stored(ours), 'ours')).toBe('v-2');
    expect(await rememberedTarget(await stored(ours), 'other')).toBeUndefined();
  });

  it('nothing for another outcome, a rollback without versions, or no record', async () => {
    const aborted = makeOutcome({ outcome: 'aborted', versions: { from: 'v-3', to: 'v-2' } });
    expect(await rememberedTarget(await stored(aborted), 'ours')).toBeUndefined();
    expect(
      await rememberedTarget(await stored(makeOutcome({ outcome: 'rolled-back-application' })), 'ours'),
    ).toBeUndefined();
    expect(await rememberedTarget(await stored(undefined), 'ours')).toBeUndefined();
  });
});

describe('uncertainTargetDraft', () => {
  it('a refusal that says nothing was done, why, and what to do by hand', () => {
    const d = uncertainTargetDraft('app-1', 'its release r succeeded 5 min ago', {
      ok: false,
      why: 'no record',
      todo: 'Do it by hand.',
    });
    expect(d).toEqual({
      outcome: 'refused',
      summary:
        'App app-1 was NOT rolled back (its release r succeeded 5 min ago): the version that was live before the release is not certain, so nothing was done.',
      reason:
        'bake-target: no record. sae-rollback rolls back only to a version the change-order history proves was live before the release. Do it by hand.',
    });
  });
});
