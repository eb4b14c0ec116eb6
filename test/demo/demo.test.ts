import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isolateEnvironment, isolationLine } from '../../lib/dev/isolated-env.js';
import { root } from '../cli/spawn.js';

/** `npm start` as bin/demo.ts, with `env` as the shell's exports on top of PATH and HOME. */
function demo(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['--import', 'tsx', 'bin/demo.ts'],
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** What the README's Deploy section has the operator export, plus a broken number. */
const DEPLOY_SHELL = {
  IDEMPOTENCY_STORE: 'redis',
  REDIS_URL: 'redis://127.0.0.1:1',
  REDIS_KEY_PREFIX: 'prod',
  POLICY_ALLOW_APP_IDS: 'aaaaaaaa-1111-2222-3333-444444444444',
  DRY_RUN: 'true',
  SAE_CALLS_PER_WINDOW: 'abc',
  COOLDOWN_SECONDS: '900',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-real-looking',
};

describe('npm start (bin/demo.ts)', () => {
  it('ignores a deploying shell: exit 0 twice in a row, one isolation line naming what it ignored', async () => {
    const first = await demo(DEPLOY_SHELL);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const iso = first.stdout.split('\n').filter((l) => l.startsWith('Isolated:'));
    expect(iso).toHaveLength(1);
    expect(iso[0]).toContain('ignoring 8 variable(s)');
    expect(iso[0]).toContain('DRY_RUN');
    expect(first.stdout).not.toContain('LTAI-real-looking');
    // The real CloudMonitor callback, shown as the alarm, then outcome names as the core spells them.
    expect(first.stdout).toContain('[CRITICAL] SAE 应用 5xx 比例过高');
    expect(first.stdout).toContain('Outcome: aborted');
    expect(first.stdout).toContain('Outcome: duplicate');
    expect(first.stdout).toMatch(/Done: one `aborted`.*one `duplicate`/);
    // Fresh IDs every run: a second run right away is not the previous run's change order.
    const second = await demo(DEPLOY_SHELL);
    expect(second.code).toBe(0);
    const co = (s: string) => /in change order ([0-9a-f-]{36})/.exec(s)?.[1];
    expect(co(second.stdout)).not.toBe(co(first.stdout));
  }, 120_000);

  it('refuses an invalid LOG_LEVEL before anything starts: one message, exit 78, no stack', async () => {
    const r = await demo({ LOG_LEVEL: 'loud' });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('LOG_LEVEL');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('isolateEnvironment', () => {
  it('removes every variable sae-rollback reads, keeps the rest, sets the fixed ones', () => {
    const env: Record<string, string | undefined> = {
      PATH: '/bin',
      REDIS_URL: 'redis://prod:6379',
      WEBHOOK_SECRET: 's3cret',
      FC_ACCOUNT_ID: '1',
      INVOKE_TARGET: 'x',
      MY_OWN: 'y',
    };
    const removed = isolateEnvironment(env, { SAE_REGION: 'cn-hangzhou' });
    expect(removed).toEqual(['FC_ACCOUNT_ID', 'INVOKE_TARGET', 'REDIS_URL', 'WEBHOOK_SECRET']);
    expect(env).toEqual({ PATH: '/bin', MY_OWN: 'y', SAE_REGION: 'cn-hangzhou' });
    expect(isolationLine(removed)).not.toContain('s3cret');
    expect(isolationLine([])).toContain('no sae-rollback variables');
  });
});
