import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { normalizeSeverity, Policy } from '../../lib/policy/policy.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { FakeSae } from '../helpers/fake-sae.js';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

const MIN = 60_000;

describe('Policy (unit)', () => {
  it('maps the sources’ severity names onto CRITICAL / WARN / INFO', () => {
    expect(['CRITICAL', 'critical', 'P1', 'page'].map((x) => normalizeSeverity(x))).toEqual(
      Array(4).fill('CRITICAL'),
    );
    expect(['WARN', 'warning', 'WARNING', 'P2', 'error'].map((x) => normalizeSeverity(x))).toEqual(
      Array(5).fill('WARN'),
    );
    expect(['INFO', 'info', 'P4', 'low'].map((x) => normalizeSeverity(x))).toEqual(Array(4).fill('INFO'));
    expect(normalizeSeverity('whatever')).toBeUndefined();
  });

  it("reads CloudMonitor's P2–P4 (and levels 2–4) as its own Critical, Warning, Info — not ARMS's P-numbers", () => {
    const cms = (raw: string) => normalizeSeverity(raw, 'cloudmonitor');
    expect(['P2', '2', 'P3', '3', 'P4', '4', 'CRITICAL'].map(cms)).toEqual([
      'CRITICAL',
      'CRITICAL',
      'WARN',
      'WARN',
      'INFO',
      'INFO',
      'CRITICAL',
    ]);
    expect(normalizeSeverity('P2', 'guard')).toBe('CRITICAL');
    expect(normalizeSeverity('P2', 'alertmanager')).toBe('WARN'); // ARMS: P1 is the highest
  });

  it('refuses alarms below the minimum, and unrankable ones; passes requests without a severity', () => {
    const p = new Policy({ minSeverity: 'CRITICAL' });
    expect(p.severity({ source: 'arms', severity: 'critical' })).toEqual({ ok: true });
    expect(p.severity({ source: 'cloudmonitor', severity: 'WARN' })).toMatchObject({
      ok: false,
      rule: 'severity',
    });
    expect(p.severity({ source: 'arms', severity: 'sev-x' })).toMatchObject({ ok: false, rule: 'severity' });
    expect(p.severity({ source: 'direct' })).toEqual({ ok: true });
    expect(new Policy().severity({ source: 'arms', severity: 'info' })).toEqual({ ok: true });
  });

  it('allows everything without a list; with one, only listed apps or apps of listed namespaces', async () => {
    expect(await new Policy().app('any-app-0001')).toEqual({ ok: true });
    const p = new Policy({ allowAppIds: ['listed-app-01'], allowNamespaceIds: ['cn-hangzhou:prod'] });
    expect(await p.app('listed-app-01')).toEqual({ ok: true });
    expect(await p.app('other-app-001', async () => 'cn-hangzhou:prod')).toEqual({ ok: true });
    expect(await p.app('other-app-001', async () => undefined)).toMatchObject({
      ok: false,
      rule: 'allowlist',
    });
    expect(await p.app('other-app-001', undefined, 'cn-hangzhou:test')).toMatchObject({ ok: false });
  });

  it('opt-out wins over the allowlist', async () => {
    const p = new Policy({ allowAppIds: ['some-app-0001'], optOutAppIds: ['some-app-0001'] });
    expect(await p.app('some-app-0001')).toMatchObject({ ok: false, rule: 'opt-out' });
  });
});

/** An app with a running release that has an exception: what an alarm would make us abort. */
function failing(s: GuardStack, namespaceId?: string) {
  const appId = newAppId('pol');
  s.sae.seedApp({ appId, versions: ['v1', 'v2'], ...(namespaceId ? { namespaceId } : {}) });
  const co = s.sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 });
  return { appId, co };
}

describe('the rollback policy, end to end (alarm function → emulators → MNS)', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('allowlist: an app outside the list is refused and notified, before any SAE call', async () => {
    s = await startGuardStack({ POLICY_ALLOW_APP_IDS: 'listed-app-0000-0001' });
    const { appId } = failing(s);
    s.sae.clearCalls();

    const res = await s.alarm({ appId, alarmName: '5xx' });

    expect(res.outcomes).toMatchObject([{ outcome: 'refused', appId }]);
    expect(s.sae.calls).toEqual([]);
    const msgs = s.mns.messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]?.tag).toBe('refused');
    expect(s.published()[0]).toMatchObject({
      outcome: 'refused',
      appId,
      reason: expect.stringMatching(/^allowlist:/),
    });
  });

  it('allowlist: a repeat of the refused alarm is a duplicate, not a second message', async () => {
    s = await startGuardStack({ POLICY_ALLOW_APP_IDS: 'listed-app-0000-0001' });
    const { appId } = failing(s);
    await s.alarm({ appId, alarmName: '5xx' });
    const again = await s.alarm({ appId, alarmName: '5xx' });
    expect(again.outcomes[0]?.outcome).toBe('duplicate');
    expect(s.published().map((o) => o.outcome)).toEqual(['refused']);
  });

  it('allowlist by namespace: an app of an allowed namespace is rolled back, one of another is refused', async () => {
    s = await startGuardStack({ POLICY_ALLOW_NAMESPACE_IDS: 'cn-hangzhou:prod' });
    const inside = failing(s, 'cn-hangzhou:prod');
    const outside = failing(s, 'cn-hangzhou:test');

    const a = await s.alarm({ appId: inside.appId });
    const b = await s.alarm({ appId: outside.appId });

    expect(a.outcomes[0]?.outcome).toBe('aborted');
    expect(b.outcomes[0]?.outcome).toBe('refused');
    expect(s.mutations().map((c) => c.query.ChangeOrderId)).toEqual([inside.co]);
    // Only the allowed namespace is listed (once, cached), never anything about the refused app.
    expect(s.sae.callsTo('ListApplications').map((c) => c.query.NamespaceId)).toEqual(['cn-hangzhou:prod']);
    expect(s.sae.calls.filter((c) => c.query.AppId === outside.appId)).toEqual([]);
  });

  it('allowlist: a request naming only a change order is refused right after DescribeChangeOrder', async () => {
    s = await startGuardStack({ POLICY_ALLOW_APP_IDS: 'listed-app-0000-0001' });
    const { co } = failing(s);
    s.sae.clearCalls();
    const res = await s.alarm({ ChangeOrderId: co });
    expect(res.outcomes[0]?.outcome).toBe('refused');
    expect(s.sae.calls.map((c) => c.action)).toEqual(['DescribeChangeOrder']);
    expect(s.published()).toMatchObject([{ outcome: 'refused', changeOrderId: co }]);
  });

  it('opt-out: the app is refused with its reason, nothing changed', async () => {
    const appId = 'optout-app-0000-0001';
    s = await startGuardStack({ POLICY_OPT_OUT_APP_IDS: appId });
    s.sae.seedApp({ appId, versions: ['v1', 'v2'] });
    s.sae.startChangeOrder({ appId, subStatus: 1 });
    const res = await s.alarm({ appId });
    expect(res.outcomes[0]?.outcome).toBe('refused');
    expect(s.published()[0]?.reason).toMatch(/^opt-out:/);
    expect(s.sae.calls).toEqual([]);
  });

  it('minimum severity: a warning is refused before any SAE call, a critical alert is acted on', async () => {
    s = await startGuardStack({ POLICY_MIN_SEVERITY: 'CRITICAL' });
    const warn = failing(s);
    const crit = failing(s);
    const alert = (appId: string, severity: string) => ({
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'SAE 5xx', appId, severity },
          fingerprint: `fp-${appId}`,
          startsAt: new Date().toISOString(),
        },
      ],
    });
    s.sae.clearCalls();

    const a = await s.alarm(alert(warn.appId, 'warning'));
    expect(s.sae.calls).toEqual([]);
    const b = await s.alarm(alert(crit.appId, 'critical'));

    expect(a.outcomes[0]?.outcome).toBe('refused');
    expect(b.outcomes[0]?.outcome).toBe('aborted');
    expect(s.mutations().map((c) => c.query.ChangeOrderId)).toEqual([crit.co]);
    expect(s.published()[0]?.reason).toMatch(/below POLICY_MIN_SEVERITY CRITICAL/);
  });

  it('dry-run: every read runs, no mutating call is made, and the outcome says what would have been done', async () => {
    s = await startGuardStack({ DRY_RUN: 'true', BAKE_WINDOW_SECONDS: '1800' });
    const { appId, co } = failing(s);
    const baked = newAppId('pol');
    s.sae.seedApp({
      appId: baked,
      versions: ['v1', 'v2'],
      versionIds: [`${baked}-1`, `${baked}-2`],
      history: true,
    });
    const release = s.sae.startChangeOrder({ appId: baked, toVersion: 'v3' });
    s.sae.finishChangeOrder(release, { status: 2 });
    s.clock.advance(5 * MIN);

    const a = await s.alarm({ appId });
    const b = await s.alarm({ appId: baked });

    expect(s.mutations()).toEqual([]);
    expect(s.sae.getChangeOrder(co)?.status).toBe(1);
    expect(s.sae.getApp(baked)?.currentVersion).toBe('v3');
    expect([a, b].map((r) => r.outcomes[0]?.outcome)).toEqual(['dry-run', 'dry-run']);
    const [abort, rollback] = s.published();
    expect(abort).toMatchObject({ outcome: 'dry-run', dryRun: true, changeOrderId: co });
    expect(abort?.summary).toMatch(/would have aborted change order/);
    // Its one read: ListChangeOrders names the executing release (type, app, start) for the decision.
    expect(abort?.sae.map((c) => c.action)).toEqual(['ListChangeOrders']);
    expect(rollback).toMatchObject({ outcome: 'dry-run', versions: { to: `${baked}-2` } });
    expect(rollback?.summary).toMatch(/would have rolled app .* back .* \(RollbackApplication\)/);
    // Nothing executing (CoStatus=1 lists none): DescribeApplicationStatus finds the finished release.
    expect(rollback?.sae.map((c) => c.action)).toEqual([
      'ListChangeOrders',
      'DescribeApplicationStatus',
      'ListChangeOrders',
      'ListChangeOrders',
      'ListAppVersions',
    ]);
  });
});

describe('dry-run and the idempotency store', () => {
  it('dry-run records never stand in for real ones: after switching it off, the release is aborted', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const sae = new FakeSae();
    const co = 'ba386059-69b1-4e65-b1e5-0682d9fa7777';
    sae.addChangeOrder({ changeOrderId: co, appId: 'app-dry-0001', status: 1 });
    const req = { changeOrderId: co, alarm: { source: 'test' }, receivedAt: clock.now() };

    const dry = await new RollbackCore({ sae, store, clock, policy: new Policy({ dryRun: true }) }).decide(
      req,
    );
    const dryAgain = await new RollbackCore({
      sae,
      store,
      clock,
      policy: new Policy({ dryRun: true }),
    }).decide(req);
    const live = await new RollbackCore({ sae, store, clock, policy: new Policy() }).decide(req);

    expect(dry.outcome).toMatchObject({ outcome: 'dry-run', dryRun: true });
    expect(dryAgain.outcome.outcome).toBe('duplicate');
    expect(live.outcome.outcome).toBe('aborted');
    expect(live.outcome.dryRun).toBeUndefined();
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });
});
