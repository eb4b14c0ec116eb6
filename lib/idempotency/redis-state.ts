import type { BudgetLimits } from '../budget/budget.js';
import { RedisBudget } from '../budget/redis-budget.js';
import type { Clock } from '../clock.js';
import { connectRedis } from './redis.js';
import { RedisStore } from './redis-store.js';

/**
 * The store and the call budget sharing one Redis connection. Its own module, loaded only with
 * `IDEMPOTENCY_STORE=redis` (lib/runtime.ts imports it dynamically), so ioredis costs nothing otherwise.
 */
export function redisState(opts: {
  url: string;
  timeoutMs: number;
  prefix: string;
  limits: BudgetLimits;
  clock: Clock;
  onError: (err: Error) => void;
}): { store: RedisStore; budget: RedisBudget } {
  const redis = connectRedis({ url: opts.url, timeoutMs: opts.timeoutMs, onError: opts.onError });
  const { prefix, limits, clock } = opts;
  return {
    store: new RedisStore({ redis, prefix, clock, ownsConnection: true }),
    budget: new RedisBudget({ redis, prefix, limits, clock }),
  };
}
