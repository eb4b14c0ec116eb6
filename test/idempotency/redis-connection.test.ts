import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, dropKeysWithPrefix, LuaScript } from '../../lib/idempotency/redis.js';
import { RedisStore } from '../../lib/idempotency/redis-store.js';
import { dropPrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from './redis-helper.js';

const redis = testRedis();
const prefix = uniquePrefix('conn');
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

/** A port nothing listens on: every connection attempt is refused at once. */
const NOBODY = 'redis://127.0.0.1:1';

describe('connectRedis', () => {
  it('reports connection errors to onError, and fails a command instead of hanging', async () => {
    const errors: Error[] = [];
    const r = connectRedis({ url: NOBODY, timeoutMs: 300, onError: (e) => errors.push(e) });
    try {
      await expect(r.get('k')).rejects.toThrow();
      expect(errors.length).toBeGreaterThan(0);
      expect(String(errors[0]?.message)).toMatch(/ECONNREFUSED/);
    } finally {
      r.disconnect();
    }
  });

  it('reconnects after the server dropped the connection (a frozen FC instance thawing)', async () => {
    const r = connectRedis({ url: TEST_REDIS_URL });
    try {
      const id = await r.client('ID');
      await r.set(`${prefix}reconnect`, 'before');
      await redis.client('KILL', 'ID', String(id));
      // The first command after the kill may fail (maxRetriesPerRequest 1); the connection comes back.
      let value: string | null = null;
      for (let i = 0; i < 20 && value === null; i++)
        value = await r.get(`${prefix}reconnect`).catch(() => null);
      expect(value).toBe('before');
      expect(await r.client('ID')).not.toBe(id);
    } finally {
      r.disconnect();
    }
  });
});

describe('LuaScript', () => {
  it('runs a script the server has never seen (EVALSHA misses, EVAL once), then by its hash', async () => {
    const key = `${prefix}lua-${randomUUID()}`;
    // A source of its own, so no other test (or earlier run) has loaded it.
    const script = new LuaScript(`-- ${randomUUID()}\nreturn redis.call('INCR', KEYS[1])`);
    expect(await script.run(redis, [key], [])).toBe(1);
    expect(await script.run(redis, [key], [])).toBe(2);
  });

  it('does not run a failing script a second time', async () => {
    const key = `${prefix}lua-${randomUUID()}`;
    const failing = new LuaScript(
      `-- ${randomUUID()}\nredis.call('INCR', KEYS[1])\nreturn redis.error_reply('boom')`,
    );
    await failing.run(redis, [key], []).catch(() => undefined); // loads it (NOSCRIPT, then EVAL: fails)
    expect(await redis.get(key)).toBe('1');
    await expect(failing.run(redis, [key], [])).rejects.toThrow(/boom/);
    expect(await redis.get(key)).toBe('2');
  });
});

describe('dropKeysWithPrefix', () => {
  it('deletes every key under the prefix and nothing else', async () => {
    const mine = `${prefix}drop-${randomUUID().slice(0, 8)}:`;
    const keep = `${prefix}keep-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 5; i++) await redis.set(`${mine}${i}`, 'x');
    await redis.sadd(`${mine}set`, 'a');
    await redis.set(keep, 'x');
    await dropKeysWithPrefix(TEST_REDIS_URL, mine);
    expect(await redis.exists(`${mine}0`, `${mine}4`, `${mine}set`)).toBe(0);
    expect(await redis.get(keep)).toBe('x');
  });

  it('is best effort: an unreachable Redis is not an error', async () => {
    await expect(dropKeysWithPrefix(NOBODY, 'any:')).resolves.toBeUndefined();
  });
});

describe('RedisStore and its connection', () => {
  it('uses keys as given without a prefix', async () => {
    const key = `${prefix}plain-${randomUUID()}`;
    await new RedisStore({ redis }).putValue(key, 'v', 60_000);
    expect(await redis.get(key)).toBe('v');
  });

  it('closes the connection only when it owns it', async () => {
    const shared = connectRedis({ url: TEST_REDIS_URL });
    const owned = connectRedis({ url: TEST_REDIS_URL });
    try {
      await new RedisStore({ redis: shared, prefix }).close();
      expect(await shared.ping()).toBe('PONG');
      await new RedisStore({ redis: owned, prefix, ownsConnection: true }).close();
      await expect(owned.ping()).rejects.toThrow(/closed/i);
    } finally {
      shared.disconnect();
      owned.disconnect();
    }
  });
});
