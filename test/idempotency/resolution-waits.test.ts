import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { ResolutionBusyError, ResolutionCache } from '../../lib/idempotency/resolution-cache.js';
import type { ApplicationStatus } from '../../lib/sae/types.js';
import { sharedStateOf } from './shared-state.js';

const status = (appId: string): ApplicationStatus => ({
  appId,
  lastChangeOrderId: `co-of-${appId}`,
  lastChangeOrderRunning: true,
});

/** A look-up that answers only when told to (or never): a slow SAE, or a holder that died. */
function pending(appId: string) {
  let calls = 0;
  let answer: (s: ApplicationStatus) => void = () => undefined;
  const lookup = () => {
    calls += 1;
    return new Promise<ApplicationStatus>((resolve) => {
      answer = resolve;
    });
  };
  return { lookup, calls: () => calls, answer: () => answer(status(appId)) };
}

/**
 * Instances sharing one store on one manual clock; each records how long it waited between polls
 * (its sleep lets that time pass on the clock), and the store counts the leases taken.
 */
function world() {
  const clock = new ManualClock();
  const memory = new MemoryStore({ clock });
  let leases = 0;
  const store = sharedStateOf(memory, {
    lease: (k, h, t) => {
      leases += 1;
      return memory.lease(k, h, t);
    },
  });
  const instance = (pollMs?: number) => {
    const slept: number[] = [];
    const cache = new ResolutionCache({
      store,
      ttlMs: 60_000,
      clock,
      ...(pollMs === undefined ? {} : { pollMs }),
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    return { cache, slept };
  };
  return { clock, memory, instance, leases: () => leases };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ResolutionCache: waiting for another instance’s look-up', () => {
  it('polls every 50 ms by default and gives up before the deadline would pass', async () => {
    const w = world();
    const holder = pending('app-1');
    void w.instance().cache.resolve('app-1', holder.lookup, w.clock.now() + 60_000);
    await settle();
    const waiter = w.instance();
    const err = await waiter.cache
      .resolve('app-1', async () => status('app-1'), w.clock.now() + 100)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolutionBusyError);
    expect((err as Error).name).toBe('ResolutionBusyError');
    expect((err as Error).message).toBe('Another delivery is still resolving app app-1; try again.');
    // At 0 and 50 another poll still ends by the deadline (100); at 100 it would not.
    expect(waiter.slept).toEqual([50, 50]);
  });

  it('polls at the configured interval', async () => {
    const w = world();
    void w.instance().cache.resolve('app-2', pending('app-2').lookup, w.clock.now() + 60_000);
    await settle();
    const waiter = w.instance(30);
    await expect(waiter.cache.resolve('app-2', pending('app-2').lookup, w.clock.now() + 90)).rejects.toThrow(
      ResolutionBusyError,
    );
    expect(waiter.slept).toEqual([30, 30, 30]);
  });

  it('takes the look-up over when the holder’s lease runs out: as long as the holder had left', async () => {
    const w = world();
    const dead = pending('app-3');
    // The holder's invocation may run 5 s; its lease lasts that long, then it is presumed dead.
    void w.instance().cache.resolve('app-3', dead.lookup, w.clock.now() + 5_000);
    await settle();
    const waiter = w.instance(100);
    const r = await waiter.cache.resolve('app-3', async () => status('app-3'), w.clock.now() + 20_000);
    expect(r).toEqual({ status: status('app-3'), cached: false });
    expect(waiter.slept.reduce((a, b) => a + b, 0)).toBe(5_000);
  });

  it('holds the lease at least a second even when the holder’s deadline is nearer', async () => {
    const w = world();
    void w.instance().cache.resolve('app-4', pending('app-4').lookup, w.clock.now() + 10);
    await settle();
    const waiter = w.instance(100);
    await waiter.cache.resolve('app-4', async () => status('app-4'), w.clock.now() + 20_000);
    expect(waiter.slept.reduce((a, b) => a + b, 0)).toBe(1_000);
  });

  it('does not make one app wait for another app’s look-up', async () => {
    const w = world();
    void w.instance().cache.resolve('app-5', pending('app-5').lookup, w.clock.now() + 60_000);
    await settle();
    const other = w.instance();
    const r = await other.cache.resolve('app-6', async () => status('app-6'), w.clock.now() + 1_000);
    expect(r).toEqual({ status: status('app-6'), cached: false });
    expect(other.slept).toEqual([]);
  });

  it('joins a look-up already running in this instance without polling the store', async () => {
    const w = world();
    const one = w.instance();
    const slow = pending('app-7');
    const first = one.cache.resolve('app-7', slow.lookup, w.clock.now() + 60_000);
    const second = one.cache.resolve('app-7', slow.lookup, w.clock.now() + 60_000);
    await settle();
    slow.answer();
    expect(await first).toEqual({ status: status('app-7'), cached: false });
    expect(await second).toEqual({ status: status('app-7'), cached: true });
    expect(slow.calls()).toBe(1);
    expect(one.slept).toEqual([]);
    expect(w.leases()).toBe(1);
  });
});

describe('ResolutionCache: what counts as a cached answer', () => {
  it('answers from the cache with one read: no lease, no look-up', async () => {
    const w = world();
    await w.memory.putValue('sae-rollback:app:app-8:status', JSON.stringify(status('app-8')), 60_000);
    const lookup = pending('app-8');
    const r = await w.instance().cache.resolve('app-8', lookup.lookup, w.clock.now() + 1_000);
    expect(r).toEqual({ status: status('app-8'), cached: true });
    expect(lookup.calls()).toBe(0);
    expect(w.leases()).toBe(0);
  });

  it('looks up again over a cached value that is not JSON, or not a status', async () => {
    for (const junk of ['{not json', '{"appId":"app-9"}', '[]']) {
      const w = world();
      await w.memory.putValue('sae-rollback:app:app-9:status', junk, 60_000);
      const r = await w.instance().cache.resolve('app-9', async () => status('app-9'), w.clock.now() + 1_000);
      expect(r, junk).toEqual({ status: status('app-9'), cached: false });
      expect(JSON.parse((await w.memory.getValue('sae-rollback:app:app-9:status')) ?? '')).toEqual(
        status('app-9'),
      );
    }
  });
});
