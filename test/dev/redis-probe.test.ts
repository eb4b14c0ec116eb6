import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { redisUnreachable } from '../../lib/dev/redis-probe.js';
import { root } from '../cli/spawn.js';

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

describe('npm run reliability', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'node',
        ['--import', 'tsx', 'bin/reliability.ts', ...args],
        { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...env }, timeout: 30_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });

  it('-- --help prints its options and exits 0 without running the soak', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--fault-rate');
    expect(r.stdout).not.toMatch(/^soak: \d+ records/m);
    expect(r.stderr).toBe('');
  });

  it('an unknown option is one line and exit 2, not a stack trace', async () => {
    const r = await run(['--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('without Redis says how to start one (exit 69)', async () => {
    const r = await run(['--records', '10'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('redis-server');
  });
});
