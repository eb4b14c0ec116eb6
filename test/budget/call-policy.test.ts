import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { ManualClock } from '../../lib/clock.js';
import { SaeError } from '../../lib/sae/errors.js';
import { withCallPolicy } from '../../lib/sae/retry.js';
import { FakeSae } from '../helpers/fake-sae.js';

const CO = 'co-policy-1';

function setup(opts: { deadlineIn?: number; calls?: number; maxAttempts?: number } = {}) {
  const clock = new ManualClock();
  const sae = new FakeSae();
  sae.addChangeOrder({ changeOrderId: CO, appId: 'app-1' });
  const slept: number[] = [];
  const budget = new MemoryBudget({
    limits: { calls: opts.calls ?? 50, windowMs: 60_000, abortReserve: 1 },
    clock,
  });
  const api = withCallPolicy(sae, {
    budget,
    deadline: clock.now() + (opts.deadlineIn ?? 30_000),
    clock,
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    random: () => 0.5,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
  });
  return { clock, sae, api, slept };
}

describe('withCallPolicy: budget and backoff around SAE calls', () => {
  it('retries a throttled abort with growing, jittered backoff, then succeeds', async () => {
    const { sae, api, slept } = setup();
    sae.failNext('AbortAndRollbackChangeOrder', 'Throttling.User');
    sae.failNext('AbortAndRollbackChangeOrder', 'Throttling.User');
    const res = await api.abortAndRollbackChangeOrder(CO);
    expect(res.data.changeOrderId).toBe(CO);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(3);
    // Full jitter with random() = 0.5: half of 200 ms, then half of 400 ms.
    expect(slept).toEqual([100, 200]);
  });

  it('gives up after maxAttempts and lets the throttling error through', async () => {
    const { sae, api } = setup({ maxAttempts: 2 });
    for (let i = 0; i < 3; i++) sae.failNext('AbortAndRollbackChangeOrder', 'Throttling.User');
    await expect(api.abortAndRollbackChangeOrder(CO)).rejects.toMatchObject({ code: 'Throttling.User' });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(2);
  });

  it('does not back off past the deadline', async () => {
    const { sae, api } = setup({ deadlineIn: 50 });
    sae.failNext('AbortAndRollbackChangeOrder', 'Throttling.User');
    await expect(api.abortAndRollbackChangeOrder(CO)).rejects.toMatchObject({ code: 'Throttling.User' });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('never retries errors other than throttling (an ambiguous abort must not be repeated)', async () => {
    const { sae, api } = setup();
    sae.failNext('AbortAndRollbackChangeOrder', 'ServiceUnavailable');
    await expect(api.abortAndRollbackChangeOrder(CO)).rejects.toBeInstanceOf(SaeError);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('waits for a budget token when one comes back in time', async () => {
    const { sae, api, slept, clock } = setup({ calls: 2, deadlineIn: 120_000 });
    const start = clock.now();
    await api.describeChangeOrder(CO);
    await api.abortAndRollbackChangeOrder(CO).catch(() => undefined);
    await api.describeChangeOrder(CO);
    expect(sae.calls).toHaveLength(3);
    expect(slept.length).toBeGreaterThan(0);
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('reports Budget.Exhausted (retryable) and makes no call when no token comes back in time', async () => {
    const { sae, api } = setup({ calls: 1, deadlineIn: 5_000 });
    await api.abortAndRollbackChangeOrder(CO);
    const err = await api.abortAndRollbackChangeOrder(CO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaeError);
    expect(err).toMatchObject({ code: 'Budget.Exhausted', kind: 'retryable' });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });
});
