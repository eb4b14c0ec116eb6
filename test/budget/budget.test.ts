import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { decide, holdMs } from '../../lib/budget/budget.js';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { RedisBudget } from '../../lib/budget/redis-budget.js';
import { ManualClock } from '../../lib/clock.js';
import { dropPrefix, testRedis, uniquePrefix } from '../idempotency/redis-helper.js';
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
  return { budget: new MemoryBudget({ limits: LIMITS, clock }), advance: async (ms) => clock.advance(ms) };
});

describeBudgetContract('redis', async () => ({
  budget: new RedisBudget({ redis, prefix, key: `budget-${++n}`, limits: LIMITS }),
  advance: (ms) => sleep(ms),
}));

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
