// bake-window.ts line by line, through the alarm function and the SAE emulator: the window's edges,
// which finished change orders it even looks at, the words of every outcome, the valve slot given
// back on a failure, and the rollback it started remembered as handled.
import { describe, expect, it } from 'vitest';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { type GuardStack, newAppId, useGuardStack } from '../helpers/guard-stack.js';

const MIN = 60_000;
const ENV = { BAKE_WINDOW_SECONDS: '1800', COOLDOWN_SECONDS: '0' };

/** An app on v1, v2 (with their history) and its release to v3, still running; `appId`: a known one. */
function releasing(s: GuardStack, batchCount = 2, appId = newAppId('bakem')) {
  s.sae.seedApp({
    appId,
    appName: 'checkout',
    versions: ['v1', 'v2'],
    versionIds: [`${appId}-ver1`, `${appId}-ver2`],
    history: true,
  });
  const co = s.sae.startChangeOrder({ appId, toVersion: 'v3', toVersionId: `${appId}-ver3`, batchCount });
  return { appId, co };
}

/** An app on v1, v2 whose release to v3 ended with `status` `ago` ms ago. */
function released(s: GuardStack, ago: number, opts: { status?: 2 | 3 | 6; batchCount?: number } = {}) {
  const { appId, co } = releasing(s, opts.batchCount ?? 2);
  s.clock.advance(4 * MIN);
  s.sae.finishChangeOrder(co, { status: opts.status ?? 2 });
  s.clock.advance(ago);
  const move = `from version checkout:v3 (${appId}-ver3) to checkout:v2 (${appId}-ver2)`;
  return { appId, co, v2: `${appId}-ver2`, v3: `${appId}-ver3`, move };
}

describe('the bake window, line by line', () => {
  const stack = useGuardStack();

  it('its edge: two seconds inside is rolled back, exactly 30 min is not', async () => {
    const s = await stack.start(ENV);
    const inside = released(s, 30 * MIN - 2_000);
    const a = await s.alarm({ appId: inside.appId });
    const edge = released(s, 30 * MIN);
    const b = await s.alarm({ appId: edge.appId });

    expect(a.outcomes[0]?.outcome).toBe('rolled-back-application');
    expect(b.outcomes[0]).toMatchObject({ outcome: 'no-running-change-order', changeOrderId: edge.co });
    expect(b.outcomes[0]?.summary).toMatch(
      /Not rolled back to the previous version: it finished 30 min ago, outside the 30 min bake window\.$/,
    );
    expect(s.mutations().map((m) => m.query.AppId)).toEqual([inside.appId]);
  });

  it('a terminated (aborted) last change order is not even looked up, and no reason is added', async () => {
    const s = await stack.start(ENV);
    const { appId } = released(s, MIN, { status: 6 });
    const res = await s.alarm({ appId });
    expect(res.outcomes[0]?.outcome).toBe('no-running-change-order');
    expect(res.outcomes[0]?.summary).not.toMatch(/Not rolled back/);
    expect(s.sae.calls.map((c) => c.action)).toEqual(['ListChangeOrders', 'DescribeApplicationStatus']);
    expect(s.mutations()).toEqual([]);
  });

  it('an alarm naming the release reuses the cached "latest change order" and facts of an app alarm', async () => {
    const s = await stack.start(ENV); // RESOLUTION_CACHE_SECONDS: 10 by default
    const { appId, co } = released(s, 31 * MIN);
    await s.alarm({ appId });
    s.clock.advance(5_000);
    const res = await s.alarm({ ChangeOrderId: co });

    expect(res.outcomes[0]).toMatchObject({ outcome: 'already-finished', changeOrderId: co });
    expect(s.sae.callsTo('DescribeApplicationStatus')).toHaveLength(1);
    expect(s.sae.calls.map((c) => c.action).slice(-1)).toEqual(['DescribeChangeOrder']);
    expect(s.mutations()).toEqual([]);
  });

  it("facts cached while the release ran (the guard's look-up) are read again once it finished", async () => {
    const appId = newAppId('bakem');
    const s = await stack.start({ ...ENV, WATCH_APP_IDS: appId, GUARD_MAX_EXECUTING_MINUTES: '30' });
    const { co } = releasing(s, 2, appId);
    s.clock.advance(4 * MIN);
    await s.tick(); // running, under 30 min: no finding, but its CreateTime is now cached
    const cached = JSON.parse((await s.rt.store.getValue(`sae-rollback:co:${co}:facts`)) ?? '{}');
    expect(cached).toMatchObject({ changeOrderId: co, status: 1 });
    expect(cached.finishedAt).toBeUndefined();
    s.sae.finishChangeOrder(co, { status: 2 });
    s.clock.advance(5 * MIN);

    const res = await s.alarm({ appId });

    expect(res.outcomes[0]).toMatchObject({ outcome: 'rolled-back-application', changeOrderId: co });
    expect(s.mutations().map((m) => m.query.VersionId)).toEqual([`${appId}-ver2`]);
  });

  it('the rolled-back outcome: every field, the exact summary, and the change order it started', async () => {
    const s = await stack.start(ENV);
    const { appId, co, v2, v3, move } = released(s, 2 * MIN);
    const res = await s.alarm({ ChangeOrderId: co });

    const started = s.sae.snapshot().changeOrders.find((c) => c.coTypeCode === 'CoRollback')?.changeOrderId;
    expect(started).toBeDefined();
    const [msg] = s.published();
    expect(res.outcomes).toHaveLength(1);
    expect(msg).toMatchObject({
      outcome: 'rolled-back-application',
      changeOrderId: co,
      appId,
      appName: 'checkout',
      changeOrderStatus: 2,
      versions: { from: v3, to: v2 },
      retryable: false,
    });
    expect(msg?.summary).toBe(
      `Rolled app ${appId} back ${move}, because its release ${co} succeeded 2 min ago, inside the 30 min bake window (SAE change order ${started}).`,
    );
    // An alarm naming the release itself checks it is still the app's latest change order.
    expect(msg?.sae.map((c) => c.action)).toEqual([
      'DescribeChangeOrder',
      'DescribeApplicationStatus',
      'ListChangeOrders',
      'ListChangeOrders',
      'ListAppVersions',
      'RollbackApplication',
    ]);
    // The rollback it started is remembered under its own key, with this outcome, as handled.
    const record = await s.rt.store.get(changeOrderKey(started ?? ''));
    expect(record?.outcome).toMatchObject({
      outcome: 'rolled-back-application',
      changeOrderId: co,
      versions: { to: v2 },
    });
  });

  it('a failed single-batch release says so in the summary', async () => {
    const s = await stack.start(ENV);
    const { appId, co, move } = released(s, MIN, { status: 3, batchCount: 1 });
    await s.alarm({ appId });
    const [msg] = s.published();
    expect(msg).toMatchObject({ outcome: 'rolled-back-application', changeOrderStatus: 3 });
    expect(msg?.summary).toMatch(
      new RegExp(
        `^Rolled app ${appId} back ${move.replace(/[()]/g, '\\$&')}, because its single-batch release ${co} failed 1 min ago, and SAE does not roll those back \\(SAE change order [^)]+\\)\\.$`,
      ),
    );
  });

  it('suppressed: names the valve, the versions it would have moved between, and why', async () => {
    const s = await stack.start({ ...ENV, MAX_ROLLBACKS_PER_WINDOW: '1' });
    const one = released(s, 5 * MIN);
    await s.alarm({ appId: one.appId });
    const two = released(s, 5 * MIN);
    await s.alarm({ appId: two.appId });

    const msg = s.published().find((o) => o.appId === two.appId);
    expect(msg).toMatchObject({
      outcome: 'suppressed',
      valve: 'global-cap',
      changeOrderId: two.co,
      changeOrderStatus: 2,
      versions: { from: two.v3, to: two.v2 },
      reason: expect.any(String),
    });
    expect(msg?.reason).not.toBe('');
    expect(msg?.summary).toBe(
      `Did not roll app ${two.appId} back ${two.move} (its release ${two.co} succeeded 5 min ago, inside the 30 min bake window): suppressed by the global-cap safety valve.`,
    );
  });

  it('dry-run: the exact "would have" summary, with both versions, and no mutating call', async () => {
    const s = await stack.start({ ...ENV, DRY_RUN: 'true' });
    const { appId, co, v2, v3, move } = released(s, 5 * MIN);
    await s.alarm({ appId });
    const [msg] = s.published();
    expect(msg).toMatchObject({
      outcome: 'dry-run',
      changeOrderId: co,
      changeOrderStatus: 2,
      dryRun: true,
      versions: { from: v3, to: v2 },
    });
    expect(msg?.summary).toBe(
      `Dry run: would have rolled app ${appId} back ${move} (RollbackApplication), because its release ${co} succeeded 5 min ago, inside the 30 min bake window. Nothing was changed.`,
    );
    expect(s.mutations()).toEqual([]);
  });

  it('a RollbackApplication that fails is reported as a failure and gives its cap slot back', async () => {
    const s = await stack.start({ ...ENV, MAX_ROLLBACKS_PER_WINDOW: '1' });
    const one = released(s, 5 * MIN);
    s.sae.injectFault({
      kind: 'http-error',
      action: 'RollbackApplication',
      status: 400,
      code: 'InvalidParameter.NotEmpty',
    });
    const a = await s.alarm({ appId: one.appId });
    const two = released(s, 5 * MIN);
    const b = await s.alarm({ appId: two.appId });

    expect(a.outcomes[0]).toMatchObject({ changeOrderId: one.co, appId: one.appId });
    expect(a.outcomes[0]?.outcome).toMatch(/^failed-/);
    expect(b.outcomes[0]?.outcome).toBe('rolled-back-application');
    expect(s.sae.getApp(one.appId)?.currentVersion).toBe('v3');
    expect(s.sae.getApp(two.appId)?.currentVersion).toBe('v2');
  });

  it('an uncertain target is noted per release: two apps, two refusals published', async () => {
    const s = await stack.start(ENV);
    const apps = [0, 1].map(() => {
      const appId = newAppId('bakem');
      s.sae.seedApp({ appId, versions: ['v1', 'v2'] }); // no history: the live version is not known
      const co = s.sae.startChangeOrder({ appId, toVersion: 'v3', batchCount: 2 }) ?? '';
      s.sae.finishChangeOrder(co, { status: 2 });
      return { appId, co };
    });
    for (const { appId } of apps) await s.alarm({ appId });

    expect(s.published().map((o) => [o.outcome, o.appId])).toEqual(apps.map((a) => ['refused', a.appId]));
    for (const { co } of apps) {
      const noted = await s.rt.store.get(`sae-rollback:bake-target:${co}`);
      expect(noted?.outcome).toMatchObject({ outcome: 'refused', changeOrderId: co });
    }
    expect(s.mutations()).toEqual([]);
  });
});
