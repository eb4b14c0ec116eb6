import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as baseline } from '../../bench/baseline/handler.js';
import { runBench } from '../../bench/harness.js';
import { busiestWindow, quantile, table } from '../../bench/report.js';
import { alarmEvent, context, type Emulators, seedApps, startEmulators } from '../../bench/setup.js';

/**
 * The bench harness on a tiny input: the figures' structure and the counts they rest on (calls seen
 * by the SAE emulator, aborts made). Never the times: those belong to `npm run bench`.
 */
describe('bench harness, small input', () => {
  it('reports calls per delivery, a storm within budget and the overhead, with targets', async () => {
    const r = await runBench({
      figures: ['calls', 'storm', 'overhead', 'parallel'],
      storm: { alarms: 40, apps: 4, windowMs: 400, instances: 2, saeLimit: 60 },
      coldStartRuns: 1,
      overhead: { events: 5, warmup: 1 },
      batch: { records: 5 },
      parallel: { apps: 4, latencyMs: 5 },
    });

    const calls = r.rows.filter((row) => row.figure === '1');
    expect(calls.map((row) => [row.ours, row.baseline])).toEqual([
      [2, 1], // naming the change order: DescribeChangeOrder + Abort vs Abort
      [2, 2], // naming the app: ListChangeOrders (the executing one) + Abort vs Describe + Abort
      [0, 1], // duplicates naming the change order
      [0, 2], // duplicates naming the app, resolution cached
      [0, 2], // ... after the cache expired: the app's cool-down answers from the store
    ]);
    const storm = r.details.storm as {
      ours: { aborts: number; rolledBackApps: number; maxInWindow: number };
    };
    expect(storm.ours.aborts).toBe(4);
    expect(storm.ours.rolledBackApps).toBe(4);
    expect(storm.ours.maxInWindow).toBeLessThanOrEqual(50);
    expect(r.rows.some((row) => row.figure === '4' && row.target === '≤ 1')).toBe(true);
    // The parallel batch aborted every app both ways (it throws otherwise) and has its target row.
    expect(r.details.parallel).toMatchObject({ apps: 4, latencyMs: 5 });
    expect(r.rows.some((row) => row.measure.includes('÷ one-by-one') && row.target === '≤ 0.25')).toBe(true);
    for (const row of r.rows) {
      expect(row.measure).toBeTruthy();
      if (row.target !== undefined) expect(typeof row.met).toBe('boolean');
    }
    expect(table(r.rows).split('\n')).toHaveLength(r.rows.length + 2);
  }, 60_000);
});

describe('SAE emulator rate limit (the storm figure throttles with it)', () => {
  let emu: Emulators;
  beforeAll(async () => {
    emu = await startEmulators();
  });
  afterAll(() => emu.close());

  it('answers Throttling.User past the limit within the window, and not once turned off', async () => {
    const [a, b] = seedApps(emu.sae, 2);
    if (!a || !b) throw new Error('seeding failed');
    emu.sae.setRateLimit({ calls: 2, windowMs: 60_000 });
    const first = emu.sae.calls.length;
    await baseline(alarmEvent({ ChangeOrderId: a.co }), context() as Parameters<typeof baseline>[1]);
    await baseline(alarmEvent({ appId: b.appId }), context() as Parameters<typeof baseline>[1]);
    emu.sae.setRateLimit(undefined);
    await baseline(alarmEvent({ appId: b.appId }), context() as Parameters<typeof baseline>[1]);

    expect(emu.sae.calls.slice(first).map((c) => [c.action, c.code ?? c.status])).toEqual([
      ['AbortAndRollbackChangeOrder', 200],
      ['DescribeApplicationStatus', 200],
      ['AbortAndRollbackChangeOrder', 'Throttling.User'],
      ['DescribeApplicationStatus', 200],
      ['AbortAndRollbackChangeOrder', 200],
    ]);
    expect(emu.sae.getChangeOrder(b.co)?.status).toBe(6);
  });
});

describe('bench arithmetic', () => {
  it('finds the busiest window and nearest-rank quantiles', () => {
    expect(busiestWindow([0, 10, 20, 1000, 1001], 100)).toBe(3);
    expect(busiestWindow([], 100)).toBe(0);
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
  });
});
