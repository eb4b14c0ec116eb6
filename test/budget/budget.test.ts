import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, decide, holdMs } from '../../lib/budget/budget.js';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { RedisBudget } from '../../lib/budget/redis-budget.js';
import { ManualClock } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { memoryLogger } from '../../lib/log.js';
import { createRuntime } from '../../lib/runtime.js';
import { dropPrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from '../idempotency/redis-helper.js';
import { describeBudgetContract, LIMITS } from './budget-contract.js';

const redis = testRedis();
const prefix = uniquePrefix('budget');
let n = 0;
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describeBudgetContract('memory', async () => {
  const clock = new ManualClock();
  return { budget: new MemoryBudget({ limits: LIMITS, clock }), advance: (ms) => clock.advance(ms) };
});

describeBudgetContract('redis', async () => {
  const clock = new ManualClock();
  return {
    budget: new RedisBudget({ redis, prefix, key: `budget-${++n}`, limits: LIMITS, clock }),
    advance: (ms) => clock.advance(ms),
  };
});

describe('the bucket rule', () => {
  it('holds a spent token a little longer than a window, so in-flight calls cannot overlap windows', () => {
    expect(holdMs({ calls: 50, windowMs: 60_000, abortReserve: 10 })).toBe(62_000);
    expect(holdMs({ calls: 10, windowMs: 1_000, abortReserve: 3 })).toBe(1_100);
  });

  it('tells a refused look-up when enough tokens come back for it', () => {
    const limits = { calls: 4, windowMs: 1_000, abortReserve: 1 };
    // 4 spent at 0, 10, 20, 30: a look-up needs 2 free, i.e. the second-oldest back at 10 + 1 100.
    const r = decide([0, 10, 20, 30], 500, limits, 'lookup');
    expect(r).toEqual({ ok: false, retryInMs: 10 + 1_100 - 500 });
    expect(decide([0, 10, 20, 30], 500, limits, 'abort')).toEqual({ ok: false, retryInMs: 600 });
  });

  it('never lets the reserve swallow the whole budget', () => {
    expect(decide([], 0, { calls: 1, windowMs: 1_000, abortReserve: 5 }, 'lookup').ok).toBe(true);
  });
});

describe('the Redis budget key', () => {
  const base = { SAE_REGION: 'cn-hangzhou', MNS_ENDPOINT: 'http://127.0.0.1:1' };
  const runtimeWith = (keyPrefix: string) =>
    createRuntime(
      loadConfig({
        ...base,
        IDEMPOTENCY_STORE: 'redis',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: keyPrefix,
      }),
      { logger: memoryLogger('error') },
    );

  it('lives under REDIS_KEY_PREFIX, so deployments sharing one Redis keep separate budgets', async () => {
    const mine = `${prefix}env-a:`;
    const theirs = `${prefix}env-b:`;
    const a = runtimeWith(mine);
    const b = runtimeWith(theirs);
    try {
      expect((await a.budget.take('abort')).ok).toBe(true);
      expect((await a.budget.take('lookup')).ok).toBe(true);
      expect((await b.budget.take('abort')).ok).toBe(true);
      expect(await redis.zcard(`${mine}sae-rollback:budget:sae`)).toBe(2);
      expect(await redis.zcard(`${theirs}sae-rollback:budget:sae`)).toBe(1);
      // Spent tokens are not kept past their hold (the key expires with the newest of them).
      const ttl = await redis.pttl(`${mine}sae-rollback:budget:sae`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(holdMs(DEFAULT_BUDGET));
    } finally {
      await a.store.close?.();
      await b.store.close?.();
    }
  });

  it('is the key as given when there is no prefix', async () => {
    const key = `${prefix}unprefixed`;
    const budget = new RedisBudget({ redis, key, limits: LIMITS });
    expect((await budget.take('abort')).ok).toBe(true);
    expect(await redis.zcard(key)).toBe(1);
  });
});
