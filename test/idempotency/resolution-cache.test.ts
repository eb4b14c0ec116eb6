import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { RedisStore } from '../../lib/idempotency/redis-store.js';
import { ResolutionBusyError, ResolutionCache } from '../../lib/idempotency/resolution-cache.js';
import type { ApplicationStatus } from '../../lib/sae/types.js';
import { dropPrefix, testRedis, uniquePrefix } from './redis-helper.js';
import { sharedStateOf } from './shared-state.js';

const redis = testRedis();
const prefix = uniquePrefix('resolve');
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

let n = 0;
const status = (appId: string): ApplicationStatus => ({
  appId,
  lastChangeOrderId: `co-of-${appId}`,
  lastChangeOrderRunning: true,
});

/** Two instances, as two FC instances would have, sharing one Redis. */
function twoInstances(ttlMs = 5_000) {
  const store = new RedisStore({ redis, prefix });
  return [
    new ResolutionCache({ store, ttlMs, pollMs: 10 }),
    new ResolutionCache({ store, ttlMs, pollMs: 10 }),
  ];
}

describe('ResolutionCache over Redis (single flight across instances)', () => {
  it('looks an app up once for many concurrent alarms on two instances', async () => {
    const appId = `app-${++n}`;
    let lookups = 0;
    const lookup = async () => {
      lookups += 1;
      await sleep(50);
      return status(appId);
    };
    const [a, b] = twoInstances();
    const deadline = Date.now() + 5_000;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b)?.resolve(appId, lookup, deadline)),
    );
    expect(lookups).toBe(1);
    expect(new Set(results.map((r) => r?.status.lastChangeOrderId))).toEqual(new Set([`co-of-${appId}`]));
    expect(results.filter((r) => r && !r.cached)).toHaveLength(1);
  });

  it('lets a waiting instance take over when the look-up fails', async () => {
    const appId = `app-${++n}`;
    let lookups = 0;
    const lookup = async () => {
      lookups += 1;
      await sleep(30);
      if (lookups === 1) throw new Error('SAE said no');
      return status(appId);
    };
    const [a, b] = twoInstances();
    const deadline = Date.now() + 5_000;
    const [first, second] = await Promise.allSettled([
      a?.resolve(appId, lookup, deadline),
      sleep(5).then(() => b?.resolve(appId, lookup, deadline)),
    ]);
    expect(first.status).toBe('rejected');
    expect(second).toMatchObject({ status: 'fulfilled', value: { status: status(appId) } });
    expect(lookups).toBe(2);
  });

  it('gives up with ResolutionBusyError when the other look-up outlasts the deadline', async () => {
    const appId = `app-${++n}`;
    const [a, b] = twoInstances();
    const slow = a?.resolve(appId, () => sleep(300).then(() => status(appId)), Date.now() + 5_000);
    await sleep(20);
    await expect(b?.resolve(appId, async () => status(appId), Date.now() + 50)).rejects.toBeInstanceOf(
      ResolutionBusyError,
    );
    await slow;
  });

  it('forgets the answer after its TTL', async () => {
    const appId = `app-${++n}`;
    let lookups = 0;
    const lookup = async () => {
      lookups += 1;
      return status(appId);
    };
    const [a] = twoInstances(100);
    await a?.resolve(appId, lookup, Date.now() + 1_000);
    await a?.resolve(appId, lookup, Date.now() + 1_000);
    expect(lookups).toBe(1);
    await sleep(150);
    await a?.resolve(appId, lookup, Date.now() + 1_000);
    expect(lookups).toBe(2);
  });

  it('does not look up again when the answer landed between its miss and its lease', async () => {
    const appId = `app-${++n}`;
    const store = new MemoryStore();
    await store.putValue(`sae-rollback:app:${appId}:status`, JSON.stringify(status(appId)), 5_000);
    // The first read is stale (the other holder had not written yet); the lease is then free.
    let reads = 0;
    const racy = sharedStateOf(store, {
      getValue: async (key) => (++reads === 1 ? undefined : store.getValue(key)),
    });
    let lookups = 0;
    const cache = new ResolutionCache({ store: racy, ttlMs: 5_000 });
    const r = await cache.resolve(
      appId,
      async () => {
        lookups += 1;
        return status(appId);
      },
      Date.now() + 1_000,
    );
    expect(lookups).toBe(0);
    expect(r.cached).toBe(true);
  });
});
