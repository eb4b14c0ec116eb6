// `sae-rollback report`: from the Redis store and from a JSONL export of the audit log, after real
// rollbacks and follow-ups against the emulators; the --html page rendered in a real headless Chromium.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import { type buildReport, percentile } from '../../lib/follow/report.js';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

const run = promisify(execFile);
const PREFIX = `report-test-${process.pid}-${Date.now()}:`;

function io(now: number, files: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const it: Io = {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    readFile: async (p) => {
      if (!(p in files)) throw new Error(`no such file ${p}`);
      return Buffer.from(files[p] as string);
    },
    readStdin: async () => Buffer.alloc(0),
    now: () => now,
    env: { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: PREFIX },
  };
  return { io: it, out };
}

describe('sae-rollback report', () => {
  let s: GuardStack;
  let dir: string;
  const apps = [newAppId('report'), newAppId('report')];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sae-rollback-report-'));
    s = await startGuardStack({
      IDEMPOTENCY_STORE: 'redis',
      REDIS_KEY_PREFIX: PREFIX,
      COOLDOWN_SECONDS: '0',
      FOLLOW_UP_STUCK_MINUTES: '5',
      LOG_LEVEL: 'info',
    });
    // App 0: two releases aborted and recovered (60 s and 120 s of terminating); app 1: one failed.
    const plan: Array<[string, Parameters<GuardStack['sae']['setAbortProgress']>[0]]> = [
      [apps[0] as string, { mode: 'terminating', terminatingMs: 60_000, end: 'rolled-back' }],
      [apps[0] as string, { mode: 'terminating', terminatingMs: 120_000, end: 'rolled-back' }],
      [apps[1] as string, { mode: 'terminating', terminatingMs: 10_000, end: 'failed' }],
    ];
    for (const appId of new Set(apps)) s.sae.seedApp({ appId, versions: ['v1'] });
    for (const [appId, progress] of plan) {
      s.sae.setAbortProgress(progress);
      const co = s.sae.startChangeOrder({ appId, toVersion: `v${Math.random().toString(36).slice(2, 6)}` });
      s.clock.advance(2_000);
      await s.alarm({ appId, changeOrderId: co, alarmName: 'HTTP 5xx' });
      for (let i = 0; i < 6; i++) {
        s.clock.advance(60_000);
        await s.tick();
      }
    }
  }, 60_000);
  afterAll(async () => {
    await s.rt.store.close?.();
    await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('from Redis: per app the rollbacks, reasons, outcomes, p50/p95 and the failures', async () => {
    const h = io(s.clock.now());
    expect(await main(['report', '--since', '7d', '--json'], h.io)).toBe(0);
    const report = JSON.parse(h.out.stdout) as ReturnType<typeof buildReport>;
    const [a0, a1] = apps.map((id) => report.apps.find((a) => a.appId === id));
    expect(a0).toMatchObject({
      rollbacks: 2,
      outcomes: { aborted: 2, recovered: 2 },
      reasons: { 'HTTP 5xx': 2 },
    });
    expect(a0?.timeToRecoverMs.n).toBe(2);
    expect(a0?.timeToRecoverMs.p95).toBeGreaterThan(a0?.timeToRecoverMs.p50 ?? Number.POSITIVE_INFINITY);
    expect(a1).toMatchObject({ rollbacks: 1, outcomes: { aborted: 1, 'rollback-failed': 1 } });
    expect(a1?.failures).toEqual([expect.objectContaining({ outcome: 'rollback-failed' })]);

    const text = io(s.clock.now());
    expect(await main(['report', '--since', '7d'], text.io)).toBe(0);
    expect(text.out.stdout).toContain(`${apps[0]}: 2 rollbacks`);
    expect(text.out.stdout).toMatch(/FAILURE .* rollback-failed/);
  });

  it('from a JSONL export of the audit log, the same counts', async () => {
    const lines = s.logs.filter((l) => l.includes('"msg":"decision"')).join('\n');
    const h = io(s.clock.now(), { 'audit.jsonl': `${lines}\nnot json\n` });
    expect(await main(['report', '--jsonl', 'audit.jsonl', '--json'], h.io)).toBe(0);
    const report = JSON.parse(h.out.stdout) as ReturnType<typeof buildReport>;
    expect(report.apps.find((a) => a.appId === apps[0])).toMatchObject({
      rollbacks: 2,
      outcomes: { aborted: 2, recovered: 2 },
    });
    expect(h.out.stderr).toMatch(/skipped 1 line/);
    expect(await main(['report', '--since', 'soon'], io(0).io)).toBe(64);
  });

  it('--html: one self-contained page whose timeline headless Chromium draws', async () => {
    const file = join(dir, 'report.html');
    expect(await main(['report', '--since', '1d', '--html', file], io(s.clock.now()).io)).toBe(0);
    const html = await readFile(file, 'utf8');
    // Self-contained: nothing fetched from anywhere.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain('<svg id="timeline"');

    const profile = join(dir, 'profile');
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      `--user-data-dir=${profile}`,
    ];
    const { stdout } = await run('chromium', [...flags, '--dump-dom', `file://${file}`], { timeout: 60_000 });
    // The page's script counted the abort → end legs with real geometry (getBBox) in the browser.
    expect(stdout).toMatch(/data-drawn="3"/);
    const png = join(dir, 'report.png');
    await run('chromium', [...flags, '--window-size=1100,700', `--screenshot=${png}`, `file://${file}`], {
      timeout: 60_000,
    });
    expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('percentiles are nearest-rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
  });
});
