import { afterEach, describe, expect, it } from 'vitest';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

const MIN = 60_000;
/** The non-releases of issue 20's table and the guard's review: none of them is ever aborted by default. */
const NOT_RELEASES = [
  'CoScaleOut',
  'CoScaleIn',
  'CoRestartApplication',
  'CoRollback',
  'CoStop',
  'CoStart',
  'CoDeployHistroy',
] as const;

/** An app with a running change order of `coTypeCode` (status/subStatus as given). */
function running(s: GuardStack, coTypeCode: string, opts: { status?: number; subStatus?: 0 | 1 } = {}) {
  const appId = newAppId('rel');
  s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
  const co = s.sae.startChangeOrder({ appId, coTypeCode, ...opts });
  return { appId, co };
}

const cms = (appId: string, timestamp: number, extra: Record<string, string> = {}) => ({
  alertName: 'SAE 5xx',
  alertState: 'ALERT',
  triggerLevel: 'CRITICAL',
  ruleId: 'rule-5xx',
  curValue: '7.5',
  namespace: 'acs_serverless',
  dimensions: `{appId=${appId}}`,
  timestamp: String(Math.floor(timestamp / 1000)),
  ...extra,
});

const alertmanager = (appId: string, startsAt: number, labels: Record<string, string> = {}) => ({
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'SAE 5xx', appId, severity: 'critical', ...labels },
      fingerprint: `fp-${appId}`,
      startsAt: new Date(startsAt).toISOString(),
    },
  ],
});

/** The alert without its severity label. */
function unrate(am: ReturnType<typeof alertmanager>): void {
  for (const a of am.alerts) delete (a.labels as Record<string, string>).severity;
}

describe('only releases are aborted: every other change type is one published refusal (alarm function)', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it.each(NOT_RELEASES)(
    'a running %s is not aborted; a repeat is a duplicate, not published again',
    async (type) => {
      s = await startGuardStack();
      const { appId, co } = running(s, type);

      const first = await s.alarm({ appId });
      const calls = s.sae.calls.length;
      const second = await s.alarm({ appId });

      expect(first.outcomes).toMatchObject([{ outcome: 'refused', changeOrderId: co }]);
      expect(second.outcomes).toMatchObject([{ outcome: 'duplicate', changeOrderId: co }]);
      expect(s.sae.calls.length).toBe(calls); // the resolution and the type are both remembered
      expect(s.mutations()).toEqual([]);
      expect(s.sae.getChangeOrder(co)?.status).toBe(1);
      const published = s.published();
      expect(published).toHaveLength(1);
      expect(published[0]?.summary).toContain(type);
      expect(published[0]?.reason).toMatch(/^change-type: /);
    },
  );

  it('a CoDeploy is aborted (the control)', async () => {
    s = await startGuardStack();
    const { appId, co } = running(s, 'CoDeploy');
    const res = await s.alarm({ appId });
    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
  });

  it('a change order named by ID is refused the same way (consumer, direct request)', async () => {
    s = await startGuardStack();
    const { co } = running(s, 'CoScaleOut');
    const res = (await s.consume({ ChangeOrderId: co })) as { outcomes: Array<{ outcome: string }> };
    expect(res.outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.mutations()).toEqual([]);
  });

  it('ABORT_CHANGE_TYPES widens the list; "*" still never aborts a rollback', async () => {
    s = await startGuardStack({ ABORT_CHANGE_TYPES: '*' });
    const scale = running(s, 'CoScaleOut');
    const back = running(s, 'CoRollback');
    expect((await s.alarm({ appId: scale.appId })).outcomes).toMatchObject([{ outcome: 'aborted' }]);
    expect((await s.alarm({ appId: back.appId })).outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.mutations().map((c) => c.query.ChangeOrderId)).toEqual([scale.co]);
  });

  it('ABORT_CHANGE_TYPES that is not a CoTypeCode is a configuration error naming the known ones', async () => {
    await expect(startGuardStack({ ABORT_CHANGE_TYPES: 'CoDeploy,Deploy' })).rejects.toThrow(
      /ABORT_CHANGE_TYPES.*CoTypeCode.*CoScaleOut/s,
    );
  });

  it.each([0, 11, 12])(
    'a release that has not started (status %i) is left alone, and says so',
    async (status) => {
      s = await startGuardStack();
      const { appId } = running(s, 'CoDeploy', { status });
      const res = await s.alarm({ appId });
      expect(res.outcomes).toMatchObject([{ outcome: 'refused' }]);
      expect(s.published()[0]?.reason).toMatch(/^not-started: /);
      expect(s.mutations()).toEqual([]);
    },
  );

  it('ABORT_NOT_STARTED=true aborts a release awaiting approval', async () => {
    s = await startGuardStack({ ABORT_NOT_STARTED: 'true' });
    const { appId, co } = running(s, 'CoDeploy', { status: 11 });
    expect((await s.alarm({ appId })).outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
  });

  it('a storm of 1,000 alarms for an app that is scaling out: no abort, one look-up per resolution window', async () => {
    s = await startGuardStack();
    const { appId, co } = running(s, 'CoScaleOut');
    const st = s;
    const answers = await Promise.all(Array.from({ length: 1000 }, () => st.alarm({ appId })));
    const kinds = new Set(answers.flatMap((a) => a.outcomes.map((o) => o.outcome)));
    expect([...kinds].sort()).toEqual(['duplicate', 'refused']);
    expect(s.mutations()).toEqual([]);
    // One ListChangeOrders says it all (executing, a CoScaleOut): no status, no DescribeChangeOrder.
    expect(s.sae.callsTo('ListChangeOrders')).toHaveLength(1);
    expect(s.sae.callsTo('DescribeApplicationStatus')).toHaveLength(0);
    expect(s.sae.callsTo('DescribeChangeOrder')).toHaveLength(0);
    expect(s.published()).toHaveLength(1);
    expect(s.sae.getChangeOrder(co)?.status).toBe(1);
  });
});

describe('evidence must be newer than the release, from every source that carries a time', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('a CloudMonitor callback an hour old is refused before any SAE call', async () => {
    s = await startGuardStack();
    const { appId } = running(s, 'CoDeploy');
    s.sae.clearCalls();
    const res = await s.alarm(cms(appId, s.clock.now() - 60 * MIN));
    expect(res.outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.sae.calls).toEqual([]);
    expect(s.published()[0]?.reason).toMatch(/^alarm-age: /);
  });

  it('a fresh CloudMonitor callback whose lastTime says the alert began before the release is refused', async () => {
    s = await startGuardStack();
    const { appId } = running(s, 'CoDeploy');
    s.clock.advance(MIN);
    // Sent now, but lasting 5 minutes: it began 4 minutes before the release did.
    const res = await s.alarm(cms(appId, s.clock.now(), { lastTime: '5分钟' }));
    expect(res.outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.published()[0]?.reason).toMatch(/^pre-release-alarm: .*STOP_ON_ANY_FIRING_ALARM/s);
    expect(s.mutations()).toEqual([]);
  });

  it('a fresh CloudMonitor callback that began after the release aborts it', async () => {
    s = await startGuardStack();
    const { appId, co } = running(s, 'CoDeploy');
    s.clock.advance(2 * MIN);
    const res = await s.alarm(cms(appId, s.clock.now(), { lastTime: '1分钟' }));
    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
  });

  it('an Alertmanager alert firing since before the release (the hotfix) is not evidence against it', async () => {
    s = await startGuardStack();
    const since = s.clock.now() - 5 * MIN; // the bug's alert, still firing
    const { appId } = running(s, 'CoDeploy'); // the fix, deployed now
    const res = await s.alarm(alertmanager(appId, since));
    expect(res.outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.published()[0]?.summary).toMatch(/before change order .* started/);
    expect(s.mutations()).toEqual([]);
  });

  it('an Alertmanager alert firing since yesterday is refused as stale, with no SAE call', async () => {
    s = await startGuardStack();
    const { appId } = running(s, 'CoDeploy');
    s.sae.clearCalls();
    const res = await s.alarm(alertmanager(appId, s.clock.now() - 24 * 60 * MIN));
    expect(res.outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.sae.calls).toEqual([]);
  });

  it('STOP_ON_ANY_FIRING_ALARM=true restores "any firing alarm stops any release"', async () => {
    s = await startGuardStack({ STOP_ON_ANY_FIRING_ALARM: 'true' });
    const since = s.clock.now() - 24 * 60 * MIN;
    const { appId, co } = running(s, 'CoDeploy');
    const res = await s.alarm(alertmanager(appId, since));
    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
  });

  it('an SAE change-order event (CloudEvent) delivered from a backlog hours late is refused', async () => {
    s = await startGuardStack();
    const { appId } = running(s, 'CoDeploy');
    const event = {
      id: 'evt-1',
      source: 'acs.sae',
      specversion: '1.0',
      type: 'sae:ChangeOrder:SaeChangeOrderFailEvent',
      time: new Date(s.clock.now() - 3 * 60 * MIN).toISOString(),
      data: { source: 'CHANGE_ORDER', type: 'SAE_CHANGE_ORDER_FAIL_EVENT', resourceId: appId },
    };
    const res = (await s.consume(event)) as { outcomes: Array<{ outcome: string }> };
    expect(res.outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.mutations()).toEqual([]);
  });

  it('a request with no time at all is treated as fresh', async () => {
    s = await startGuardStack();
    const { appId, co } = running(s, 'CoDeploy');
    s.clock.advance(60 * MIN);
    expect((await s.alarm({ appId })).outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
  });
});

describe('minimum severity and unrated alarms (POLICY_MIN_SEVERITY=CRITICAL)', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('an Alertmanager alert without severity and a CloudMonitor callback without triggerLevel are refused', async () => {
    s = await startGuardStack({ POLICY_MIN_SEVERITY: 'CRITICAL' });
    const a = running(s, 'CoDeploy');
    const b = running(s, 'CoDeploy');
    const am = alertmanager(a.appId, s.clock.now());
    unrate(am);
    const cb = cms(b.appId, s.clock.now(), { triggerLevel: 'null' });

    expect((await s.alarm(am)).outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect((await s.alarm(cb)).outcomes).toMatchObject([{ outcome: 'refused' }]);
    expect(s.mutations()).toEqual([]);
  });

  it('POLICY_ALLOW_UNRATED=true lets an unrated alert through on purpose', async () => {
    s = await startGuardStack({ POLICY_MIN_SEVERITY: 'CRITICAL', POLICY_ALLOW_UNRATED: 'true' });
    const a = running(s, 'CoDeploy');
    const am = alertmanager(a.appId, s.clock.now());
    unrate(am);
    expect((await s.alarm(am)).outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: a.co }]);
  });
});

describe('the guard applies the same rules: no non-release is aborted under any condition', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const APP = 'guard-rel-0000-0000-000000000001';
  const conditions = {
    'release-exception': async (g: GuardStack, type: string) => {
      g.sae.startChangeOrder({ appId: APP, coTypeCode: type, subStatus: 1 });
    },
    'executing-too-long': async (g: GuardStack, type: string) => {
      g.sae.startChangeOrder({ appId: APP, coTypeCode: type });
      g.clock.advance(31 * MIN);
    },
    'batch-wait-too-long': async (g: GuardStack, type: string) => {
      g.sae.startChangeOrder({ appId: APP, coTypeCode: type, status: 8 });
      await g.tick();
      g.clock.advance(61 * MIN);
    },
    'cloudmonitor-alarm': async (g: GuardStack, type: string) => {
      g.sae.startChangeOrder({ appId: APP, coTypeCode: type });
      g.cms.seedRule({ appId: APP, ruleName: '5xx', alertState: 'ALARM', level: 'CRITICAL' });
    },
  } as const;
  const types = ['CoScaleOut', 'CoScaleIn', 'CoRestartApplication', 'CoRollback', 'CoStop', 'CoStart'];
  const names = Object.keys(conditions) as Array<keyof typeof conditions>;
  const cases = types.flatMap((t) => names.map((c) => [t, c] as const));

  it.each(cases)('a running %s meeting %s is refused, never aborted', async (type, condition) => {
    s = await startGuardStack({
      WATCH_APP_IDS: APP,
      GUARD_MAX_EXECUTING_MINUTES: '30',
      GUARD_MAX_BATCH_WAIT_MINUTES: '60',
    });
    s.sae.seedApp({ appId: APP, appName: 'checkout', versions: ['v1', 'v2'] });
    await conditions[condition](s, type);

    const report = await s.tick();

    expect(report.findings).toMatchObject([{ condition, outcome: 'refused' }]);
    expect(s.mutations()).toEqual([]);
    expect(s.published()).toHaveLength(1);
    expect(s.published()[0]?.reason).toMatch(/^change-type: /);
  });

  it('a rule in ALARM since before a release started does not abort it (the hotfix under the guard)', async () => {
    s = await startGuardStack({ WATCH_APP_IDS: APP });
    s.sae.seedApp({ appId: APP, appName: 'checkout', versions: ['v1', 'v2'] });
    const old = s.sae.startChangeOrder({ appId: APP, toVersion: 'v3' });
    s.cms.seedRule({ appId: APP, ruleName: '5xx', alertState: 'ALARM', level: 'CRITICAL' });
    await s.tick(); // the bad release: aborted on first sight of the rule
    expect(s.mutations().map((m) => m.query.ChangeOrderId)).toEqual([old]);
    s.sae.finishChangeOrder(s.sae.startChangeOrder({ appId: APP, coTypeCode: 'CoRollback' }), { status: 2 });
    s.clock.advance(2 * MIN);
    await s.tick(); // still alarming: the guard keeps the episode's first sighting
    s.clock.advance(MIN);
    const fix = s.sae.startChangeOrder({ appId: APP, toVersion: 'v4' }); // the fix, under the old alarm

    const report = await s.tick();

    expect(report.findings).toMatchObject([{ changeOrderId: fix, outcome: 'refused' }]);
    expect(s.mutations().map((m) => m.query.ChangeOrderId)).toEqual([old]);
    expect(s.published().at(-1)?.reason).toMatch(/^pre-release-alarm: /);
  });

  it('a rule that starts alarming during a release aborts it', async () => {
    s = await startGuardStack({ WATCH_APP_IDS: APP });
    s.sae.seedApp({ appId: APP, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId: APP, toVersion: 'v3' });
    s.clock.advance(3 * MIN);
    s.cms.seedRule({ appId: APP, ruleName: '5xx', alertState: 'ALARM', level: 'CRITICAL' });
    const report = await s.tick();
    expect(report.findings).toMatchObject([{ changeOrderId: co, outcome: 'aborted' }]);
  });
});
