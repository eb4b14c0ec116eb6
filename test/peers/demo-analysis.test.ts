import { execFile } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/** A PATH with `node` on it and nothing else. */
function nodeOnly(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-path-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}

describe('npm run demo:analysis', () => {
  it('shows an analysis-driven abort against the real Prometheus, and exits 0', async () => {
    const { stdout } = await run('node', ['--import', 'tsx', 'bin/demo-analysis.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error' },
      timeout: 90_000,
    });
    expect(stdout).toMatch(/tick 1: http-5xx-ratio = 0\.01 → success \(0\/3 failures\)/);
    expect(stdout).toMatch(
      /tick \d: http-5xx-ratio = 0\.4 → failure \(3\/3 failures\) → metric-analysis: aborted/,
    );
    expect(stdout).toMatch(/SAE: 1 AbortAndRollbackChangeOrder; change order status 6/);
    expect(stdout).toMatch(/Done: one analysis-driven abort, one published outcome\./);
  }, 100_000);

  it('as the last step of npm start (--optional): on a machine without Prometheus, skipped with how to get it, exit 0', async () => {
    const { stdout } = await run('node', ['--import', 'tsx', 'bin/demo-analysis.ts', '--optional'], {
      cwd: root,
      // node, and nothing else: no prometheus on this PATH.
      env: { PATH: nodeOnly(), LOG_LEVEL: 'error' },
      timeout: 60_000,
    });
    expect(stdout).toMatch(
      /Metric analysis .*: skipped — Debian's prometheus is not installed \(apt-get install -y prometheus/,
    );
  }, 70_000);

  it('with deployment variables exported in the shell, it still runs on its own configuration', async () => {
    const { stdout } = await run('node', ['--import', 'tsx', 'bin/demo-analysis.ts', '--optional'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'error',
        IDEMPOTENCY_STORE: 'redis',
        REDIS_URL: 'redis://127.0.0.1:1',
        DRY_RUN: 'true',
        POLICY_ALLOW_APP_IDS: 'some-other-app-0001',
      },
      timeout: 90_000,
    });
    expect(stdout).toMatch(/Done: one analysis-driven abort, one published outcome\./);
  }, 100_000);
});
