import { connect } from 'node:net';

/**
 * Whether a Redis answers at `url` (one PING over a raw socket, 1 s at most). Returns undefined when it
 * does, else the one line a developer needs: what was tried, how to start one, how to point elsewhere.
 * The Redis-backed test files (and `npm run reliability`) call it first, so a machine without Redis gets that line
 * within a second instead of ioredis reconnect errors and 20-second timeouts.
 */
export async function redisUnreachable(url: string, timeoutMs = 1_000): Promise<string | undefined> {
  const u = new URL(url);
  const port = Number(u.port || 6379);
  const host = u.hostname || '127.0.0.1';
  const reached = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // +PONG, or -NOAUTH / -ERR from a server that wants a password: either way a Redis is there.
    socket.once('data', (d: Buffer) => done(/^[+-]/.test(d.toString('latin1'))));
  });
  if (reached) return undefined;
  return (
    `No Redis at ${url} (the Redis-backed tests need one): start it with "redis-server --daemonize yes" ` +
    `(apt-get install redis-server) or "docker run -d -p 6379:6379 redis:7", or set TEST_REDIS_URL=redis://host:port`
  );
}
