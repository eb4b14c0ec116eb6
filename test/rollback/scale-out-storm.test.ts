// SAE's auto scaling starts a CoScaleOut under the same load that fires the alarms: a storm of alarms
// for the app must not abort it (the emulator's autoScaleOut puts it in the middle of the storm).
import { afterEach, describe, expect, it } from 'vitest';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

describe('an alarm storm while the app scales out by itself', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('never aborts the scale-out, whenever it starts', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800', COOLDOWN_SECONDS: '0' });
    const appId = newAppId('storm');
    s.sae.seedApp({ appId, versions: ['v1', 'v2'], history: true });
    s.sae.autoScaleOut(appId, { afterCalls: 3, instances: 2 });

    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await s.alarm({ appId, alarmName: `5xx ${i % 3}` });
      outcomes.push(res.outcomes[0]?.outcome ?? '-');
      s.clock.advance(3_000);
    }

    const scaleOut = s.sae.snapshot().changeOrders.find((c) => c.coTypeCode === 'CoScaleOut');
    expect(scaleOut).toMatchObject({ status: 1, source: 'system' });
    expect(s.mutations()).toEqual([]);
    expect(outcomes.slice(0, 4)).toEqual(Array(4).fill('no-running-change-order')); // idle, then it starts
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(1); // "not a release", published once
    expect(outcomes.slice(5).every((o) => o === 'duplicate')).toBe(true);
    expect(s.sae.getApp(appId)?.runningInstances).toBe(4);
  });
});
