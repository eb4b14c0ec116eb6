import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import { LuaScript, type Redis } from '../idempotency/redis.js';
import {
  type Budget,
  type BudgetLimits,
  type CallKind,
  DEFAULT_BUDGET,
  holdMs,
  type TakeResult,
  tokensNeeded,
} from './budget.js';

/**
 * `decide` from budget.ts, in one atomic script: a sorted set of spent tokens scored by when they
 * were spent. ARGV: now, hold, calls, need (1 for aborts, 1 + reserve for look-ups), member.
 */
const TAKE = new LuaScript(`
local now, hold, calls, need = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - hold)
local free = calls - redis.call('ZCARD', KEYS[1])
if free >= need then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], hold)
  return {1, 0}
end
local idx = need - free - 1
local e = redis.call('ZRANGE', KEYS[1], idx, idx, 'WITHSCORES')
local oldest = tonumber(e[2] or now)
return {0, math.max(1, oldest + hold - now)}`);

/** The account-wide budget shared by every instance through Redis/Tair. */
export class RedisBudget implements Budget {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #limits: BudgetLimits;
  readonly #clock: Clock;

  constructor(opts: {
    redis: Redis;
    key?: string;
    prefix?: string;
    limits?: Partial<BudgetLimits>;
    clock?: Clock;
  }) {
    this.#redis = opts.redis;
    this.#key = `${opts.prefix ?? ''}${opts.key ?? 'sae-rollback:budget:sae'}`;
    this.#limits = { ...DEFAULT_BUDGET, ...opts.limits };
    this.#clock = opts.clock ?? systemClock;
  }

  async take(kind: CallKind): Promise<TakeResult> {
    const l = this.#limits;
    const args = [this.#clock.now(), holdMs(l), l.calls, tokensNeeded(l, kind), randomUUID()];
    const [ok, wait] = (await TAKE.run(this.#redis, [this.#key], args)) as [number, number];
    return ok === 1 ? { ok: true } : { ok: false, retryInMs: Number(wait) };
  }
}
