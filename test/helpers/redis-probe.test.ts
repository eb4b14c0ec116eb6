import { describe, expect, it } from 'vitest';
import { redisUnreachable } from './redis-probe.js';

// Not from redis-helper.ts: that module refuses to load without Redis, and this test must run then.
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('redisUnreachable (the Redis-backed tests fail fast without Redis)', () => {
  it('says in one line how to start Redis and names TEST_REDIS_URL when nothing listens', async () => {
    const started = Date.now();
    const line = await redisUnreachable('redis://127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(line).toContain('redis-server');
    expect(line).toContain('TEST_REDIS_URL');
    expect(line?.split('\n')).toHaveLength(1);
  });

  it('is quiet when the test Redis answers', async () => {
    expect(await redisUnreachable(TEST_REDIS_URL)).toBeUndefined();
  });
});
