import { afterEach, describe, expect, it } from 'vitest';
import { lastedMs } from '../../lib/events/cloudmonitor.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { FakeSae } from '../helpers/fake-sae.js';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

describe('the edges of the abort', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('a release that succeeds while being aborted goes to the bake decision, and is rolled back', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const appId = newAppId('race');
    s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'], history: true });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    s.sae.injectFault({ kind: 'latency', action: 'AbortAndRollbackChangeOrder', ms: 900 });

    const pending = s.alarm({ appId });
    await new Promise((r) => setTimeout(r, 300));
    s.sae.finishChangeOrder(co, { status: 2 }); // the release succeeds meanwhile
    const res = await pending;

    expect(res.outcomes).toMatchObject([{ outcome: 'rolled-back-application', changeOrderId: co }]);
    expect(s.sae.callsTo('RollbackApplication')).toHaveLength(1);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v2');
    // Nothing that did nothing was left behind to answer later alarms as duplicates of it.
    expect(s.published().map((o) => o.outcome)).toEqual(['rolled-back-application']);
  });

  it('an abort whose answer was lost is confirmed by the next app-named alarm, reported `aborted`, not "nothing running"', async () => {
    s = await startGuardStack();
    const appId = newAppId('lost');
    s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'], history: true });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    s.sae.injectFault({ kind: 'latency', action: 'AbortAndRollbackChangeOrder', ms: 2_000 }); // > read timeout

    const first = await s.alarm({ appId });
    await new Promise((r) => setTimeout(r, 800)); // SAE runs the abort after all
    s.clock.advance(11_000); // the resolution cache expired: the app's last change order is terminated
    const again = await s.alarm({ appId });

    expect(first.outcomes[0]?.outcome).toBe('failed-retryable');
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    expect(again.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
  });

  it('a redelivery whose abort SAE refuses as already done, after an earlier abort with a lost answer, says aborted', async () => {
    const sae = new FakeSae();
    const co = 'ba386059-69b1-4e65-b1e5-0682d9fa0043';
    sae.addChangeOrder({ changeOrderId: co, appId: 'app-lost-answer-0001' });
    const core = new RollbackCore({ sae, store: new MemoryStore() });
    const req = { changeOrderId: co, alarm: { source: 'direct' }, receivedAt: Date.now() };
    sae.failNext('AbortAndRollbackChangeOrder', 'ServiceUnavailable'); // SAE ran it; the answer was lost
    const first = await core.decide(req);
    // SAE still says executing when the redelivery describes it, then refuses its abort: already done.
    sae.failNext('AbortAndRollbackChangeOrder', 'Application.ChangerOrder.Not.Running');
    const second = await core.decide(req);
    expect(first.outcome.outcome).toBe('failed-retryable');
    expect(second.outcome.outcome).toBe('aborted');
    expect(second.outcome.summary).toMatch(/confirmed now/);
  });

  it('SupportRollback: false — the outcome says the abort only stopped the release', async () => {
    const sae = new FakeSae();
    const co = 'ba386059-69b1-4e65-b1e5-0682d9fa0042';
    sae.addChangeOrder({ changeOrderId: co, appId: 'app-nosupport-0001', supportRollback: false });
    const core = new RollbackCore({ sae, store: new MemoryStore() });
    const d = await core.decide({ changeOrderId: co, alarm: { source: 'direct' }, receivedAt: Date.now() });
    expect(d.outcome.outcome).toBe('aborted');
    expect(d.outcome.summary).toMatch(/only stopped it — the app was NOT rolled back/);
  });
});

describe("CloudMonitor's lastTime", () => {
  it.each([
    ['2天16小时27分钟', ((2 * 24 + 16) * 60 + 27) * 60_000],
    ['27分钟', 27 * 60_000],
    ['1h 5m', 65 * 60_000],
    ['3 min', 3 * 60_000],
    ['45秒', 45_000],
  ])('%s lasted %i ms', (text, ms) => {
    expect(lastedMs(text)).toBe(ms);
  });
  it.each(['', 'null', '27', 'soon', '5 fortnights'])('%j is no duration', (text) => {
    expect(lastedMs(text)).toBeUndefined();
  });
});

describe('outcomes that did nothing are published once while their condition lasts (the guard, every minute)', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const A = 'guard-quiet-0000-0000-000000000001';
  const B = 'guard-quiet-0000-0000-000000000002';
  const MIN = 60_000;

  async function twelveMinutes(env: Record<string, string>) {
    s = await startGuardStack({ WATCH_APP_IDS: `${A},${B}`, ...env });
    for (const appId of [A, B]) {
      s.sae.seedApp({ appId, appName: appId.slice(-1), versions: ['v1', 'v2'] });
      s.sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 });
    }
    for (let i = 0; i < 12; i++) {
      await s.tick();
      s.clock.advance(MIN);
    }
    return s.published().map((o) => [o.appId, o.outcome]);
  }

  it('dry-run: one message per change order in 12 minutes, not one every 5', async () => {
    expect(await twelveMinutes({ DRY_RUN: 'true' })).toEqual([
      [A, 'dry-run'],
      [B, 'dry-run'],
    ]);
  });

  it('suppressed by the global cap: one message, and the cap still holds', async () => {
    const published = await twelveMinutes({ MAX_ROLLBACKS_PER_WINDOW: '1', ROLLBACK_WINDOW_SECONDS: '3600' });
    expect(published).toHaveLength(3);
    // The one abort is followed to its end by a later guard run (lib/follow).
    expect(published.map(([, o]) => o).sort()).toEqual(['aborted', 'recovered', 'suppressed']);
    expect(s?.mutations()).toHaveLength(1);
  });
});
