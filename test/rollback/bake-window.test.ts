import { afterEach, describe, expect, it } from 'vitest';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';
import { released } from '../helpers/released.js';

const MIN = 60_000;

describe('the post-deploy bake window (BAKE_WINDOW_SECONDS=1800), through the alarm function', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('inside the window: one RollbackApplication to the version before the release, naming both', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId, co, v2, v3 } = released(s, 10 * MIN);

    const res = await s.alarm({ appId, alarmName: '5xx after release' });

    expect(res.outcomes).toMatchObject([{ outcome: 'rolled-back-application', appId, changeOrderId: co }]);
    expect(s.mutations()).toEqual([
      expect.objectContaining({
        action: 'RollbackApplication',
        query: expect.objectContaining({ AppId: appId, VersionId: v2 }),
      }),
    ]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v2');
    const [msg] = s.published();
    expect(msg).toMatchObject({
      outcome: 'rolled-back-application',
      appId,
      changeOrderId: co,
      versions: { from: v3, to: v2 },
    });
    expect(msg?.summary).toMatch(/succeeded 10 min ago, inside the 30 min bake window/);
    expect(msg?.sae.map((c) => c.action)).toEqual([
      'ListChangeOrders', // none executing (CoStatus=1): the fallback below finds the finished release
      'DescribeApplicationStatus',
      'ListChangeOrders', // the release's facts (cached for the guard and later alarms)
      'ListChangeOrders', // the history before it: the version that was live (bake-target.ts)
      'ListAppVersions',
      'RollbackApplication',
    ]);
  });

  it('where release approval is on, says the rollback awaits approval in SAE — not that it happened', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId, co } = released(s, 10 * MIN);
    s.sae.setApprovalRequired(appId, true); // RollbackApplication answers IsNeedApproval: true

    const first = await s.alarm({ appId, alarmName: '5xx after release' });
    const second = await s.alarm({ appId, alarmName: '5xx after release' });
    s.clock.advance(6 * MIN); // past FAILURE_TTL_SECONDS: the request stands as long as a rollback would
    const later = await s.alarm({ appId, changeOrderId: co });

    expect(first.outcomes).toMatchObject([{ outcome: 'awaiting-approval', appId, changeOrderId: co }]);
    expect([second, later].map((r) => r.outcomes[0]?.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(s.mutations().map((m) => m.action)).toEqual(['RollbackApplication']);
    const pending = s.sae.snapshot().changeOrders.find((c) => c.coTypeCode === 'CoRollback');
    expect(pending?.status).toBe(11); // pending approval: nothing moved yet
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v3');
    const [msg] = s.published();
    expect(msg).toMatchObject({ outcome: 'awaiting-approval', retryable: false });
    expect(msg?.summary).toMatch(/awaits approval in SAE/);
    expect(msg?.summary).not.toMatch(/^Rolled/);
    expect(msg?.reason).toContain(pending?.changeOrderId);
    expect(msg?.reason).toMatch(/approve/i);
  });

  it('outside the window: no-running-change-order, published, and no mutating call', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId, co } = released(s, 31 * MIN);

    const res = await s.alarm({ appId });

    expect(res.outcomes).toMatchObject([{ outcome: 'no-running-change-order', changeOrderId: co }]);
    expect(s.mutations()).toEqual([]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v3');
    expect(s.published()).toMatchObject([{ outcome: 'no-running-change-order', appId }]);
    expect(s.published()[0]?.summary).toMatch(/outside the 30 min bake window/);
  });

  it('a second alarm inside the window rolls back nothing more — nor a third once the cache moved on', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId } = released(s, 5 * MIN);

    const first = await s.alarm({ appId, alarmName: 'rt' });
    const second = await s.alarm({ appId, alarmName: 'rt' });
    s.clock.advance(MIN); // the resolution cache expired: the app's last change order is our rollback now
    const third = await s.alarm({ appId, alarmName: 'rt' });

    expect([first, second, third].map((r) => r.outcomes[0]?.outcome)).toEqual([
      'rolled-back-application',
      'duplicate',
      'duplicate',
    ]);
    expect(s.mutations()).toHaveLength(1);
    expect(s.published().map((o) => o.outcome)).toEqual(['rolled-back-application']);
  });

  it('never aborts its own rollback while that is still running', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800', COOLDOWN_SECONDS: '0' });
    s.sae.setRollbackCompletion('manual'); // the CoRollback change order keeps executing
    const { appId } = released(s, 5 * MIN);

    await s.alarm({ appId });
    s.clock.advance(MIN);
    const again = await s.alarm({ appId });

    expect(again.outcomes[0]?.outcome).toBe('duplicate');
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toEqual([]);
    expect(s.mutations().map((c) => c.action)).toEqual(['RollbackApplication']);
  });

  it('an alarm naming the succeeded change order itself is handled the same way', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId, co, v2 } = released(s, 2 * MIN);
    const res = await s.alarm({ ChangeOrderId: co });
    expect(res.outcomes).toMatchObject([{ outcome: 'rolled-back-application', appId }]);
    expect(s.mutations().map((c) => c.query.VersionId)).toEqual([v2]);
  });

  it('a failed single-batch release is rolled back; a failed multi-batch one is not', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const single = released(s, MIN, { status: 3, batchCount: 1 });
    const multi = released(s, MIN, { status: 3, batchCount: 3 });

    const a = await s.alarm({ appId: single.appId });
    const b = await s.alarm({ appId: multi.appId });

    expect(a.outcomes[0]?.outcome).toBe('rolled-back-application');
    expect(b.outcomes[0]?.outcome).toBe('no-running-change-order');
    expect(s.mutations().map((c) => c.query.AppId)).toEqual([single.appId]);
  });

  it('is off with BAKE_WINDOW_SECONDS=0 (the default): nothing changed, no extra look-up', async () => {
    s = await startGuardStack();
    const { appId } = released(s, MIN);
    const res = await s.alarm({ appId });
    expect(res.outcomes[0]?.outcome).toBe('no-running-change-order');
    // The resolution's own two look-ups (none executing, then the last change order): no bake look-up.
    expect(s.sae.calls.map((c) => c.action)).toEqual(['ListChangeOrders', 'DescribeApplicationStatus']);
  });

  it('does not roll back a change that installed no new version (a restart)', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const appId = newAppId('bake');
    s.sae.seedApp({ appId, versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId, coTypeCode: 'CoRestartApplication' });
    s.sae.finishChangeOrder(co, { status: 2 });
    const res = await s.alarm({ appId });
    expect(res.outcomes[0]?.outcome).toBe('no-running-change-order');
    expect(res.outcomes[0]?.summary).toMatch(/CoRestartApplication, not a deployment/);
    expect(s.mutations()).toEqual([]);
  });
  it('inside the window the safety valves still hold: past the global cap the rollback is suppressed', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800', MAX_ROLLBACKS_PER_WINDOW: '1' });
    const one = released(s, 5 * MIN);
    const two = released(s, 5 * MIN);

    const a = await s.alarm({ appId: one.appId });
    const b = await s.alarm({ appId: two.appId });

    expect(a.outcomes[0]?.outcome).toBe('rolled-back-application');
    expect(b.outcomes).toMatchObject([{ outcome: 'suppressed', appId: two.appId }]);
    const suppressed = s.published().find((o) => o.appId === two.appId);
    expect(suppressed).toMatchObject({ outcome: 'suppressed', valve: 'global-cap' });
    expect(suppressed?.summary).toMatch(/suppressed by the global-cap safety valve/);
    expect(s.mutations().map((c) => c.query.AppId)).toEqual([one.appId]);
    expect(s.sae.getApp(two.appId)?.currentVersion).toBe('v3');
  });

  it('dry-run inside the window says what it would roll back and changes nothing', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800', DRY_RUN: 'true' });
    const { appId, v2, v3 } = released(s, 5 * MIN);
    const res = await s.alarm({ appId });
    expect(res.outcomes).toMatchObject([{ outcome: 'dry-run', appId }]);
    expect(s.published()).toMatchObject([
      { outcome: 'dry-run', dryRun: true, versions: { from: v3, to: v2 } },
    ]);
    expect(s.mutations()).toEqual([]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v3');
  });

  it('an alarm naming an earlier release never rolls back the newer one that followed it', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId, co } = released(s, MIN);
    const newer = s.sae.startChangeOrder({
      appId,
      toVersion: 'v4',
      toVersionId: `${appId}-ver4`,
      batchCount: 2,
    });
    s.clock.advance(2 * MIN);
    s.sae.finishChangeOrder(newer, { status: 2 });

    const res = await s.alarm({ ChangeOrderId: co });

    expect(res.outcomes).toMatchObject([{ outcome: 'already-finished', changeOrderId: co }]);
    expect(s.mutations()).toEqual([]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v4');
  });
});
