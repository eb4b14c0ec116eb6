import { afterEach, describe, expect, it } from 'vitest';
import { type GuardStack, startGuardStack } from '../helpers/guard-stack.js';

const MIN = 60_000;
const SICK = 'guard-sick-0000-0000-000000000001';
const HEALTHY = 'guard-healthy-0000-0000-000000000002';
const IDLE = 'guard-idle-0000-0000-000000000003';
const WATCH = [SICK, HEALTHY, IDLE].join(',');

/** Three watched apps: one to make sick, one releasing normally, one idle after a good release. */
async function stack(env: Record<string, string> = {}): Promise<GuardStack> {
  const s = await startGuardStack({ WATCH_APP_IDS: WATCH, ...env });
  s.sae.seedApp({ appId: SICK, appName: 'sick', versions: ['v1', 'v2'], history: true });
  s.sae.seedApp({ appId: HEALTHY, appName: 'healthy', versions: ['v1', 'v2'] });
  s.sae.seedApp({ appId: IDLE, appName: 'idle', versions: ['v1', 'v2'] });
  s.sae.startChangeOrder({ appId: HEALTHY, toVersion: 'v3' });
  const done = s.sae.startChangeOrder({ appId: IDLE, toVersion: 'v3' });
  s.sae.finishChangeOrder(done, { status: 2 });
  return s;
}

const abortsOf = (s: GuardStack) =>
  s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId);

describe('the scheduled guard, one test per condition', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('aborts a change order executing with SubStatus 1 — once — and leaves healthy apps alone', async () => {
    s = await stack();
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3', subStatus: 1 });

    const report = await s.tick();
    s.clock.advance(MIN);
    await s.tick();

    expect(report.findings).toMatchObject([
      { appId: SICK, changeOrderId: co, condition: 'release-exception', outcome: 'aborted' },
    ]);
    expect(abortsOf(s)).toEqual([co]);
    expect(s.mutations()).toHaveLength(1);
    expect(s.sae.getApp(SICK)?.currentVersion).toBe('v2');
    expect(s.published()).toMatchObject([
      {
        outcome: 'aborted',
        changeOrderId: co,
        appId: SICK,
        alarm: { source: 'guard', name: 'release-exception' },
      },
      // The next run, a minute later, follows the rollback to its end (lib/follow).
      { outcome: 'recovered', changeOrderId: co, follows: { outcome: 'aborted' } },
    ]);
  });

  it('aborts a change order executing longer than GUARD_MAX_EXECUTING_MINUTES, not before', async () => {
    s = await stack({ GUARD_MAX_EXECUTING_MINUTES: '30' });
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3' });

    s.clock.advance(29 * MIN);
    const early = await s.tick();
    expect(early.findings).toEqual([]);
    expect(s.mutations()).toEqual([]);

    s.clock.advance(2 * MIN);
    const late = await s.tick();
    // The healthy release started at the same moment: it is just as old, so it is caught too.
    expect(late.findings.map((f) => [f.appId, f.condition, f.outcome])).toEqual(
      expect.arrayContaining([[SICK, 'executing-too-long', 'aborted']]),
    );
    expect(abortsOf(s)).toContain(co);
    s.clock.advance(MIN);
    await s.tick();
    expect(abortsOf(s).filter((id) => id === co)).toHaveLength(1);
  });

  it('leaves a young release alone, and measures executing time from CreateTime', async () => {
    s = await stack({ GUARD_MAX_EXECUTING_MINUTES: '30' });
    s.clock.advance(20 * MIN);
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3' });
    s.clock.advance(15 * MIN); // HEALTHY's release is now 35 min old, SICK's 15 min.
    const report = await s.tick();
    expect(report.findings.map((f) => f.appId)).toEqual([HEALTHY]);
    expect(abortsOf(s)).not.toContain(co);
  });

  it('aborts a change order waiting for a manual batch confirmation longer than GUARD_MAX_BATCH_WAIT_MINUTES', async () => {
    s = await stack({ GUARD_MAX_BATCH_WAIT_MINUTES: '60', GUARD_MAX_EXECUTING_MINUTES: '0' });
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3', batchCount: 3 });
    s.clock.advance(10 * MIN);
    s.sae.setChangeOrderStatus(co, 8); // batch 1 done, waiting for a human

    const first = await s.tick(); // first seen waiting
    s.clock.advance(59 * MIN);
    const stillWaiting = await s.tick();
    expect([...first.findings, ...stillWaiting.findings]).toEqual([]);
    expect(s.mutations()).toEqual([]);

    s.clock.advance(2 * MIN);
    const report = await s.tick();
    expect(report.findings).toMatchObject([
      { appId: SICK, condition: 'batch-wait-too-long', outcome: 'aborted' },
    ]);
    expect(abortsOf(s)).toEqual([co]);
  });

  it('counts each batch wait on its own: a release that moved on and waits again starts a new wait', async () => {
    s = await stack({ GUARD_MAX_BATCH_WAIT_MINUTES: '60', GUARD_MAX_EXECUTING_MINUTES: '0' });
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3', batchCount: 3 });
    s.sae.setChangeOrderStatus(co, 8);
    await s.tick();
    s.clock.advance(50 * MIN);
    s.sae.setChangeOrderStatus(co, 1); // confirmed: batch 2 runs
    await s.tick();
    s.clock.advance(MIN);
    s.sae.setChangeOrderStatus(co, 8); // waiting again
    await s.tick();
    s.clock.advance(30 * MIN);
    const report = await s.tick();
    expect(report.findings).toEqual([]);
    expect(s.mutations()).toEqual([]);
  });

  it('aborts a running release whose app has a CloudMonitor rule in ALARM; OK rules and idle apps do nothing', async () => {
    s = await stack();
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3' });
    s.cms.seedRule({ appId: SICK, ruleName: 'sick 5xx', alertState: 'ALARM', level: 'CRITICAL' });
    s.cms.seedRule({ appId: HEALTHY, ruleName: 'healthy 5xx', alertState: 'OK' });
    s.cms.seedRule({ appId: IDLE, ruleName: 'idle 5xx', alertState: 'ALARM' }); // no bake window: nothing to do

    const report = await s.tick();

    expect(report.alarming.sort()).toEqual([IDLE, SICK].sort());
    expect(report.findings).toMatchObject([
      { appId: SICK, condition: 'cloudmonitor-alarm', outcome: 'aborted' },
    ]);
    expect(abortsOf(s)).toEqual([co]);
    expect(s.mutations()).toHaveLength(1);
    expect(s.cms.callsTo('DescribeMetricRuleList')).toHaveLength(1); // one query for every watched app
    expect(s.published()[0]).toMatchObject({
      alarm: { source: 'guard', name: 'sick 5xx', severity: 'CRITICAL' },
    });
  });

  it('rolls an app back to its previous version when a rule is in ALARM inside the bake window — once', async () => {
    s = await stack({ BAKE_WINDOW_SECONDS: '1800' });
    const ids = s.sae.getAppVersions(SICK)?.map((v) => v.versionId) ?? []; // [v2, v1]
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3' });
    s.clock.advance(3 * MIN);
    s.sae.finishChangeOrder(co, { status: 2 });
    s.clock.advance(5 * MIN);
    const rule = s.cms.seedRule({ appId: SICK, alertState: 'ALARM' });

    const report = await s.tick();
    s.clock.advance(MIN);
    const again = await s.tick();

    expect(report.findings).toMatchObject([
      { appId: SICK, changeOrderId: co, condition: 'cloudmonitor-alarm', outcome: 'rolled-back-application' },
    ]);
    expect(again.findings).toEqual([]); // the app's last change order is now our rollback
    const rollbacks = s.sae.callsTo('RollbackApplication');
    expect(rollbacks.map((c) => c.query.VersionId)).toEqual([ids[0]]);
    expect(s.sae.getApp(SICK)?.currentVersion).toBe('v2');
    expect(s.mutations()).toHaveLength(1);
    expect(s.published()).toMatchObject([
      { outcome: 'rolled-back-application', alarm: { ruleId: rule.ruleId } },
      { outcome: 'recovered', changeOrderId: co, follows: { outcome: 'rolled-back-application' } },
    ]);
  });

  it('rolls back a failed single-batch release inside the bake window; a failed 3-batch release is left to SAE', async () => {
    s = await stack({
      BAKE_WINDOW_SECONDS: '1800',
      WATCH_APP_IDS: `${WATCH},guard-multi-0000-0000-000000000004`,
    });
    s.sae.seedApp({ appId: 'guard-multi-0000-0000-000000000004', versions: ['v1', 'v2'] });
    const single = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3', batchCount: 1 });
    const multi = s.sae.startChangeOrder({
      appId: 'guard-multi-0000-0000-000000000004',
      toVersion: 'v3',
      batchCount: 3,
    });
    s.clock.advance(2 * MIN);
    s.sae.finishChangeOrder(single, { status: 3 });
    s.sae.finishChangeOrder(multi, { status: 3 });

    const report = await s.tick();

    expect(report.findings).toMatchObject([
      {
        appId: SICK,
        changeOrderId: single,
        condition: 'failed-single-batch',
        outcome: 'rolled-back-application',
      },
    ]);
    expect(s.mutations().map((c) => [c.action, c.query.AppId])).toEqual([['RollbackApplication', SICK]]);
    expect(s.sae.getApp(SICK)?.currentVersion).toBe('v2');
  });

  it('does nothing for healthy apps: no mutating call, nothing published', async () => {
    s = await stack({ BAKE_WINDOW_SECONDS: '1800' });
    s.cms.seedRule({ appId: IDLE, alertState: 'OK' });
    for (let i = 0; i < 3; i++) {
      const r = await s.tick();
      expect(r.findings).toEqual([]);
      expect(r.errors).toEqual([]);
      s.clock.advance(MIN);
    }
    expect(s.mutations()).toEqual([]);
    expect(s.published()).toEqual([]);
  });
});

describe('the guard: watch list, policy and budget', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('watches every app of WATCH_NAMESPACE_IDS (ListApplications, cached between runs)', async () => {
    s = await startGuardStack({ WATCH_NAMESPACE_IDS: 'cn-hangzhou:prod' });
    s.sae.seedApp({ appId: 'ns-app-0000-0000-0000-000000000001', namespaceId: 'cn-hangzhou:prod' });
    s.sae.seedApp({ appId: 'ns-app-0000-0000-0000-000000000002', namespaceId: 'cn-hangzhou:prod' });
    s.sae.seedApp({ appId: 'ns-app-0000-0000-0000-000000000003', namespaceId: 'cn-hangzhou:test' });
    const co = s.sae.startChangeOrder({ appId: 'ns-app-0000-0000-0000-000000000002', subStatus: 1 });
    s.sae.startChangeOrder({ appId: 'ns-app-0000-0000-0000-000000000003', subStatus: 1 });

    const report = await s.tick();
    s.clock.advance(MIN);
    await s.tick();

    expect(report.watched).toBe(2);
    expect(abortsOf(s)).toEqual([co]);
    expect(s.sae.callsTo('ListApplications')).toHaveLength(1);
    expect(s.sae.callsTo('ListApplications')[0]?.query.NamespaceId).toBe('cn-hangzhou:prod');
  });

  it('never looks at watched apps the policy excludes (allowlist, opt-out)', async () => {
    s = await stack({ POLICY_ALLOW_APP_IDS: `${SICK},${HEALTHY}`, POLICY_OPT_OUT_APP_IDS: HEALTHY });
    s.sae.startChangeOrder({ appId: SICK, subStatus: 1 });
    const report = await s.tick();
    expect(report.skipped.map((x) => x.appId).sort()).toEqual([HEALTHY, IDLE].sort());
    expect(report.checked).toEqual([SICK]);
    const touched = new Set(s.sae.calls.map((c) => c.query.AppId).filter(Boolean));
    expect(touched).toEqual(new Set([SICK]));
  });

  it('stays within the SAE call budget with 50 watched apps, spreading them over runs', async () => {
    const ns = 'cn-hangzhou:fleet';
    s = await startGuardStack({ WATCH_NAMESPACE_IDS: ns }); // GUARD_CALLS_PER_RUN: 15 (default)
    const apps = Array.from({ length: 50 }, (_, i) => `fleet-app-0000-0000-${String(i).padStart(12, '0')}`);
    for (const appId of apps) s.sae.seedApp({ appId, namespaceId: ns, versions: ['v1', 'v2'] });
    for (const appId of apps.slice(0, 40)) s.sae.startChangeOrder({ appId, toVersion: 'v3' }); // healthy releases
    const sick = apps[47] as string;
    const co = s.sae.startChangeOrder({ appId: sick, toVersion: 'v3', subStatus: 1 });

    // Runs until every app was looked at once, then once more: the first pass also pays one
    // ListChangeOrders per running release (its CreateTime, cached from then on).
    const passes: number[] = [];
    const perRun: number[] = [];
    let checked = new Set<string>();
    for (let run = 1; run <= 14 && passes.length < 2; run++) {
      const before = s.sae.calls.length;
      const r = await s.tick();
      expect(r.saeCalls).toBeLessThanOrEqual(15);
      perRun.push(s.sae.calls.length - before);
      for (const a of r.checked) checked.add(a);
      if (checked.size === 50) {
        passes.push(run - (passes.length ? (passes[0] ?? 0) : 0));
        checked = new Set();
      }
      s.clock.advance(MIN);
    }

    expect(passes[0]).toBeLessThanOrEqual(7); // 1 list + 50 statuses + 40 create times, 15 per run
    expect(passes[1]).toBeLessThanOrEqual(4); // then 50 statuses, 15 per run
    expect(abortsOf(s)).toEqual([co]);
    // Every one-minute window (one run) stayed well under SAE_CALLS_PER_WINDOW (50), the abort included.
    for (const n of perRun) expect(n).toBeLessThanOrEqual(17);
    // Two runs overlap in a token's ~62 s hold: still under the 40 look-ups the abort reserve leaves.
    for (let i = 1; i < perRun.length; i++)
      expect((perRun[i] ?? 0) + (perRun[i - 1] ?? 0)).toBeLessThanOrEqual(40);
    expect(s.sae.calls.every((c) => c.status === 200)).toBe(true); // never throttled
  });

  it('gives way when another run holds the guard lease', async () => {
    s = await stack();
    await s.rt.store.lease('sae-rollback:guard:run', 'someone-else', 60_000);
    const report = await s.tick();
    expect(report.busy).toBe(true);
    expect(s.sae.calls).toEqual([]);
  });
});
