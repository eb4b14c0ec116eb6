import { describe, expect, it } from 'vitest';
import type { Budget } from '../../lib/budget/budget.js';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { RedisBudget } from '../../lib/budget/redis-budget.js';
import { ConfigError, loadConfig } from '../../lib/config.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { RedisStore } from '../../lib/idempotency/redis-store.js';
import type { Store } from '../../lib/idempotency/store.js';
import type { Lazy } from '../../lib/lazy.js';
import { memoryLogger } from '../../lib/log.js';
import { createRuntime } from '../../lib/runtime.js';
import { dropPrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from './redis-helper.js';

const base = { SAE_REGION: 'cn-hangzhou', MNS_ENDPOINT: 'http://127.0.0.1:1' };

describe('choosing the store, budget and valves from configuration', () => {
  it('defaults to the embedded store with the documented limits', () => {
    const config = loadConfig(base);
    expect(config.idempotency).toMatchObject({ store: 'memory', resolutionTtlMs: 10_000 });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: '', timeoutMs: 2_000 });
    expect(config.budget).toEqual({ calls: 50, windowMs: 60_000, abortReserve: 10, maxAttempts: 4 });
    expect(config.valves).toEqual({
      cooldownMs: 900_000,
      globalCap: 10,
      globalWindowMs: 600_000,
      flapChanges: 4,
      flapWindowMs: 1_800_000,
    });
    const rt = createRuntime(config, { logger: memoryLogger('error') });
    expect(rt.store).toBeInstanceOf(MemoryStore);
    expect(rt.budget).toBeInstanceOf(MemoryBudget);
  });

  it('shares Redis for the store and the budget with IDEMPOTENCY_STORE=redis', async () => {
    const prefix = uniquePrefix('select');
    const rt = createRuntime(
      loadConfig({
        ...base,
        IDEMPOTENCY_STORE: 'redis',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
      }),
      { logger: memoryLogger('error') },
    );
    try {
      // Loaded on first use, so a memory-store cold start never evaluates ioredis.
      expect(await (rt.store as Lazy<Store>).loaded()).toBeInstanceOf(RedisStore);
      expect(await (rt.budget as Lazy<Budget>).loaded()).toBeInstanceOf(RedisBudget);
      expect(await rt.store.claim('sae-rollback:co:selection', 1_000)).toMatchObject({ status: 'claimed' });
      expect(await rt.store.claim('sae-rollback:co:selection', 1_000)).toMatchObject({
        status: 'in-progress',
      });
      expect((await rt.budget.take('abort')).ok).toBe(true);
      const redis = testRedis();
      try {
        expect(await redis.exists(`${prefix}sae-rollback:co:selection`)).toBe(1);
        expect(await redis.zcard(`${prefix}sae-rollback:budget:sae`)).toBe(1);
      } finally {
        await dropPrefix(redis, prefix);
        await redis.quit();
      }
    } finally {
      await rt.store.close?.();
    }
    // One connection for both, owned by the store: closing the store closes the budget's too.
    await expect(rt.budget.take('abort')).rejects.toThrow(/closed/i);
  });

  it('names a bad Redis URL without printing it (it may hold a password)', () => {
    const run = () => loadConfig({ ...base, REDIS_URL: 'http://user:hunter2@r-x:6379' });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/REDIS_URL \(a \d+-character value\): must be a redis:\/\//);
    expect(run).not.toThrow(/hunter2/);
  });
});
