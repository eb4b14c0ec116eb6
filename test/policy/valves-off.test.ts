import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { Valves } from '../../lib/policy/valves.js';

const on = {
  cooldownMs: 60_000,
  globalCap: 1,
  globalWindowMs: 120_000,
  flapChanges: 2,
  flapWindowMs: 900_000,
};
const setup = (settings: Partial<typeof on>) => {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  return { clock, store, valves: new Valves({ store, settings: { ...on, ...settings } }) };
};
const alarm = { alarm: { source: 'cloudmonitor', ruleId: 'rule-1', state: 'ALERT' }, appId: 'app-1' };

describe('Valves turned off with 0', () => {
  it('flapChanges 0: observations are not counted, and a toggling alarm still rolls back', async () => {
    const { valves } = setup({ flapChanges: 0 });
    for (const state of ['ALERT', 'OK', 'ALERT', 'OK']) {
      expect(await valves.observe({ ...alarm, alarm: { ...alarm.alarm, state } })).toBe(0);
    }
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 9 })).ok).toBe(true);
  });

  it('flapChanges 1: a single state change already counts', async () => {
    const { valves } = setup({ flapChanges: 1 });
    await valves.observe(alarm);
    expect(await valves.observe({ ...alarm, alarm: { ...alarm.alarm, state: 'OK' } })).toBe(1);
  });

  it('cooldownMs 0: the same app is rolled back again right away', async () => {
    const { valves } = setup({ cooldownMs: 0, globalCap: 0 });
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 })).ok).toBe(true);
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-2', changes: 0 })).ok).toBe(true);
  });

  it('globalCap 0: no circuit breaker, however many rollbacks', async () => {
    const { valves } = setup({ cooldownMs: 0, globalCap: 0 });
    for (let i = 0; i < 5; i++) {
      expect((await valves.admit({ appId: `app-${i}`, changeOrderId: `co-${i}`, changes: 0 })).ok).toBe(true);
    }
  });
});

describe('the circuit breaker gives back the cool-down it took', () => {
  it('an app refused by the cap is not cooled down: once the window passes it rolls back', async () => {
    const { valves, clock } = setup({ cooldownMs: 600_000, globalCap: 1, globalWindowMs: 60_000 });
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 })).ok).toBe(true);
    const capped = await valves.admit({ appId: 'app-2', changeOrderId: 'co-2', changes: 0 });
    expect(capped).toMatchObject({ ok: false, valve: 'global-cap' });
    if (!capped.ok) {
      expect(capped.reason).toBe(
        'Already 1 rollbacks within 1 min (circuit breaker): when everything alarms, the cause is rarely the releases. Check monitoring and shared dependencies; roll back by hand if needed.',
      );
    }
    clock.advance(60_001);
    expect((await valves.admit({ appId: 'app-2', changeOrderId: 'co-3', changes: 0 })).ok).toBe(true);
  });

  it('undo with the cool-down off gives back only the cap slot', async () => {
    const { valves } = setup({ cooldownMs: 0, globalCap: 1 });
    const first = await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 });
    if (!first.ok) throw new Error('not admitted');
    await first.undo();
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-2', changes: 0 })).ok).toBe(true);
  });
});
