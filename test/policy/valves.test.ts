import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { alarmKey, normalizeState, Valves } from '../../lib/policy/valves.js';

describe('Valves', () => {
  let clock: ManualClock;
  let store: MemoryStore;
  let valves: Valves;
  const alarm = { source: 'cloudmonitor', name: 'checkout 5xx', ruleId: 'rule-1' };
  const subject = (state?: string) => ({ alarm: { ...alarm, ...(state ? { state } : {}) }, appId: 'app-1' });

  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryStore({ clock });
    valves = new Valves({
      store,
      settings: {
        cooldownMs: 60_000,
        globalCap: 2,
        globalWindowMs: 600_000,
        flapChanges: 3,
        flapWindowMs: 900_000,
      },
    });
  });

  it('admits the first rollback of an app and cools the app down for the next change order', async () => {
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 })).ok).toBe(true);
    const second = await valves.admit({ appId: 'app-1', changeOrderId: 'co-2', changes: 0 });
    expect(second).toMatchObject({ ok: false, valve: 'cool-down' });
    if (!second.ok) expect(second.reason).toMatch(/app-1 was rolled back less than 1 min ago/);
    clock.advance(60_001);
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-2', changes: 0 })).ok).toBe(true);
  });

  it('admits the same change order again (a redelivery after a crashed holder)', async () => {
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 })).ok).toBe(true);
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 })).ok).toBe(true);
  });

  it('gives the cool-down and the cap slot back when the rollback did not happen', async () => {
    const a = await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 });
    if (!a.ok) throw new Error('expected admission');
    await a.undo();
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-2', changes: 0 })).ok).toBe(true);
    expect((await valves.admit({ appId: 'app-2', changeOrderId: 'co-3', changes: 0 })).ok).toBe(true);
  });

  it('trips the circuit breaker after the global cap, and closes it when the window moves on', async () => {
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 0 })).ok).toBe(true);
    expect((await valves.admit({ appId: 'app-2', changeOrderId: 'co-2', changes: 0 })).ok).toBe(true);
    const third = await valves.admit({ appId: 'app-3', changeOrderId: 'co-3', changes: 0 });
    expect(third).toMatchObject({ ok: false, valve: 'global-cap' });
    // The refused app is not left cooling down: it may go as soon as the breaker closes.
    clock.advance(600_001);
    expect((await valves.admit({ appId: 'app-3', changeOrderId: 'co-3', changes: 0 })).ok).toBe(true);
  });

  it('counts ALERT/OK changes of one alarm and calls it flapping at the threshold', async () => {
    expect(await valves.observe(subject('ALERT'))).toBe(0);
    expect(await valves.observe(subject())).toBe(0); // a repeat (no state: an alert) is no change
    expect(await valves.observe(subject('OK'))).toBe(1);
    expect(await valves.observe(subject('ALARM'))).toBe(2);
    expect(await valves.observe(subject('resolved'))).toBe(3);
    const changes = await valves.observe(subject('ALERT'));
    expect(changes).toBe(4);
    const r = await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes });
    expect(r).toMatchObject({ ok: false, valve: 'flapping' });
    clock.advance(900_001);
    expect(await valves.observe(subject('ALERT'))).toBe(0);
  });

  it('refuses at exactly the threshold of changes, not one below, and says how many and within what', async () => {
    expect((await valves.admit({ appId: 'app-1', changeOrderId: 'co-1', changes: 2 })).ok).toBe(true);
    const r = await valves.admit({ appId: 'app-2', changeOrderId: 'co-2', changes: 3 });
    expect(r).toMatchObject({ ok: false, valve: 'flapping' });
    if (!r.ok) expect(r.reason).toMatch(/changed state 3 times within 15 min/);
  });

  it('slides the flapping window: old changes age out one by one, recent ones still count', async () => {
    expect(await valves.observe(subject('ALERT'))).toBe(0);
    expect(await valves.observe(subject('OK'))).toBe(1); // t = 0
    clock.advance(600_000);
    expect(await valves.observe(subject('ALERT'))).toBe(2); // t = 10 min
    clock.advance(300_001); // t = 15 min: the first change has left the 15-minute window, the second not
    expect(await valves.observe(subject('OK'))).toBe(2);
  });

  it('reads only whole OK words as OK (an "OK" inside another state is still an alert)', () => {
    expect(normalizeState(' Resolved ')).toBe('OK');
    expect(normalizeState('inactive')).toBe('OK');
    for (const st of ['NOT_OK', 'ok_but_degraded', 'unresolved', 'abnormal', undefined])
      expect(normalizeState(st), String(st)).toBe('ALERT');
  });

  it('keeps alarms apart by rule and target, and ignores alarms with no name', async () => {
    expect(alarmKey(subject())).not.toBe(alarmKey({ ...subject(), appId: 'app-2' }));
    expect(alarmKey({ alarm: { source: 'direct' }, appId: 'app-1' })).toBeUndefined();
    expect(await valves.observe({ alarm: { source: 'direct', state: 'OK' }, appId: 'app-1' })).toBe(0);
    expect(normalizeState('OK')).toBe('OK');
    expect(normalizeState('CRITICAL')).toBe('ALERT');
  });

  it('turns each valve off with 0', async () => {
    const open = new Valves({ store, settings: { cooldownMs: 0, globalCap: 0, flapChanges: 0 } });
    for (let i = 0; i < 5; i++) {
      expect((await open.admit({ appId: 'app-1', changeOrderId: `co-${i}`, changes: 99 })).ok).toBe(true);
    }
    expect(await open.observe(subject('OK'))).toBe(0);
  });
});
