import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url: string;
  /** Bounds connecting and every command, so a Redis outage becomes a retryable failure, not a hang. */
  timeoutMs?: number;
  /** Connection-level errors (commands fail on their own); default: ignored. */
  onError?: (err: Error) => void;
}

/**
 * One ioredis client per cold start, shared by the store and the call budget. Fails fast: a command
 * that cannot be sent within `timeoutMs` rejects (the invocation then reports `failed-retryable`)
 * instead of queueing until FC kills the instance.
 */
export function connectRedis(opts: RedisConnectionOptions): Redis {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const redis = new Redis(opts.url, {
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    // FC freezes idle instances; the socket may be gone on thaw. Reconnect quickly, give up per command.
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  });
  // Without a listener ioredis prints "Unhandled error event" to the console on every reconnect.
  redis.on('error', opts.onError ?? (() => undefined));
  return redis;
}

/**
 * A Lua script run with EVALSHA, falling back to EVAL once when the server does not have it cached
 * (after a restart or failover). Each script is one atomic step on the server.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      return redis.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

/** Deletes every key under `prefix` (SCAN, so the server is never blocked); best effort — they expire anyway. */
export async function dropKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const redis = connectRedis({ url });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Best effort.
  } finally {
    redis.disconnect();
  }
}
