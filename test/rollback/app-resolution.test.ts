// An alarm that names only the app: one ListChangeOrders filtered to the executing change order
// (CoStatus=1) decides, then the abort — two SAE calls — and anything that list does not prove falls
// back to DescribeApplicationStatus + DescribeChangeOrder (issue 19's SAE-calls goal).
import { describe, expect, it } from 'vitest';
import { runningOrderOf } from '../../lib/rollback/running.js';
import type { ChangeOrderPage, ChangeOrderSummary } from '../../lib/sae/types.js';
import { type GuardStack, newAppId, useGuardStack } from '../helpers/guard-stack.js';

const MIN = 60_000;

const alertmanager = (appId: string, startsAt: number, alertname = 'SAE 5xx') => ({
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname, appId, severity: 'critical' },
      fingerprint: `fp-${appId}-${alertname}`,
      startsAt: new Date(startsAt).toISOString(),
    },
  ],
});

describe('an app-named alarm, through the alarm function and the SAE emulator', () => {
  const stack = useGuardStack();

  function app(st: GuardStack) {
    const appId = newAppId('res');
    st.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    return appId;
  }

  it('costs two SAE calls: ListChangeOrders for the executing release, then the abort', async () => {
    const s = await stack.start();
    const appId = app(s);
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    s.clock.advance(MIN);

    const res = await s.alarm(alertmanager(appId, s.clock.now()));

    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', appId, changeOrderId: co }]);
    expect(s.sae.calls.map((c) => [c.action, c.status])).toEqual([
      ['ListChangeOrders', 200],
      ['AbortAndRollbackChangeOrder', 200],
    ]);
    expect(s.sae.calls[0]?.query).toMatchObject({ AppId: appId, CoStatus: '1' });
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    expect(s.published().map((o) => o.outcome)).toEqual(['aborted']);
  });

  it('a release waiting between batches is not "executing": the fallback finds and aborts it', async () => {
    const s = await stack.start();
    const appId = app(s);
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3', status: 8, batchCount: 2 });

    const res = await s.alarm({ appId });

    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
    expect(s.sae.calls.map((c) => c.action)).toEqual([
      'ListChangeOrders',
      'DescribeApplicationStatus',
      'DescribeChangeOrder',
      'AbortAndRollbackChangeOrder',
    ]);
  });

  it('an executing rollback is refused from the list alone: nothing aborted', async () => {
    const s = await stack.start();
    const appId = app(s);
    const co = s.sae.startChangeOrder({ appId, coTypeCode: 'CoRollback' });

    const res = await s.alarm({ appId });

    expect(res.outcomes).toMatchObject([{ outcome: 'refused', changeOrderId: co }]);
    expect(s.published()[0]?.summary).toMatch(/CoRollback \(a rollback\)/);
    expect(s.mutations()).toEqual([]);
    expect(s.sae.calls.map((c) => c.action)).toEqual(['ListChangeOrders']);
  });

  it("evidence older than the release is judged by the list's CreateTime: the hotfix is not aborted", async () => {
    const s = await stack.start();
    const since = s.clock.now() - 5 * MIN; // the bug's alert, still firing
    const appId = app(s);
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' }); // the fix, deployed now

    const res = await s.alarm(alertmanager(appId, since));

    expect(res.outcomes).toMatchObject([{ outcome: 'refused', changeOrderId: co }]);
    expect(s.published()[0]?.summary).toMatch(/before change order .* started/);
    expect(s.mutations()).toEqual([]);
    expect(s.sae.calls.map((c) => c.action)).toEqual(['ListChangeOrders']);
  });

  it('a ListChangeOrders that SAE refuses (say, the CoStatus filter) falls back and still aborts', async () => {
    const s = await stack.start();
    const appId = app(s);
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    s.sae.injectFault({
      action: 'ListChangeOrders',
      kind: 'http-error',
      status: 400,
      code: 'InvalidParameter.Obviously',
    });

    const res = await s.alarm({ appId });

    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
    expect(s.sae.calls.map((c) => [c.action, c.status])).toEqual([
      ['ListChangeOrders', 400],
      ['DescribeApplicationStatus', 200],
      ['DescribeChangeOrder', 200],
      ['AbortAndRollbackChangeOrder', 200],
    ]);
  });
});

describe('what a ListChangeOrders page proves (runningOrderOf)', () => {
  const APP = 'app-res-0000-0000-0000-000000000001';
  const item = (
    over: Partial<ChangeOrderSummary> = {},
    without?: 'appId' | 'coTypeCode' | 'createTime',
  ): ChangeOrderSummary => {
    const c: ChangeOrderSummary = {
      changeOrderId: 'co-1',
      appId: APP,
      status: 1,
      coTypeCode: 'CoDeploy',
      createTime: '2026-12-03 20:00:00',
      ...over,
    };
    if (without) delete c[without];
    return c;
  };
  const page = (items: ChangeOrderSummary[], totalSize = items.length): ChangeOrderPage => ({
    currentPage: 1,
    pageSize: 10,
    totalSize,
    changeOrders: items,
  });

  it('the one executing change order of the app, with type and start', () => {
    expect(runningOrderOf(page([item()]), APP)).toEqual({
      order: {
        changeOrderId: 'co-1',
        appId: APP,
        status: 1,
        subStatus: 0,
        coTypeCode: 'CoDeploy',
        createTime: '2026-12-03 20:00:00',
      },
    });
  });

  it.each([
    ['none executing', page([])],
    ['two executing', page([item(), item({ changeOrderId: 'co-2' })])],
    ['more counted than listed', page([item()], 2)],
    ["another app's", page([item({ appId: 'app-other' })])],
    ['no AppId', page([item({}, 'appId')])],
    ['a finished one (the filter was not applied)', page([item({ status: 2 })])],
    ['one waiting between batches', page([item({ status: 8 })])],
    ['no CoTypeCode', page([item({}, 'coTypeCode')])],
    ['no CreateTime', page([item({}, 'createTime')])],
    ['an unreadable CreateTime', page([item({ createTime: 'yesterday' })])],
  ])('%s: unclear, left to the fallback', (_what, p) => {
    expect(runningOrderOf(p, APP)).toMatchObject({ unclear: expect.any(String) });
  });
});

describe("within the app's cool-down after an abort (storm discipline vs a new release)", () => {
  const stack = useGuardStack();

  async function abortedApp(st: GuardStack) {
    const appId = newAppId('cool');
    st.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    const first = st.sae.startChangeOrder({ appId, toVersion: 'v3' });
    const res = await st.alarm(alertmanager(appId, st.clock.now()));
    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: first }]);
    return { appId, first };
  }

  it('a new release is not answered as the old duplicate: it takes the normal path, and the cool-down says so', async () => {
    const s = await stack.start(); // COOLDOWN_SECONDS: 15 min by default
    const { appId, first } = await abortedApp(s);
    s.clock.advance(2 * MIN); // past the resolution cache and the re-check interval, inside the cool-down
    const second = s.sae.startChangeOrder({ appId, toVersion: 'v4' });
    s.clock.advance(20_000);

    const res = await s.alarm(alertmanager(appId, s.clock.now(), 'SAE 5xx again'));

    expect(res.outcomes).toMatchObject([{ outcome: 'suppressed', changeOrderId: second }]);
    expect(s.published().map((o) => [o.outcome, o.changeOrderId])).toEqual([
      ['aborted', first],
      ['suppressed', second],
    ]);
    expect(s.published()[1]).toMatchObject({
      valve: 'cool-down',
      reason: expect.stringMatching(/rolled back/),
    });
    expect(s.mutations()).toHaveLength(1); // the first abort only
    expect(s.sae.getChangeOrder(second)?.status).toBe(1);
  });

  it('a duplicate costs no call for 30 s after the look-up, then one DescribeApplicationStatus per 30 s', async () => {
    const s = await stack.start();
    const { appId, first } = await abortedApp(s);
    s.sae.clearCalls();

    s.clock.advance(11_000); // the 10 s resolution cache expired
    const early = await s.alarm({ appId });
    expect(early.outcomes).toMatchObject([{ outcome: 'duplicate', changeOrderId: first }]);
    expect(s.sae.calls).toEqual([]);

    s.clock.advance(20_000); // 31 s after the look-up: one delivery looks again
    const answers = await Promise.all(Array.from({ length: 20 }, () => s?.alarm({ appId })));
    expect(answers.flatMap((a) => a?.outcomes.map((o) => [o.outcome, o.changeOrderId]))).toEqual(
      Array(20).fill(['duplicate', first]),
    );
    expect(s.sae.calls.map((c) => c.action)).toEqual(['DescribeApplicationStatus']);
    expect(s.published().map((o) => o.outcome)).toEqual(['aborted']);
  });

  it('COOLDOWN_RECHECK_SECONDS sets how long no delivery looks again', async () => {
    const s = await stack.start({ COOLDOWN_RECHECK_SECONDS: '120' });
    const { appId, first } = await abortedApp(s);
    s.sae.clearCalls();
    s.clock.advance(90_000);
    expect((await s.alarm({ appId })).outcomes).toMatchObject([
      { outcome: 'duplicate', changeOrderId: first },
    ]);
    expect(s.sae.calls).toEqual([]);
    s.clock.advance(31_000);
    expect((await s.alarm({ appId })).outcomes).toMatchObject([
      { outcome: 'duplicate', changeOrderId: first },
    ]);
    expect(s.sae.calls.map((c) => c.action)).toEqual(['DescribeApplicationStatus']);
  });
});
