import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { ResolutionBusyError, ResolutionCache, type Shared } from '../../lib/idempotency/resolution-cache.js';
import { sharedStateOf } from './shared-state.js';

const APP = 'app-1';
/** A second kind of shared answer, as lib/rollback/running.ts shares the running change order. */
const RUNNING: Shared<{ co: string }> = {
  name: 'running',
  parse: (v) => (typeof v === 'object' && v !== null && 'co' in v ? (v as { co: string }) : undefined),
};

/** A look-up that answers only when told to. */
function held<T>(value: T) {
  let calls = 0;
  let release: () => void = () => undefined;
  const lookup = () => {
    calls += 1;
    return new Promise<T>((resolve) => {
      release = () => resolve(value);
    });
  };
  return { lookup, calls: () => calls, release: () => release() };
}

const settle = () => new Promise((r) => setImmediate(r));
const status = { appId: APP, lastChangeOrderId: 'co-1', lastChangeOrderRunning: true };

describe('ResolutionCache.share: each kind of answer on its own', () => {
  it('one instance: a look-up in flight for one kind does not answer another kind', async () => {
    const clock = new ManualClock();
    const cache = new ResolutionCache({ store: new MemoryStore({ clock }), ttlMs: 60_000, clock });
    const running = held({ co: 'co-9' });
    const first = cache.share(RUNNING, APP, running.lookup, clock.now() + 5_000);
    const second = cache.resolve(APP, async () => status, clock.now() + 5_000);
    await settle();
    running.release();
    expect(await first).toEqual({ value: { co: 'co-9' }, cached: false });
    expect(await second).toEqual({ status, cached: false });
    expect(running.calls()).toBe(1);
  });

  it('instances sharing a store lock each kind under its own key, the status under the plain one', async () => {
    const clock = new ManualClock();
    const memory = new MemoryStore({ clock });
    const a = new ResolutionCache({ store: memory, ttlMs: 60_000, clock });
    const b = new ResolutionCache({ store: memory, ttlMs: 60_000, clock });
    const running = held({ co: 'co-9' });
    const pendingRunning = a.share(RUNNING, APP, running.lookup, clock.now() + 5_000);
    await settle();
    expect(await memory.getValue(`sae-rollback:app:${APP}:resolving:running`)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await memory.getValue(`sae-rollback:app:${APP}:resolving`)).toBeUndefined();

    // B's status look-up does not wait for A's lock on the other kind.
    const statusLookup = held(status);
    const pendingStatus = b.resolve(APP, statusLookup.lookup, clock.now() + 5_000);
    await settle();
    expect(statusLookup.calls()).toBe(1);
    expect(await memory.getValue(`sae-rollback:app:${APP}:resolving`)).toMatch(/^[0-9a-f-]{36}$/);
    statusLookup.release();
    running.release();
    expect((await pendingStatus).cached).toBe(false);
    expect((await pendingRunning).cached).toBe(false);
    expect(await memory.getValue(`sae-rollback:app:${APP}:running`)).toBe('{"co":"co-9"}');
  });

  it('by default waits in real time between polls, then gives up at the deadline', async () => {
    const memory = new MemoryStore();
    let polls = 0;
    const store = sharedStateOf(memory, {
      getValue: (k) => {
        if (k.endsWith(':status')) polls += 1;
        return memory.getValue(k);
      },
    });
    const holder = new ResolutionCache({ store, ttlMs: 60_000 });
    const waiter = new ResolutionCache({ store, ttlMs: 60_000, pollMs: 10 });
    const slow = held(status);
    const first = holder.resolve(APP, slow.lookup, Date.now() + 5_000);
    await settle();
    polls = 0;
    const started = Date.now();
    await expect(waiter.resolve(APP, async () => status, Date.now() + 60)).rejects.toBeInstanceOf(
      ResolutionBusyError,
    );
    // A poll every 10 ms for ~60 ms: a handful, not a busy loop; and the time really passed.
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThan(15);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    slow.release();
    expect((await first).cached).toBe(false);
  });
});
