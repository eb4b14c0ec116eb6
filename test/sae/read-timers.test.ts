import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// In this process httpx's agents may already be watched by earlier tests; a fresh one has seen nothing.
describe('httpx read timers on a fresh instance', () => {
  it('are cleared after error answers too, before any call succeeded', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/timers/errors-only.ts'],
      {
        timeout: 30_000,
      },
    );
    const r = JSON.parse(stdout) as { errors: number; calls: number; liveTimers: number };
    expect([r.errors, r.calls]).toEqual([10, 10]);
    // Each error answer's timer stayed armed for the read timeout before (10 more): now only the
    // sockets' own idle timers and the last call's may remain.
    expect(r.liveTimers).toBeLessThan(6);
  });
});
