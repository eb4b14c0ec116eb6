import { describe, expect, it } from 'vitest';
import { runSoak } from '../../lib/dev/soak.js';
import { TEST_REDIS_URL } from '../idempotency/redis-helper.js';

/**
 * The short soak (`npm run reliability` runs 10,000 records): the same code, 500 records, two
 * "instances" sharing the test Redis, 30 % of SAE calls faulted, redelivered until quiet.
 */
describe('soak: records with duplicates through the consumer, 30 % faults, redelivered until quiet', () => {
  it('500 records: every change order aborted exactly once, nothing lost, every result published', async () => {
    const r = await runSoak({
      records: 500,
      instances: 2,
      concurrency: 32,
      redisUrl: TEST_REDIS_URL,
      seed: 8,
      // More room than `npm run reliability`'s 300 ms inside the parallel suite on two cores. A publish that
      // outlasts it unplanned is counted all the same: the runtimes' audit lines say which timed out.
      timeoutMs: 700,
    });
    expect(r.violations).toEqual([]);
    // Every publish slowed on purpose was seen to time out: the duplicates' allowance counts at least those.
    // Likewise every abort slowed on purpose, for the redundant aborts' allowance.
    expect(r.published.timedOutPublishes).toBeGreaterThanOrEqual(r.faults.mns.latency ?? 0);
    expect(r.aborts.timedOutAborts).toBeGreaterThanOrEqual(r.aborts.ambiguousAbortFaults);
    expect(r.faults.mns.latency).toBeGreaterThan(0);
    expect(r.aborts.ambiguousAbortFaults).toBeGreaterThan(0);
    expect(r.aborts.doubleAborts).toBe(0);
    expect(r.aborts.executed).toBe(r.distinctChangeOrders);
    expect(r.lostRecords).toBe(0);
    expect(r.published.lostResults).toBe(0);
    // Every rollback followed to its end: one follow-up per rolled-back change order, none lost or doubled.
    // (Those SAE aborted but the product could only report as "not running" have nothing to follow.)
    expect(r.followUps).toMatchObject({ lost: 0, doubled: 0, pending: 0 });
    expect(r.followUps.rolledBack + r.followUps.unreported).toBe(r.distinctChangeOrders);
    expect(r.followUps.unreported).toBe(r.published.reportedNotRunning);
    expect(r.followUps.messageIds).toBe(r.followUps.rolledBack);
    expect(r.followUps.kinds).toEqual({ recovered: r.followUps.rolledBack });
    // The run really was hostile: faults of every kind fired and forced redeliveries.
    expect(r.faults.total).toBeGreaterThan(100);
    expect(Object.keys(r.faults.sae).sort()).toEqual([
      'html-502',
      'http-500',
      'http-503',
      'reset',
      'slow',
      'throttling',
    ]);
    expect(Object.keys(r.faults.mns).sort()).toEqual(['latency', 'reset', 'status']);
    expect(r.deliveries.rounds).toBeGreaterThan(1);
    expect(r.duplicates.repeatedAlarms + r.duplicates.redeliveredMessages).toBe(75);
  }, 120_000);

  it('the accounting catches what it is there to catch: records still failing when redelivery stops', async () => {
    const r = await runSoak({
      records: 12,
      batchSize: 2,
      faultRate: 0.6,
      maxRounds: 1,
      instances: 1,
      redisUrl: TEST_REDIS_URL,
      seed: 3,
    });
    expect(r.lostRecords).toBeGreaterThan(0);
    expect(r.violations).toContainEqual(expect.stringMatching(/records lost/));
  }, 60_000);
});
