// Every rollback followed to its end, against the SAE and MNS emulators on one manual clock: an alarm
// aborts a release, SAE terminates it (or fails, or never finishes), and the guard publishes exactly one
// follow-up per change order — recovered, rollback-failed or rollback-stuck — through the same outbox.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

let s: GuardStack;
beforeAll(async () => {
  s = await startGuardStack({
    FOLLOW_UP_FIRST_CHECK_SECONDS: '30',
    FOLLOW_UP_MAX_BACKOFF_SECONDS: '120',
    FOLLOW_UP_STUCK_MINUTES: '10',
    COOLDOWN_SECONDS: '0',
  });
});
afterAll(async () => {
  await s.close();
});
beforeEach(() => {
  s.sae.setAbortProgress({ mode: 'immediate' });
});

/** A release running on a fresh app, aborted by a direct alarm; its change order ID. */
async function abortedRelease(): Promise<{ appId: string; co: string; messageId: string }> {
  const appId = newAppId('follow');
  s.sae.seedApp({ appId, versions: ['v1'] });
  const co = s.sae.startChangeOrder({ appId, toVersion: 'v2' });
  s.clock.advance(5_000);
  const res = await s.alarm({ appId, changeOrderId: co, alarmName: '5xx after release' });
  expect(res.outcomes[0]?.outcome).toBe('aborted');
  const aborted = s.published().find((o) => o.changeOrderId === co && o.outcome === 'aborted');
  return { appId, co, messageId: aborted?.messageId ?? '' };
}

const followUpsOf = (co: string) =>
  s.published().filter((o) => o.changeOrderId === co && o.follows !== undefined);

describe('follow-ups after an abort', () => {
  test('recovered: SAE terminates the change order and restores the version; published once, with the timeline', async () => {
    s.sae.setAbortProgress({ mode: 'terminating', terminatingMs: 45_000, end: 'rolled-back' });
    const { appId, co, messageId } = await abortedRelease();

    // Not yet due: no SAE call, nothing published.
    await s.tick();
    expect(followUpsOf(co)).toEqual([]);
    s.sae.clearCalls();
    s.clock.advance(30_000);
    const first = await s.tick();
    expect(first.followUps?.checked).toBe(1);
    expect(s.sae.callsTo('DescribeChangeOrder').length).toBe(1);
    expect(followUpsOf(co)).toEqual([]); // still terminating

    s.clock.advance(60_000);
    const second = await s.tick();
    expect(second.followUps?.published).toEqual([
      expect.objectContaining({ changeOrderId: co, outcome: 'recovered' }),
    ]);
    const [f] = followUpsOf(co);
    expect(f).toMatchObject({
      schemaVersion: 2,
      outcome: 'recovered',
      appId,
      changeOrderStatus: 6,
      follows: { messageId, outcome: 'aborted' },
    });
    expect(f?.timeline?.timeToAbortMs).toBeGreaterThanOrEqual(0);
    expect(f?.timeline?.timeToRecoverMs).toBeGreaterThanOrEqual(90_000);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v1');

    // Exactly once: later runs make no call and publish nothing for it.
    s.sae.clearCalls();
    s.clock.advance(600_000);
    await s.tick();
    await s.tick();
    expect(followUpsOf(co)).toHaveLength(1);
    expect(s.sae.callsTo('DescribeChangeOrder')).toEqual([]);
    // And the abort itself was never repeated.
    expect(s.mutations().filter((c) => c.query.ChangeOrderId === co)).toEqual([]);
  });

  test('rollback-failed: SAE says status 10; the message says what a human must do', async () => {
    s.sae.setAbortProgress({
      mode: 'terminating',
      terminatingMs: 10_000,
      end: 'failed',
      systemFailure: true,
    });
    const { co } = await abortedRelease();
    s.clock.advance(31_000);
    await s.tick();
    const [f] = followUpsOf(co);
    expect(f).toMatchObject({ outcome: 'rollback-failed', changeOrderStatus: 10, retryable: false });
    expect(f?.reason).toMatch(/A human is needed now/);
    expect(f?.timeline?.timeToRecoverMs).toBeUndefined();
  });

  test('rollback-stuck: not final after FOLLOW_UP_STUCK_MINUTES; the checks back off meanwhile', async () => {
    s.sae.setAbortProgress({ mode: 'terminating', terminatingMs: 1_000, end: 'stuck' });
    const { co } = await abortedRelease();
    s.sae.clearCalls();
    // Ticks every minute for 12 minutes: the waits (30 s, 60 s, 120 s, 120 s …) need fewer looks than ticks.
    for (let i = 0; i < 12; i++) {
      s.clock.advance(60_000);
      await s.tick();
    }
    const looks = s.sae.callsTo('DescribeChangeOrder').filter((c) => c.query.ChangeOrderId === co).length;
    expect(looks).toBeLessThan(12);
    const [f, ...more] = followUpsOf(co);
    expect(more).toEqual([]);
    expect(f).toMatchObject({ outcome: 'rollback-stuck', changeOrderStatus: 1 });
  });

  test('a follow-up whose publication failed is re-sent by the next run under the same message ID', async () => {
    const { co } = await abortedRelease();
    s.mns.injectFault({ kind: 'status', status: 503 });
    s.clock.advance(31_000);
    await s.tick();
    expect(followUpsOf(co)).toEqual([]);
    s.mns.clearFaults();
    s.clock.advance(60_000);
    await s.tick();
    await s.tick();
    const fs = followUpsOf(co);
    expect(fs.map((o) => o.outcome)).toEqual(['recovered']);
  });

  test('recovered after a CloudMonitor alarm says whether the alarm is back to OK', async () => {
    const cms = (appId: string, state: string) => ({
      alertName: 'SAE 5xx',
      alertState: state,
      triggerLevel: 'CRITICAL',
      ruleId: 'rule-5xx',
      curValue: '7.5',
      namespace: 'acs_serverless',
      dimensions: `{appId=${appId}}`,
      timestamp: String(Math.floor(s.clock.now() / 1000)),
    });
    const run = async (clears: boolean) => {
      const appId = newAppId('cleared');
      s.sae.seedApp({ appId, versions: ['v1'] });
      const co = s.sae.startChangeOrder({ appId, toVersion: 'v2' });
      s.clock.advance(5_000);
      expect((await s.alarm(cms(appId, 'ALERT'))).outcomes[0]?.outcome).toBe('aborted');
      s.clock.advance(10_000);
      if (clears) expect((await s.alarm(cms(appId, 'OK'))).ignored).toHaveLength(1);
      s.clock.advance(30_000);
      await s.tick();
      return followUpsOf(co)[0];
    };
    const cleared = await run(true);
    expect(cleared).toMatchObject({
      outcome: 'recovered',
      alarmCleared: true,
      alarm: { source: 'cloudmonitor' },
    });
    expect(cleared?.summary).toMatch(/back to OK/);
    const firing = await run(false);
    expect(firing).toMatchObject({ outcome: 'recovered', alarmCleared: false });
    expect(firing?.summary).toMatch(/not reported OK yet/);
  });
});
