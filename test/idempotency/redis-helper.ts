import { randomUUID } from 'node:crypto';
import { redisUnreachable } from '../../lib/dev/redis-probe.js';
import { connectRedis, type Redis } from '../../lib/idempotency/redis.js';

/** The real Redis the tests use (`.ci/run` starts one on 127.0.0.1:6379; TEST_REDIS_URL elsewhere). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Fail fast, with one line, in every test file that needs Redis when there is none.
const missing = await redisUnreachable(TEST_REDIS_URL);
if (missing) throw new Error(missing);

/** A key prefix of its own for each test run, so parallel test files never collide. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

export function testRedis(): Redis {
  return connectRedis({ url: TEST_REDIS_URL });
}

/** Deletes every key under `prefix` (SCAN, not KEYS, so a shared server is not blocked). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
