import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/idempotency/redis-store.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { dropPrefix, testRedis, uniquePrefix } from './redis-helper.js';
import { describeStoreContract, sampleOutcome } from './store-contract.js';

const redis = testRedis();
const prefix = uniquePrefix('store');
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describeStoreContract('redis', async () => ({
  store: new RedisStore({ redis, prefix }),
  advance: (ms) => sleep(ms),
}));

describe('RedisStore on the server', () => {
  it('keeps records under its prefix, with the claim expiry and then the retention TTL', async () => {
    const store = new RedisStore({ redis, prefix });
    const key = changeOrderKey(`ttl-${Date.now()}`);
    const c = await store.claim(key, 5_000);
    if (c.status !== 'claimed') throw new Error('expected claim');
    const claimTtl = await redis.pttl(prefix + key);
    expect(claimTtl).toBeGreaterThan(0);
    expect(claimTtl).toBeLessThanOrEqual(5_000);
    await store.complete(key, c.token, sampleOutcome(), 3_600_000);
    expect(await redis.pttl(prefix + key)).toBeGreaterThan(5_000);
    expect(await redis.hget(prefix + key, 'state')).toBe('completed');
    expect(await redis.exists(key)).toBe(0);
  });

  it('answers in-progress with the server-side expiry of the holder’s claim', async () => {
    const store = new RedisStore({ redis, prefix });
    const key = changeOrderKey(`exp-${Date.now()}`);
    await store.claim(key, 5_000);
    const again = await store.claim(key, 5_000);
    expect(again.status).toBe('in-progress');
    if (again.status === 'in-progress') {
      expect(again.expiresAt).toBeGreaterThan(Date.now());
      expect(again.expiresAt).toBeLessThanOrEqual(Date.now() + 5_000);
    }
  });
});
