import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { makeOutcome } from '../helpers/outcome.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory', async () => {
  const clock = new ManualClock();
  return { store: new MemoryStore({ clock }), advance: async (ms) => clock.advance(ms) };
});

describe('memory store purges what expired', () => {
  it('drops expired outcomes, values and claims of keys never read again', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock, sweepEveryMs: 1_000 });
    for (let i = 0; i < 100; i++) {
      const c = await store.claim(`co:${i}`, 5_000);
      if (c.status !== 'claimed') throw new Error('expected a claim');
      await store.complete(`co:${i}`, c.token, makeOutcome(), 10_000);
      await store.putValue(`resolution:${i}`, 'x', 10_000);
    }
    expect(store.held).toBe(200);

    clock.advance(10_001);
    await store.putValue('fresh', 'y', 10_000);

    expect(store.held).toBe(1);
    expect(await store.getValue('fresh')).toBe('y');
  });
});

describe('memory store: a sweep keeps what has not expired', () => {
  it('drops only the expired claims, values and alarm states, and keeps slots still taken', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock, sweepEveryMs: 1_000 });
    const done = await store.claim('co:long', 60_000);
    if (done.status !== 'claimed') throw new Error('expected a claim');
    await store.complete('co:long', done.token, makeOutcome(), 60_000);
    await store.claim('co:short', 500);
    await store.putValue('value:long', 'kept', 60_000);
    await store.putValue('value:short', 'gone', 500);
    await store.recordState('alarm:long', 'ALERT', 60_000);
    await store.recordState('alarm:short', 'ALERT', 500);
    expect(await store.takeSlot('cap', 'co:long', 1, 60_000)).toBe(true);
    expect(store.held).toBe(7);

    clock.advance(1_001);
    await store.putValue('trigger', 'sweep', 60_000); // a write after the interval sweeps

    // The three short ones went; the long ones and the new value stayed, without being read.
    expect(store.held).toBe(5);
    expect(await store.takeSlot('cap', 'co:other', 1, 60_000)).toBe(false);
    expect((await store.claim('co:long', 60_000)).status).toBe('completed');
    expect(await store.getValue('value:long')).toBe('kept');
    clock.advance(10);
    expect(await store.recordState('alarm:long', 'OK', 60_000)).toBe(1);
  });
});

describe('memory store: expiry to the millisecond', () => {
  it('forgets a claim, value, set, lease or slot exactly when its time is up', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.claim('claim', 100);
    await store.putValue('value', 'v', 100);
    await store.addMember('set', 'm', 100);
    expect(await store.lease('lease', 'h1', 100)).toBe(true);
    expect(await store.takeSlot('slots', 'm1', 1, 100)).toBe(true);
    clock.advance(99);
    expect((await store.claim('claim', 100)).status).toBe('in-progress');
    expect(await store.getValue('value')).toBe('v');
    expect(await store.members('set')).toEqual(['m']);
    expect(await store.lease('lease', 'h2', 100)).toBe(false);
    expect(await store.takeSlot('slots', 'm2', 1, 100)).toBe(false);
    clock.advance(1);
    expect((await store.claim('claim', 100)).status).toBe('claimed');
    expect(await store.getValue('value')).toBeUndefined();
    expect(await store.members('set')).toEqual([]);
    expect(await store.lease('lease', 'h2', 100)).toBe(true);
    expect(await store.takeSlot('slots', 'm2', 1, 100)).toBe(true);
  });

  it('slides the flapping window: changes older than the window stop counting', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    expect(await store.recordState('alarm', 'ALERT', 300)).toBe(0);
    clock.advance(10);
    expect(await store.recordState('alarm', 'OK', 300)).toBe(1);
    clock.advance(10);
    expect(await store.recordState('alarm', 'ALERT', 300)).toBe(2);
    // 300 ms after the first change: it has left the window, the second has not.
    clock.advance(290);
    expect(await store.recordState('alarm', 'OK', 300)).toBe(2);
  });

  it('starts the count afresh once a whole window passed without a sighting', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.recordState('alarm', 'ALERT', 300);
    clock.advance(10);
    expect(await store.recordState('alarm', 'OK', 300)).toBe(1);
    clock.advance(300);
    // Not a change from OK: the last sighting is forgotten with its window.
    expect(await store.recordState('alarm', 'ALERT', 300)).toBe(0);
  });

  it('ignores releasing, notifying, delivering or removing what it does not hold', async () => {
    const store = new MemoryStore({ clock: new ManualClock() });
    expect(await store.release('never-claimed', 'token')).toBe(false);
    await store.markNotified('never-claimed');
    await store.markDelivered('never-claimed', ['mns']);
    await store.releaseSlot('no-slots', 'm');
    await store.removeMembers('no-set', ['m']);
    expect(await store.get('never-claimed')).toBeUndefined();
    expect(await store.members('no-set')).toEqual([]);
    expect(await store.takeSlot('no-slots', 'm', 1, 1_000)).toBe(true);
  });
});

describe('memory store: how often it sweeps', () => {
  /** A store holding one of each expiring kind, all expired at `clock` + 100. */
  async function filled(clock: ManualClock, sweepEveryMs?: number) {
    const store = new MemoryStore({ clock, ...(sweepEveryMs === undefined ? {} : { sweepEveryMs }) });
    await store.claim('claim', 100);
    await store.putValue('value', 'v', 100);
    await store.recordState('toggle', 'ALERT', 100);
    await store.takeSlot('slots', 'm', 1, 100);
    await store.releaseSlot('slots', 'm');
    expect(store.held).toBe(4);
    return store;
  }

  it('drops expired claims, values, toggles and emptied slot maps on a write, keeping what lives', async () => {
    const clock = new ManualClock();
    const store = await filled(clock, 100);
    clock.advance(100);
    await store.putValue('fresh', 'y', 1);
    expect(store.held).toBe(1);
    expect(await store.getValue('fresh')).toBe('y');
  });

  for (const [label, option, interval] of [
    ['default 1 s', undefined, 1_000],
    ['configured', 5_000, 5_000],
  ] as const) {
    it(`sweeps at most once per sweepEveryMs (${label})`, async () => {
      const clock = new ManualClock();
      const store = await filled(clock, option);
      /** Lets `ms` pass, writes, and says how much the store then holds. */
      const writeAfter = async (ms: number, key: string) => {
        clock.advance(ms);
        await store.putValue(key, 'x', 60_000);
        return store.held;
      };
      // The first write swept (nothing had expired); the next sweep is due one interval later.
      expect(await writeAfter(interval - 1, 'w1')).toBe(5);
      expect(await writeAfter(1, 'w2')).toBe(2);
      // The next is due one interval after that sweep, not after the first.
      await store.claim('c2', 1);
      expect(await writeAfter(interval - 1, 'w3')).toBe(4);
      expect(await writeAfter(1, 'w4')).toBe(4);
    });
  }

  it('counts only live idempotency keys in size', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock, sweepEveryMs: 1_000_000 });
    await store.claim('short', 100);
    await store.claim('long', 1_000);
    await store.putValue('value', 'v', 1_000);
    expect(store.size).toBe(2);
    clock.advance(100);
    expect(store.size).toBe(1);
  });
});
