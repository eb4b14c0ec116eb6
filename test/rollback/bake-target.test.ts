// The bake window's rollback target is the version that was live before the release — from the
// change-order history — never the second-newest record of ListAppVersions (issue 20).
import { afterEach, describe, expect, it } from 'vitest';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

const MIN = 60_000;
const ENV = { BAKE_WINDOW_SECONDS: '1800', COOLDOWN_SECONDS: '0' };

/** An app released twice before (v1 created, v2 deployed), as ListChangeOrders shows it. */
function seeded(s: GuardStack, history = true) {
  const appId = newAppId('target');
  s.sae.seedApp({
    appId,
    appName: 'checkout',
    versions: ['v1', 'v2'],
    versionIds: [`${appId}-v1`, `${appId}-v2`],
    history,
  });
  s.clock.advance(10 * MIN);
  return appId;
}

/** A change order that runs 4 minutes and ends with `status`, then 2 quiet minutes. */
function change(s: GuardStack, appId: string, label: string, opts: { type?: string; status?: 2 | 3 } = {}) {
  const co = s.sae.startChangeOrder({
    appId,
    toVersion: label,
    toVersionId: `${appId}-${label}`,
    batchCount: 2,
    ...(opts.type ? { coTypeCode: opts.type } : {}),
  });
  s.clock.advance(4 * MIN);
  s.sae.finishChangeOrder(co, { status: opts.status ?? 2 });
  s.clock.advance(2 * MIN);
  return co;
}

function rollbackTargets(s: GuardStack): string[] {
  return s.sae.callsTo('RollbackApplication').map((c) => c.query.VersionId ?? '');
}

describe('the bake window rolls back to the version live before the release', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('after an aborted v3 release, an alarming v4 goes back to v2 — not to v3', async () => {
    s = await startGuardStack(ENV);
    const appId = seeded(s);
    const v3 = s.sae.startChangeOrder({ appId, toVersion: 'v3', toVersionId: `${appId}-v3`, batchCount: 2 });
    s.clock.advance(MIN);
    const abort = await s.alarm({ appId, alarmName: '5xx' });
    expect(abort.outcomes[0]).toMatchObject({ outcome: 'aborted', changeOrderId: v3 });
    s.clock.advance(20 * MIN);
    const v4 = change(s, appId, 'v4');

    const res = await s.alarm({ appId, alarmName: '5xx' });

    expect(res.outcomes[0]).toMatchObject({ outcome: 'rolled-back-application', changeOrderId: v4 });
    expect(rollbackTargets(s)).toEqual([`${appId}-v2`]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v2');
    const msg = s.published().at(-1);
    expect(msg).toMatchObject({ versions: { from: `${appId}-v4`, to: `${appId}-v2` } });
    expect(msg?.summary).toMatch(/from version checkout:v4 .* to checkout:v2 /);
  });

  it('after an operator redeployed v1 (CoDeployHistroy) over v3, an alarming v4 goes back to v1, from v4', async () => {
    s = await startGuardStack(ENV);
    const appId = seeded(s);
    change(s, appId, 'v3');
    s.clock.advance(40 * MIN); // v3 looked fine at first; then the operator backed it out by hand
    change(s, appId, 'v1', { type: 'CoDeployHistroy' });
    const redeployed = s.sae.getApp(appId)?.currentVersionId;
    s.clock.advance(40 * MIN);
    change(s, appId, 'v4');

    const res = await s.alarm({ appId });

    expect(res.outcomes[0]?.outcome).toBe('rolled-back-application');
    expect(rollbackTargets(s)).toEqual([redeployed]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v1');
    const msg = s.published().at(-1);
    expect(msg?.versions).toEqual({ from: `${appId}-v4`, to: redeployed });
    expect(msg?.summary).toMatch(/from version checkout:v4 .* to checkout:v1 /);
  });

  it('after its own earlier rollback of v3 (remembered), an alarming v4 goes back to v2', async () => {
    s = await startGuardStack(ENV);
    const appId = seeded(s);
    change(s, appId, 'v3');
    expect((await s.alarm({ appId })).outcomes[0]?.outcome).toBe('rolled-back-application');
    s.clock.advance(40 * MIN);
    change(s, appId, 'v4');

    const res = await s.alarm({ appId });

    expect(res.outcomes[0]?.outcome).toBe('rolled-back-application');
    expect(rollbackTargets(s)).toEqual([`${appId}-v2`, `${appId}-v2`]);
    expect(s.published().at(-1)?.versions).toEqual({ from: `${appId}-v4`, to: `${appId}-v2` });
  });

  it('skips a failed release and the scale-outs in between', async () => {
    s = await startGuardStack(ENV);
    const appId = seeded(s);
    change(s, appId, 'v3', { status: 3 }); // failed (multi-batch: SAE rolled it back itself)
    const scale = s.sae.autoScaleOut(appId) ?? '';
    s.clock.advance(MIN);
    s.sae.finishChangeOrder(scale);
    s.clock.advance(30 * MIN);
    change(s, appId, 'v4');

    const res = await s.alarm({ appId });

    expect(res.outcomes[0]?.outcome).toBe('rolled-back-application');
    expect(rollbackTargets(s)).toEqual([`${appId}-v2`]);
  });
});

describe('when the history does not say for certain, nothing is done and the reason is published', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it("an operator's RollbackApplication (CoRollback) before the release: SAE does not say to which version", async () => {
    s = await startGuardStack(ENV);
    const appId = seeded(s);
    change(s, appId, 'v3');
    s.clock.advance(40 * MIN);
    change(s, appId, 'v1', { type: 'CoRollback' });
    s.clock.advance(40 * MIN);
    const v4 = change(s, appId, 'v4');

    const res = await s.alarm({ appId });

    expect(res.outcomes[0]).toMatchObject({ outcome: 'refused', changeOrderId: v4 });
    expect(s.mutations()).toEqual([]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v4');
    const [msg] = s.published();
    expect(msg?.outcome).toBe('refused');
    expect(msg?.summary).toMatch(/not rolled back/i);
    expect(msg?.reason).toMatch(/CoRollback/);
    expect(msg?.reason).toMatch(/by hand/);
  });

  it('an app whose earlier change orders SAE no longer lists', async () => {
    s = await startGuardStack(ENV);
    const appId = seeded(s, false);
    change(s, appId, 'v3');

    const res = await s.alarm({ appId });

    expect(res.outcomes[0]?.outcome).toBe('refused');
    expect(s.mutations()).toEqual([]);
    expect(s.published()[0]?.reason).toMatch(/no earlier release/);
  });
  it('an uncertain target is published once while the alarm repeats, not every five minutes', async () => {
    s = await startGuardStack(ENV);
    const appId = seeded(s, false);
    change(s, appId, 'v3');

    for (let i = 0; i < 12; i++) {
      await s.alarm({ appId });
      s.clock.advance(MIN);
    }

    expect(s.published().map((o) => o.outcome)).toEqual(['refused']);
    expect(s.mutations()).toEqual([]);
  });
});
