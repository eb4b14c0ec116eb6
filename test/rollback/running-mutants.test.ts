// The one-call resolution of an app-named alarm (lib/rollback/running.ts): why a ListChangeOrders page
// does not prove the running release (the words the fallback's log and trace carry), what the shared
// cache reads back, and which SAE errors fall back and which stop the decision.
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { ResolutionCache } from '../../lib/idempotency/resolution-cache.js';
import { type Ctx, meteredClients } from '../../lib/rollback/context.js';
import type { SaeTrace } from '../../lib/rollback/outcome.js';
import { lookUpRunning, RUNNING, runningOrderOf } from '../../lib/rollback/running.js';
import type { ChangeOrderPage, ChangeOrderSummary } from '../../lib/sae/types.js';
import { FakeSae } from '../helpers/fake-sae.js';

const APP = 'app-running-0001';
const RUNNING_ONE: ChangeOrderSummary = {
  changeOrderId: 'co-run-1',
  appId: APP,
  status: 1,
  coTypeCode: 'CoDeploy',
  createTime: '2026-12-03 20:00:00',
};
const listing = (changeOrders: ChangeOrderSummary[], totalSize = changeOrders.length): ChangeOrderPage => ({
  currentPage: 1,
  pageSize: 10,
  totalSize,
  changeOrders,
});
const ORDER = {
  changeOrderId: 'co-run-1',
  appId: APP,
  status: 1,
  subStatus: 0,
  coTypeCode: 'CoDeploy',
  createTime: '2026-12-03 20:00:00',
};

describe('why a page does not prove the running release', () => {
  const { appId: _noApp, ...appless } = RUNNING_ONE;
  it.each([
    ['nothing listed', listing([]), 'no change order is executing'],
    [
      'two listed',
      listing([RUNNING_ONE, { ...RUNNING_ONE, changeOrderId: 'co-run-2' }]),
      '2 change orders listed',
    ],
    [
      'two listed, one counted',
      listing([RUNNING_ONE, { ...RUNNING_ONE, changeOrderId: 'co-run-2' }], 1),
      '1 change orders listed',
    ],
    ['one listed of three counted', listing([RUNNING_ONE], 3), '3 change orders listed'],
    [
      'another app',
      listing([{ ...RUNNING_ONE, appId: 'app-other' }]),
      'the listed change order is of app app-other',
    ],
    ['no app', listing([appless]), 'the listed change order is of app (none)'],
    ['waiting between batches', listing([{ ...RUNNING_ONE, status: 8 }]), 'the listed one has status 8'],
    ['no type', listing([{ ...RUNNING_ONE, coTypeCode: '' }]), 'the listed one has no CoTypeCode'],
    ['no start', listing([{ ...RUNNING_ONE, createTime: '' }]), 'the listed one has no readable CreateTime'],
    [
      'an unreadable start',
      listing([{ ...RUNNING_ONE, createTime: 'soon' }]),
      'the listed one has no readable CreateTime',
    ],
  ])('%s', (_what, page, unclear) => {
    expect(runningOrderOf(page, APP)).toEqual({ unclear });
  });
});

describe('the shared answer, read back from the store', () => {
  it.each([
    [{ order: ORDER }, { order: ORDER }],
    [{ unclear: 'no change order is executing' }, { unclear: 'no change order is executing' }],
  ])('%j reads back whole', (stored, read) => {
    expect(RUNNING.parse(stored)).toEqual(read);
  });
  it.each([
    [{}],
    [{ order: { ...ORDER, createTime: undefined } }],
    [{ order: { ...ORDER, status: '1' } }],
    [{ unclear: 3 }],
    ['{"order":1}'],
  ])('%j is no answer', (stored) => {
    expect(RUNNING.parse(stored)).toBeUndefined();
  });
});

describe('lookUpRunning', () => {
  let sae: FakeSae;
  let clock: ManualClock;
  let store: MemoryStore;
  let trace: SaeTrace[];
  const ctx = (): Ctx => {
    const {
      sae: metered,
      app,
      call,
    } = meteredClients(
      { sae, app: undefined, budget: undefined, callPolicy: undefined, clock },
      clock.now() + 60_000,
      trace,
    );
    return {
      req: { appId: APP, alarm: { source: 'test' }, receivedAt: clock.now() },
      sae: metered,
      app,
      call,
      finish: () => {
        throw new Error('not finished here');
      },
      trace,
      workUntil: clock.now() + 60_000,
    };
  };
  beforeEach(() => {
    sae = new FakeSae();
    clock = new ManualClock();
    store = new MemoryStore({ clock });
    trace = [];
    sae.addChangeOrder({ changeOrderId: 'co-run-1', appId: APP, createTime: '2026-12-03 20:00:00' });
  });

  it('without a cache: one ListChangeOrders, a fresh answer', async () => {
    expect(await lookUpRunning(undefined, APP, ctx())).toEqual({ answer: { order: ORDER }, fresh: true });
    expect(trace.map((t) => t.action)).toEqual(['ListChangeOrders']);
  });

  it('through the cache: the first delivery looks up (fresh), the next reads the shared answer', async () => {
    const cache = new ResolutionCache({ store, ttlMs: 10_000, clock });
    const first = await lookUpRunning(cache, APP, ctx());
    const second = await lookUpRunning(cache, APP, ctx());
    expect(first).toEqual({ answer: { order: ORDER }, fresh: true });
    expect(second).toEqual({ answer: { order: ORDER }, fresh: false });
    expect(sae.count('ListChangeOrders')).toBe(1);
    expect(JSON.parse((await store.getValue(`sae-rollback:app:${APP}:running`)) ?? 'null')).toEqual({
      order: ORDER,
    });
  });

  it('an SAE error is an unclear answer that names it (the fallback decides)', async () => {
    sae.failNext('ListChangeOrders', 'ServiceUnavailable');
    expect(await lookUpRunning(undefined, APP, ctx())).toEqual({
      answer: { unclear: 'ListChangeOrders failed (ServiceUnavailable)' },
      fresh: true,
    });
  });

  it('no budget token stops the decision: the fallback would starve too', async () => {
    sae.failNext('ListChangeOrders', 'Budget.Exhausted');
    await expect(lookUpRunning(undefined, APP, ctx())).rejects.toMatchObject({ code: 'Budget.Exhausted' });
  });

  it('an error that is not an SAE answer is not taken for one', async () => {
    sae.listChangeOrders = async () => {
      throw new Error('store down');
    };
    await expect(lookUpRunning(undefined, APP, ctx())).rejects.toThrow('store down');
  });
});
