import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis } from '../../lib/idempotency/redis.js';

/**
 * A redis-server of the test's own, on a free port, that the test can kill and restart (with an empty
 * dataset: no persistence) to see what a Redis restart does to a run. Never skipped: without
 * redis-server on PATH the test fails and says so (.ci/run installs it).
 */
export class OwnRedis {
  #child: ChildProcess | undefined;
  readonly port: number;

  private constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnRedis> {
    const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(
        'redis-server is not on PATH. The Redis-restart fault test starts, kills and restarts its own server: install it (apt-get install redis-server; .ci/run does this).',
      );
    }
    const r = new OwnRedis(await freePort());
    await r.restart();
    return r;
  }

  /** Starts the server (again) and resolves once it answers PING. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    this.#child = child;
    const client = connectRedis({ url: this.url, timeoutMs: 500 });
    try {
      for (let i = 0; ; i++) {
        if (child.exitCode !== null)
          throw new Error(`redis-server on port ${this.port} exited (${child.exitCode})`);
        const ok = await client.ping().then(
          () => true,
          () => false,
        );
        if (ok) return;
        if (i > 100) throw new Error(`redis-server on port ${this.port} did not answer PING`);
        await sleep(50);
      }
    } finally {
      client.disconnect();
    }
  }

  /** Kills the server at once (SIGKILL: no clean shutdown, like a crashed node). */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}
