import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import { type Outcome, outcomeSchema } from '../rollback/outcome.js';
import { LuaScript, type Redis } from './redis.js';
import type { ClaimResult, CompletedRecord, Store } from './store.js';

/*
 * A record is a hash: state = in-progress | completed; token (in progress); outcome, notified,
 * delivered (comma-separated channels that took the outcome: the outbox),
 * completedAt (completed). The key's TTL is the claim's expiry, then the retention TTL.
 * Every transition is one script, and every write checks the caller's token first, so a holder whose
 * claim expired (and was taken over) can never overwrite or delete the new owner's record
 * (the failure mode of Powertools issue #5675).
 */
const CLAIM = new LuaScript(`
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'completed' then
  return {'completed', redis.call('HGET', KEYS[1], 'outcome'), redis.call('HGET', KEYS[1], 'notified'),
          redis.call('HGET', KEYS[1], 'completedAt'), redis.call('HGET', KEYS[1], 'delivered') or ''}
end
if state == 'in-progress' then return {'in-progress', redis.call('PTTL', KEYS[1])} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'in-progress', 'token', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'claimed'}`);

const COMPLETE = new LuaScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'in-progress' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'completed', 'outcome', ARGV[2], 'notified', '0', 'completedAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`);

const RELEASE = new LuaScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'in-progress' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
return redis.call('DEL', KEYS[1])`);

const MARK_NOTIFIED = new LuaScript(`
if redis.call('HGET', KEYS[1], 'state') == 'completed' then redis.call('HSET', KEYS[1], 'notified', '1') end
return 1`);

// Adds channels to the delivered set of a completed record, in one step (channel names have no commas).
const MARK_DELIVERED = new LuaScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'completed' then return 0 end
local current = redis.call('HGET', KEYS[1], 'delivered') or ''
local seen = {}
for ch in string.gmatch(current, '[^,]+') do seen[ch] = true end
for i = 1, #ARGV do
  if not seen[ARGV[i]] then
    seen[ARGV[i]] = true
    if current == '' then current = ARGV[i] else current = current .. ',' .. ARGV[i] end
  end
end
redis.call('HSET', KEYS[1], 'delivered', current)
return 1`);

const LEASE = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then return 1 end
return 0`);

const UNLEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

const TAKE_SLOT = new LuaScript(`
local now, window, cap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= cap then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], window)
return 1`);

const RECORD_STATE = new LuaScript(`
local now, window = tonumber(ARGV[2]), tonumber(ARGV[3])
local last = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', window)
if last and last ~= ARGV[1] then redis.call('ZADD', KEYS[2], now, ARGV[4]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('PEXPIRE', KEYS[2], window)
return redis.call('ZCARD', KEYS[2])`);

export interface RedisStoreOptions {
  redis: Redis;
  /** Prepended to every key, e.g. to share one Redis between deployments (or between test runs). */
  prefix?: string;
  /** Supplies "now" for sliding windows; expiry itself is the server's. Default: the system clock. */
  clock?: Clock;
  /** Whether `close()` also quits the connection (true when the store owns it). Default false. */
  ownsConnection?: boolean;
}

/**
 * The shared store for many FC instances: Redis, or Tair / ApsaraDB for Redis reached through the
 * function's VPC. Same contract as the memory store; expiry is server-side (PX/PEXPIRE).
 */
export class RedisStore implements Store {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #owns: boolean;

  constructor(opts: RedisStoreOptions) {
    this.#redis = opts.redis;
    this.#prefix = opts.prefix ?? '';
    this.#clock = opts.clock ?? systemClock;
    this.#owns = opts.ownsConnection ?? false;
  }

  #k(key: string): string {
    return this.#prefix + key;
  }

  async claim(key: string, inProgressTtlMs: number): Promise<ClaimResult> {
    const token = randomUUID();
    const r = (await CLAIM.run(this.#redis, [this.#k(key)], [token, ttl(inProgressTtlMs)])) as unknown[];
    if (r[0] === 'completed') return { status: 'completed', record: toRecord(r) };
    if (r[0] === 'in-progress') {
      return { status: 'in-progress', expiresAt: this.#clock.now() + Math.max(0, Number(r[1])) };
    }
    return { status: 'claimed', token };
  }

  async complete(key: string, token: string, outcome: Outcome, ttlMs: number): Promise<boolean> {
    const args = [token, JSON.stringify(outcome), ttl(ttlMs), this.#clock.now()];
    return (await COMPLETE.run(this.#redis, [this.#k(key)], args)) === 1;
  }

  async release(key: string, token: string): Promise<boolean> {
    return (await RELEASE.run(this.#redis, [this.#k(key)], [token])) === 1;
  }

  async markNotified(key: string): Promise<void> {
    await MARK_NOTIFIED.run(this.#redis, [this.#k(key)], []);
  }

  async markDelivered(key: string, channels: readonly string[]): Promise<void> {
    if (channels.length === 0) return;
    await MARK_DELIVERED.run(this.#redis, [this.#k(key)], [...channels]);
  }

  async get(key: string): Promise<CompletedRecord | undefined> {
    const h = await this.#redis.hgetall(this.#k(key));
    if (h.state !== 'completed') return undefined;
    return toRecord(['completed', h.outcome, h.notified, h.completedAt, h.delivered]);
  }

  async getValue(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#k(key))) ?? undefined;
  }

  async putValue(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#k(key), value, 'PX', ttl(ttlMs));
  }

  async lease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await LEASE.run(this.#redis, [this.#k(key)], [holder, ttl(ttlMs)])) === 1;
  }

  async unlease(key: string, holder: string): Promise<boolean> {
    return (await UNLEASE.run(this.#redis, [this.#k(key)], [holder])) === 1;
  }

  async takeSlot(key: string, member: string, cap: number, windowMs: number): Promise<boolean> {
    const args = [member, this.#clock.now(), ttl(windowMs), cap];
    return (await TAKE_SLOT.run(this.#redis, [this.#k(key)], args)) === 1;
  }

  async releaseSlot(key: string, member: string): Promise<void> {
    await this.#redis.zrem(this.#k(key), member);
  }

  async recordState(key: string, state: string, windowMs: number): Promise<number> {
    const now = this.#clock.now();
    const keys = [this.#k(`${key}:last`), this.#k(`${key}:changes`)];
    const n = await RECORD_STATE.run(this.#redis, keys, [
      state,
      now,
      ttl(windowMs),
      `${now}:${randomUUID()}`,
    ]);
    return Number(n);
  }

  async indexSet(key: string, member: string, value: string): Promise<void> {
    await this.#redis.hset(this.#k(key), member, value);
  }

  async indexDelete(key: string, member: string): Promise<void> {
    await this.#redis.hdel(this.#k(key), member);
  }

  async indexList(key: string, limit: number): Promise<Array<{ member: string; value: string }>> {
    const [, flat] = await this.#redis.hscan(this.#k(key), '0', 'COUNT', Math.max(1, limit));
    const out: Array<{ member: string; value: string }> = [];
    for (let i = 0; i + 1 < flat.length && out.length < limit; i += 2)
      out.push({ member: flat[i] ?? '', value: flat[i + 1] ?? '' });
    return out;
  }

  async addMember(key: string, member: string, ttlMs: number): Promise<void> {
    await this.#redis.multi().sadd(this.#k(key), member).pexpire(this.#k(key), ttl(ttlMs)).exec();
  }

  async members(key: string): Promise<string[]> {
    return this.#redis.smembers(this.#k(key));
  }

  async removeMembers(key: string, members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.#redis.srem(this.#k(key), ...members);
  }

  async close(): Promise<void> {
    if (this.#owns) await this.#redis.quit();
  }
}

/** Redis rejects PX 0; an expiry of under 1 ms is 1 ms. */
function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

function toRecord(r: unknown[]): CompletedRecord {
  return {
    // Our own data, written by COMPLETE: a mismatch is a bug (or a foreign writer), so parse loudly.
    outcome: outcomeSchema.parse(JSON.parse(String(r[1]))),
    notified: r[2] === '1',
    delivered: String(r[4] ?? '')
      .split(',')
      .filter((c) => c !== ''),
    completedAt: Number(r[3]),
  };
}
