import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

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
});
