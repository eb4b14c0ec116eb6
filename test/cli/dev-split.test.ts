import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_HEADER } from '../../lib/auth/http-auth.js';
import type { DevEmulators } from '../../lib/dev/emulators-file.js';
import { freshFixture } from '../helpers/http-event.js';
import { dropPrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from '../idempotency/redis-helper.js';
import { cli, type Spawned, spawnCli, stopChild } from './spawn.js';

interface FunctionsInfo {
  functions: Record<string, string>;
  appId: string;
  changeOrderId: string;
  alarmAuth: { token: string } | 'environment';
  store: string;
}

const prefix = uniquePrefix('dev-split');
const redisEnv = { IDEMPOTENCY_STORE: 'redis', REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };

/**
 * The two-process run of the README, black-box: one `dev --emulators-only`, two `dev --functions-only`
 * sharing one Redis, real HTTP between all of them.
 */
describe('sae-rollback dev --emulators-only + 2 × --functions-only (spawned; shared Redis)', () => {
  let emu: Spawned<DevEmulators> | undefined;
  const fns: Spawned<FunctionsInfo>[] = [];
  let file = '';

  beforeAll(async () => {
    emu = await spawnCli<DevEmulators>(['dev', '--emulators-only', '--port', '0']);
    file = join(mkdtempSync(join(tmpdir(), 'sae-rollback-dev-split-')), 'emulators.json');
    writeFileSync(file, JSON.stringify(emu.info));
    const args = ['dev', '--functions-only', '--emulators', file, '--port', '0', '--json'];
    // Started one after the other: on 2 cores two cold starts at once only slow both.
    fns.push(await spawnCli<FunctionsInfo>(args, redisEnv));
    fns.push(await spawnCli<FunctionsInfo>(args, redisEnv));
  }, 60_000);

  afterAll(async () => {
    // Every child goes, whatever failed above (SIGKILL after a grace period).
    await Promise.all([...fns, ...(emu ? [emu] : [])].map((s) => stopChild(s.child)));
    const redis = testRedis();
    await dropPrefix(redis, prefix).finally(() => redis.quit());
  }, 20_000);

  it('the functions take the seeded app, the store from the environment and the run’s alarm token', () => {
    for (const f of fns) {
      expect(f.info).toMatchObject({
        appId: emu?.info.appId,
        changeOrderId: emu?.info.changeOrderId,
        store: 'redis',
        alarmAuth: { token: emu?.info.alarmToken },
      });
    }
    expect(fns[0]?.info.functions.alarm).not.toBe(fns[1]?.info.functions.alarm);
  });

  it('an alarm without the token is refused (401) and aborts nothing', async () => {
    const res = await fetch(fns[0]?.info.functions.alarm ?? '', { method: 'POST', body: alarmBody() });
    expect(res.status).toBe(401);
    expect(await abortCalls()).toEqual([]);
  });

  it('20 concurrent duplicate alarms over both processes: one abort at SAE, one outcome on MNS', async () => {
    const info = emu?.info;
    if (!info) throw new Error('emulators not started');
    const body = alarmBody();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => deliver(fns[i % 2]?.info.functions.alarm ?? '', body)),
    );
    expect(statuses).toEqual(Array(20).fill(200));
    for (const f of fns) expect(f.stderr()).toMatch(/POST \/alarm → 200/);

    const aborts = await abortCalls();
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({ query: { ChangeOrderId: info.changeOrderId }, status: 200 });
    const messages = (await (await fetch(`${info.emulators.mns}/__admin/messages`)).json()) as Array<{
      body: string;
    }>;
    expect(messages.filter((m) => m.body.includes(info.changeOrderId))).toHaveLength(1);
  }, 60_000);

  it('ALARM_AUTH_* in the environment decides instead of the file’s token', async () => {
    const own = 'operator-token-0123456789abcdef';
    const f = await spawnCli<FunctionsInfo>(
      ['dev', '--functions-only', '--emulators', file, '--port', '0', '--json'],
      { ...redisEnv, ALARM_AUTH_TOKENS: own },
    );
    fns.push(f);
    expect(f.info.alarmAuth).toBe('environment');
    const post = (token: string) =>
      fetch(f.info.functions.alarm ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', [TOKEN_HEADER]: token },
        body: alarmBody(),
      });
    expect((await post(emu?.info.alarmToken ?? '')).status).toBe(401);
    expect((await post(own)).status).toBe(200);
    expect(await abortCalls()).toHaveLength(1);
  }, 30_000);

  it('every process stops cleanly on SIGTERM (exit 0), Redis client and all', async () => {
    for (const s of [...fns, ...(emu ? [emu] : [])]) expect(await stopChild(s.child)).toBe(0);
  }, 20_000);

  /** The SAE emulator's record of AbortAndRollbackChangeOrder calls (its admin route). */
  async function abortCalls(): Promise<Array<Record<string, unknown>>> {
    const res = await fetch(`${emu?.info.emulators.sae}/__admin/calls?action=AbortAndRollbackChangeOrder`);
    return ((await res.json()) as { calls: Array<Record<string, unknown>> }).calls;
  }

  /**
   * POSTs the callback as CloudMonitor does, with the run's token; redelivers after a 503 (honouring a
   * short Retry-After), as a platform would, and answers the final status.
   */
  async function deliver(url: string, body: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
          'user-agent': 'CloudMonitor',
          [TOKEN_HEADER]: emu?.info.alarmToken ?? '',
        },
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 503 || attempt >= 10) return res.status;
      const after = Math.min(Number(res.headers.get('retry-after') ?? '1') || 1, 2);
      await new Promise((r) => setTimeout(r, after * 1_000));
    }
  }
});

describe('sae-rollback dev: the split modes’ usage errors', () => {
  it('--functions-only needs --emulators; the two modes exclude each other (64)', async () => {
    const a = await cli(['dev', '--functions-only']);
    expect(a.code).toBe(64);
    expect(a.stderr).toMatch(/--emulators <file>/);
    expect((await cli(['dev', '--functions-only', '--emulators-only'])).code).toBe(64);
    expect((await cli(['dev', '--emulators', 'x.json'])).code).toBe(64);
  });

  it('an --emulators file that is missing or not what --emulators-only printed is refused (66)', async () => {
    const missing = await cli(['dev', '--functions-only', '--emulators', '/nonexistent/emulators.json']);
    expect(missing.code).toBe(66);
    const bad = join(mkdtempSync(join(tmpdir(), 'sae-rollback-dev-split-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ emulators: { sae: 'http://127.0.0.1:1' } }));
    const wrong = await cli(['dev', '--functions-only', '--emulators', bad]);
    expect(wrong.code).toBe(66);
    expect(wrong.stderr).toMatch(/not what --emulators-only prints: emulators\.mns/);
  });
});

function alarmBody(): string {
  return (JSON.parse(freshFixture('cloudmonitor-form.json').toString('utf8')) as { body: string }).body;
}
