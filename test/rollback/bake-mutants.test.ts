// bake.ts line by line: which finished change order the bake window undoes (and the words it
// uses to say why not), how durations and versions read, and the change-order facts cache.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import {
  BAKE_CHANGE_TYPES,
  bakeEligibility,
  type ChangeOrderFacts,
  ChangeOrderFactsCache,
  duration,
  versionLabel,
} from '../../lib/rollback/bake.js';
import type { ChangeOrderPage, ChangeOrderSummary, ListChangeOrdersQuery } from '../../lib/sae/types.js';
import { saeTime } from '../helpers/change-orders.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-04T12:00:00Z');
const WINDOW = 30 * MIN;
/** A succeeded CoDeploy that finished 10 min ago; `undefined` in `over` drops that field. */
const deploy = (
  over: { [K in keyof ChangeOrderFacts]?: ChangeOrderFacts[K] | undefined } = {},
): ChangeOrderFacts => {
  const f: Record<string, unknown> = {
    changeOrderId: 'co-1',
    status: 2,
    coTypeCode: 'CoDeploy',
    batchCount: 2,
    finishedAt: NOW - 10 * MIN,
    ...over,
  };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return f as unknown as ChangeOrderFacts;
};

describe('bakeEligibility', () => {
  it('a succeeded deployment inside the window is eligible, with its facts and age', () => {
    const f = deploy();
    expect(bakeEligibility(f, NOW, WINDOW)).toEqual({
      eligible: true,
      kind: 'succeeded',
      facts: f,
      ageMs: 10 * MIN,
    });
  });

  it('a failed release is eligible only as a single batch, and says how many batches otherwise', () => {
    expect(bakeEligibility(deploy({ status: 3, batchCount: 1 }), NOW, WINDOW)).toMatchObject({
      eligible: true,
      kind: 'failed-single-batch',
    });
    expect(bakeEligibility(deploy({ status: 3, batchCount: 2 }), NOW, WINDOW)).toEqual({
      eligible: false,
      why: 'it failed with 2 batches',
    });
    expect(bakeEligibility(deploy({ status: 3, batchCount: undefined }), NOW, WINDOW)).toEqual({
      eligible: false,
      why: 'it failed with unknown batches',
    });
  });

  it('a succeeded release is eligible whatever its batch count', () => {
    expect(bakeEligibility(deploy({ batchCount: 1 }), NOW, WINDOW)).toMatchObject({ kind: 'succeeded' });
    expect(bakeEligibility(deploy({ batchCount: undefined }), NOW, WINDOW)).toMatchObject({
      kind: 'succeeded',
    });
  });

  it('any other status is not eligible, even as a single batch, and names no batches', () => {
    for (const [status, name] of [
      [6, 'terminated'],
      [1, 'executing'],
      [10, 'failed (system exception)'],
    ] as const) {
      expect(bakeEligibility(deploy({ status, batchCount: 1 }), NOW, WINDOW)).toEqual({
        eligible: false,
        why: `it ${name}`,
      });
    }
  });

  it('only a deployment (CoDeploy) is undone; other or missing types say what they were', () => {
    expect([...BAKE_CHANGE_TYPES]).toEqual(['CoDeploy']);
    expect(bakeEligibility(deploy({ coTypeCode: 'CoRestartApplication' }), NOW, WINDOW)).toEqual({
      eligible: false,
      why: 'it was a CoRestartApplication, not a deployment',
    });
    expect(bakeEligibility(deploy({ coTypeCode: 'CoDeployHistroy' }), NOW, WINDOW)).toMatchObject({
      eligible: false,
    });
    for (const coTypeCode of [undefined, '']) {
      const why = bakeEligibility(deploy({ coTypeCode }), NOW, WINDOW);
      expect(why).toEqual({
        eligible: false,
        why: `it was a ${coTypeCode ?? 'change of unknown type'}, not a deployment`,
      });
    }
  });

  it('without a finish time it is not eligible', () => {
    expect(bakeEligibility(deploy({ finishedAt: undefined }), NOW, WINDOW)).toEqual({
      eligible: false,
      why: 'SAE did not say when it finished',
    });
  });

  it('the window is half-open: one ms before its end is inside, its end is outside', () => {
    expect(bakeEligibility(deploy({ finishedAt: NOW - WINDOW + 1 }), NOW, WINDOW)).toMatchObject({
      eligible: true,
      ageMs: WINDOW - 1,
    });
    expect(bakeEligibility(deploy({ finishedAt: NOW - WINDOW }), NOW, WINDOW)).toEqual({
      eligible: false,
      why: 'it finished 30 min ago, outside the 30 min bake window',
    });
    expect(bakeEligibility(deploy({ finishedAt: NOW - 2 * HOUR }), NOW, HOUR)).toEqual({
      eligible: false,
      why: 'it finished 2 h ago, outside the 1 h bake window',
    });
  });

  it('a finish time ahead of the clock (skew) counts as age 0, inside the window', () => {
    expect(bakeEligibility(deploy({ finishedAt: NOW + 5 * MIN }), NOW, WINDOW)).toMatchObject({
      eligible: true,
      ageMs: 0,
    });
  });
});

describe('duration', () => {
  it('whole hours in h, the rest in rounded minutes, under a minute in rounded seconds', () => {
    const cases: Array<[number, string]> = [
      [HOUR, '1 h'],
      [2 * HOUR, '2 h'],
      [1.5 * HOUR, '90 min'],
      [HOUR - 1, '60 min'],
      [5 * MIN, '5 min'],
      [MIN, '1 min'],
      [90_000, '2 min'],
      [89_999, '1 min'],
      [MIN - 1, '60 s'],
      [30_000, '30 s'],
      [1_500, '2 s'],
      [0, '0 s'],
    ];
    expect(cases.map(([ms]) => duration(ms))).toEqual(cases.map(([, s]) => s));
  });
});

describe('versionLabel', () => {
  it('the image (or package) file name and the ID; the image wins; the bare ID without either', () => {
    expect(versionLabel({ versionId: 'v-1', imageUrl: 'registry.cn/ns/checkout:v4' })).toBe(
      'checkout:v4 (v-1)',
    );
    expect(versionLabel({ versionId: 'v-1', buildPackageUrl: 'https://oss.example/pkgs/app-1.jar' })).toBe(
      'app-1.jar (v-1)',
    );
    expect(
      versionLabel({
        versionId: 'v-1',
        imageUrl: 'r/ns/img:2',
        buildPackageUrl: 'https://oss.example/a.jar',
      }),
    ).toBe('img:2 (v-1)');
    expect(versionLabel({ versionId: 'v-1', imageUrl: 'checkout:v4' })).toBe('checkout:v4 (v-1)');
    expect(versionLabel({ versionId: 'v-1', imageUrl: 'registry.cn/ns/' })).toBe('v-1');
    expect(versionLabel({ versionId: 'v-1' })).toBe('v-1');
  });
});

function lister(orders: ChangeOrderSummary[]) {
  const queries: ListChangeOrdersQuery[] = [];
  const list = async (q: ListChangeOrdersQuery): Promise<ChangeOrderPage> => {
    queries.push(q);
    return { currentPage: 1, pageSize: 10, totalSize: orders.length, changeOrders: orders };
  };
  return { queries, list };
}

describe('ChangeOrderFactsCache', () => {
  const release: ChangeOrderSummary = {
    changeOrderId: 'co-r',
    status: 2,
    coTypeCode: 'CoDeploy',
    batchCount: 1,
    createTime: saeTime(NOW - 5 * MIN),
    finishTime: saeTime(NOW - MIN),
  };
  const bare: ChangeOrderSummary = { changeOrderId: 'co-b', status: 1, coTypeCode: '' };

  it("reads the app's 10 latest once, stores every one under its own key, and answers from the store", async () => {
    const clock = new ManualClock(NOW);
    const store = new MemoryStore({ clock });
    const cache = new ChangeOrderFactsCache({ store });
    const { queries, list } = lister([release, bare]);

    const first = await cache.get('app-1', 'co-r', list);
    const again = await cache.get('app-1', 'co-r', list);
    const other = await cache.get('app-1', 'co-b', list);

    const facts = {
      changeOrderId: 'co-r',
      status: 2,
      coTypeCode: 'CoDeploy',
      batchCount: 1,
      createdAt: NOW - 5 * MIN,
      finishedAt: NOW - MIN,
    };
    expect(first).toEqual(facts);
    expect(again).toEqual(facts);
    expect(other).toStrictEqual({ changeOrderId: 'co-b', status: 1 }); // no empty type, no absent fields
    expect(queries).toEqual([{ appId: 'app-1', currentPage: 1, pageSize: 10 }]);
    expect(JSON.parse((await store.getValue('sae-rollback:co:co-r:facts')) ?? 'null')).toEqual(facts);
    expect(await store.getValue('sae-rollback:co:co-b:facts')).toBeDefined();
  });

  it('keeps facts 24 h by default, or the TTL it is given', async () => {
    const clock = new ManualClock(NOW);
    const store = new MemoryStore({ clock });
    await new ChangeOrderFactsCache({ store }).get('app-1', 'co-r', lister([release]).list);
    await new ChangeOrderFactsCache({ store, ttlMs: MIN }).put({ changeOrderId: 'co-x', status: 2 });
    clock.advance(MIN);
    expect(await store.getValue('sae-rollback:co:co-x:facts')).toBeUndefined();
    clock.advance(24 * HOUR - MIN - 1);
    expect(await store.getValue('sae-rollback:co:co-r:facts')).toBeDefined();
    clock.advance(1);
    expect(await store.getValue('sae-rollback:co:co-r:facts')).toBeUndefined();
  });

  it('undefined when SAE does not list it; `finished` refreshes an entry without a finish time only', async () => {
    const store = new MemoryStore({ clock: new ManualClock(NOW) });
    const cache = new ChangeOrderFactsCache({ store });
    const running = lister([bare]);
    expect(await cache.get('app-1', 'co-missing', running.list)).toBeUndefined();
    expect(await cache.get('app-1', 'co-b', running.list)).toStrictEqual({
      changeOrderId: 'co-b',
      status: 1,
    });
    expect(running.queries).toHaveLength(1); // the listing stored co-b too
    // Straight from SAE (not the store's JSON): absent fields are absent, not `undefined`.
    const fresh = new ChangeOrderFactsCache({ store: new MemoryStore({ clock: new ManualClock(NOW) }) });
    expect(await fresh.get('app-1', 'co-b', lister([bare]).list)).toStrictEqual({
      changeOrderId: 'co-b',
      status: 1,
    });

    const done = lister([{ ...bare, status: 2, finishTime: saeTime(NOW) }]);
    expect(await cache.get('app-1', 'co-b', done.list, { finished: true })).toStrictEqual({
      changeOrderId: 'co-b',
      status: 2,
      finishedAt: NOW,
    });
    expect(await cache.get('app-1', 'co-b', done.list, { finished: true })).toMatchObject({
      finishedAt: NOW,
    });
    expect(done.queries).toHaveLength(1);
  });

  it('put() is read back by get(); a corrupt or malformed entry is read from SAE again', async () => {
    const store = new MemoryStore({ clock: new ManualClock(NOW) });
    const cache = new ChangeOrderFactsCache({ store });
    await cache.put({ changeOrderId: 'co-r', status: 3, batchCount: 1 });
    const none = lister([]);
    expect(await cache.get('app-1', 'co-r', none.list)).toEqual({
      changeOrderId: 'co-r',
      status: 3,
      batchCount: 1,
    });
    expect(none.queries).toHaveLength(0);

    for (const raw of ['{not json', JSON.stringify({ changeOrderId: 'co-r', status: 'two' })]) {
      await store.putValue('sae-rollback:co:co-r:facts', raw, HOUR);
      const l = lister([release]);
      expect(await cache.get('app-1', 'co-r', l.list)).toMatchObject({ status: 2, batchCount: 1 });
      expect(l.queries).toHaveLength(1);
    }
  });
});
