import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFixture } from '../helpers/http-event.js';
import { type CliResult, root, type Spawned, spawnCli, stopChild } from './spawn.js';

interface DevInfo {
  alarmToken: string;
  appId: string;
  changeOrderId: string;
  functions: Record<string, string>;
}

/** What the README's Deploy section has the operator export: the dev env file must override all of it. */
const DEPLOY_SHELL = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-production-key',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'production-secret',
  SAE_REGION: 'cn-shanghai',
  MNS_ACCOUNT_ID: '1234567890123456',
  IDEMPOTENCY_STORE: 'redis',
  REDIS_URL: 'redis://127.0.0.1:1',
  DRY_RUN: 'true',
  POLICY_ALLOW_APP_IDS: 'aaaaaaaa-1111-2222-3333-444444444444',
};

/** `. <file> && sae-rollback <args>` in sh, as the README has it, from a shell with `env` exported. */
function sourced(file: string, args: string, env: Record<string, string>, stdin?: string) {
  return new Promise<CliResult>((resolve) => {
    const child = execFile(
      'sh',
      ['-c', `. '${file}' && node bin/sae-rollback.mjs ${args}`],
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', LOG_LEVEL: 'error', ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

describe('sae-rollback dev writes an env file the README commands use', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sae-rollback-env-')), 'dev.env');
  let dev: Spawned<DevInfo>;
  beforeAll(async () => {
    dev = await spawnCli<DevInfo>(['dev', '--port', '0', '--json', '--env-out', file]);
    for (let i = 0; i < 100 && !(existsSync(file) && dev.stderr().includes('wrote')); i++)
      await new Promise((r) => setTimeout(r, 50));
  }, 30_000);
  afterAll(async () => {
    await stopChild(dev.child);
  });

  it('holds the emulator credentials and endpoints, and unsets deployment variables first', () => {
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^unset .*\bDRY_RUN\b.*\bREDIS_URL\b/m);
    expect(text).toContain(`export SAE_ROLLBACK_DEV_APP_ID='${dev.info.appId}'`);
    expect(text).toContain("export ALIBABA_CLOUD_ACCESS_KEY_ID='STS.devAccessKeyId'");
    expect(dev.stderr()).toContain(`wrote ${file}`);
  });

  it('status, abort --dry-run, invoke and abort work against it from a deploying shell', async () => {
    const status = await sourced(file, 'status "$SAE_ROLLBACK_DEV_APP_ID" --json', DEPLOY_SHELL);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).lastChangeOrder.changeOrderId).toBe(dev.info.changeOrderId);

    const dry = await sourced(file, 'abort --app "$SAE_ROLLBACK_DEV_APP_ID" --dry-run', DEPLOY_SHELL);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry-run: /);

    const event = JSON.stringify({ ChangeOrderId: dev.info.changeOrderId });
    const invoked = await sourced(file, 'invoke consumer --event -', DEPLOY_SHELL, event);
    expect(invoked.code).toBe(0);
    // stdout is the function's result only: jq-able, no audit or warning lines.
    const result = JSON.parse(invoked.stdout) as { outcomes?: Array<{ outcome: string }> };
    expect(JSON.stringify(result)).toContain('aborted');
  }, 30_000);

  it('is removed when dev stops', async () => {
    await stopChild(dev.child);
    expect(existsSync(file)).toBe(false);
  });
});

describe('sae-rollback dev: one store for every function', () => {
  let own: Spawned<DevInfo>;
  beforeAll(async () => {
    own = await spawnCli<DevInfo>(['dev', '--port', '0', '--json', '--no-env-out']);
  }, 30_000);
  afterAll(async () => {
    await stopChild(own.child);
  });

  it('the alarm and consumer functions share one store: a consumer event after the alarm is a duplicate', async () => {
    const form = (JSON.parse(freshFixture('cloudmonitor-form.json').toString('utf8')) as { body: string })
      .body;
    const alarm = await fetch(`${own.info.functions.alarm}?token=${own.info.alarmToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(alarm.status).toBe(200);
    const consumer = await fetch(own.info.functions.consumer ?? '', {
      method: 'POST',
      body: JSON.stringify({ ChangeOrderId: own.info.changeOrderId }),
    });
    expect(JSON.stringify(await consumer.json())).toContain('"duplicate"');
  });
});

describe('the CLI without credentials', () => {
  it.each([
    ['status', 'status 0099b7be-5f5b-4512-a7fc-56049ef10001'],
    ['abort', 'abort --app 0099b7be-5f5b-4512-a7fc-56049ef10001'],
    ['invoke', 'invoke consumer --event -'],
  ])(
    '%s says in one line what is missing and exits 78, calling nothing',
    async (_name, args) => {
      const r = await new Promise<CliResult>((resolve) => {
        const child = execFile(
          'sh',
          ['-c', `node bin/sae-rollback.mjs ${args}`],
          {
            cwd: root,
            // SAE_ENDPOINT on a closed port: a call would show up as a network error (75), not 78.
            env: {
              PATH: process.env.PATH ?? '',
              HOME: '/nonexistent',
              SAE_REGION: 'cn-hangzhou',
              SAE_ENDPOINT: '127.0.0.1:1',
              SAE_PROTOCOL: 'http',
              MNS_ENDPOINT: 'http://127.0.0.1:1',
              LOG_LEVEL: 'error',
            },
            timeout: 20_000,
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
        child.stdin?.end('{"ChangeOrderId":"96dba8ff-7bbd-44dc-8abe-de9d72d9c889"}');
      });
      expect(r.code).toBe(78);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
      expect(r.stderr).not.toMatch(/100\.100\.100\.200|undefined/);
    },
    30_000,
  );
});

describe('sae-rollback dev stops whoever started it', () => {
  it('exits when its parent goes away (`npx sae-rollback dev &`, then `kill <npx pid>`)', async () => {
    // sh stands in for npm exec: the node process is its child, and killing sh reaches only sh.
    const { spawn } = await import('node:child_process');
    const sh = spawn(
      'sh',
      ['-c', 'node bin/sae-rollback.mjs dev --port 0 --json --no-env-out; echo exited'],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const info = await new Promise<DevInfo>((resolve) => {
      sh.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as DevInfo);
      });
    });
    const alarm = info.functions.alarm ?? '';
    expect((await fetch(alarm)).status).toBeGreaterThan(0);
    sh.kill('SIGKILL');
    let refused = false;
    for (let i = 0; i < 60 && !refused; i++) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await fetch(alarm).then(
        () => false,
        () => true,
      );
    }
    expect(refused).toBe(true);
  }, 30_000);
});
