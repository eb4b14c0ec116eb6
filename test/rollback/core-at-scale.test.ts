import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { Valves } from '../../lib/policy/valves.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { FakeSae } from '../helpers/fake-sae.js';

const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10001';
const APP2 = 'app-0099b7be-5f5b-4512-a7fc-56049ef10002';

class BrokenStore extends MemoryStore {
  override async claim(): Promise<never> {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  }
}

describe('RollbackCore at scale: coalescing, valves, budget', () => {
  let sae: FakeSae;
  let store: MemoryStore;
  let clock: ManualClock;
  const req = (r: Partial<RollbackRequest>): RollbackRequest => ({
    alarm: { source: 'test', name: 'checkout 5xx' },
    receivedAt: clock.now(),
    ...r,
  });
  const makeCore = (extra: Partial<ConstructorParameters<typeof RollbackCore>[0]> = {}) =>
    new RollbackCore({ sae, store, clock, ...extra });

  beforeEach(() => {
    sae = new FakeSae();
    clock = new ManualClock();
    store = new MemoryStore({ clock });
    sae.addChangeOrder({ changeOrderId: 'co-1', appId: APP, appName: 'checkout', status: 1 });
  });

  it('resolves 1,000 concurrent alarms for one app with one ListChangeOrders and one abort', async () => {
    const core = makeCore();
    const decisions = await Promise.all(
      Array.from({ length: 1_000 }, () => core.decide(req({ appId: APP }))),
    );
    expect(sae.count('ListChangeOrders')).toBe(1);
    expect(sae.count('DescribeApplicationStatus')).toBe(0);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
    const kinds = decisions.map((d) => d.outcome.outcome);
    expect(kinds.filter((k) => k === 'aborted')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'duplicate')).toHaveLength(999);
  });

  it('shares the resolution for its TTL only, then looks again (and still says duplicate)', async () => {
    const core = makeCore({ resolutionTtlMs: 5_000 });
    await core.decide(req({ appId: APP }));
    expect((await core.decide(req({ appId: APP }))).outcome.outcome).toBe('duplicate');
    expect(sae.count('ListChangeOrders')).toBe(1);
    clock.advance(5_001);
    expect((await core.decide(req({ appId: APP }))).outcome.outcome).toBe('duplicate');
    // Nothing executes any more (CoStatus=1 lists none): the status says co-1 was the last, handled.
    expect(sae.count('ListChangeOrders')).toBe(2);
    expect(sae.count('DescribeApplicationStatus')).toBe(1);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('suppresses a second rollback of the same app within the cool-down, and says why', async () => {
    const core = makeCore({ valves: new Valves({ store, settings: { cooldownMs: 600_000 } }) });
    expect((await core.decide(req({ appId: APP }))).outcome.outcome).toBe('aborted');
    sae.addChangeOrder({ changeOrderId: 'co-2', appId: APP, status: 1 });
    const d = await core.decide(req({ changeOrderId: 'co-2' }));
    expect(d.outcome).toMatchObject({ outcome: 'suppressed', valve: 'cool-down', changeOrderId: 'co-2' });
    expect(d.outcome.reason).toMatch(/rolled back less than 10 min ago/);
    expect(d.publish).toBe(d.outcome);
    expect(outcomeSchema.parse(d.outcome)).toEqual(d.outcome);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
    // Remembered like a permanent failure: repeats are duplicates, not a storm of notifications.
    expect((await core.decide(req({ changeOrderId: 'co-2' }))).outcome.original).toMatchObject({
      outcome: 'suppressed',
    });
  });

  it('trips the global cap (circuit breaker) with a suppressed outcome per refused change order', async () => {
    sae.addChangeOrder({ changeOrderId: 'co-2', appId: APP2, status: 1 });
    const core = makeCore({ valves: new Valves({ store, settings: { globalCap: 1 } }) });
    expect((await core.decide(req({ changeOrderId: 'co-1' }))).outcome.outcome).toBe('aborted');
    const d = await core.decide(req({ changeOrderId: 'co-2' }));
    expect(d.outcome).toMatchObject({ outcome: 'suppressed', valve: 'global-cap', retryable: false });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('suppresses a flapping alarm, counting the OK observations the handlers report', async () => {
    const valves = new Valves({ store, settings: { flapChanges: 3 } });
    const core = makeCore({ valves });
    const alarm = { source: 'cloudmonitor', ruleId: 'r-1', name: 'rt' };
    await valves.observe({ alarm: { ...alarm, state: 'ALERT' }, appId: APP });
    await valves.observe({ alarm: { ...alarm, state: 'OK' }, appId: APP });
    await valves.observe({ alarm: { ...alarm, state: 'ALERT' }, appId: APP });
    await valves.observe({ alarm: { ...alarm, state: 'OK' }, appId: APP });
    const d = await core.decide(req({ appId: APP, alarm: { ...alarm, state: 'ALERT' } }));
    expect(d.outcome).toMatchObject({ outcome: 'suppressed', valve: 'flapping' });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it('gives the cool-down back when the abort did not happen', async () => {
    const core = makeCore({ valves: new Valves({ store, settings: { cooldownMs: 600_000 } }) });
    sae.failNext('AbortAndRollbackChangeOrder', 'AccessDenied');
    expect((await core.decide(req({ changeOrderId: 'co-1' }))).outcome.outcome).toBe('forbidden');
    sae.addChangeOrder({ changeOrderId: 'co-2', appId: APP, status: 1 });
    expect((await core.decide(req({ changeOrderId: 'co-2' }))).outcome.outcome).toBe('aborted');
  });

  it('retries a throttled abort inside the invocation when a call policy is set', async () => {
    const core = makeCore({
      budget: new MemoryBudget({ clock }),
      callPolicy: { sleep: async (ms) => clock.advance(ms) },
    });
    sae.failNext('AbortAndRollbackChangeOrder', 'Throttling.User');
    const d = await core.decide(req({ changeOrderId: 'co-1' }), { deadline: clock.now() + 30_000 });
    expect(d.outcome.outcome).toBe('aborted');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(2);
  });

  it('reports failed-retryable and releases the claim when the budget has no token in time', async () => {
    const budget = new MemoryBudget({ clock, limits: { calls: 2, windowMs: 60_000, abortReserve: 0 } });
    const core = makeCore({ budget, callPolicy: { sleep: async (ms) => clock.advance(ms) } });
    const inv = () => ({ deadline: clock.now() + 10_000 });
    await budget.take('lookup');
    await budget.take('lookup');
    const d = await core.decide(req({ changeOrderId: 'co-1' }), inv());
    expect(d.outcome.outcome).toBe('failed-retryable');
    expect(d.outcome.sae.at(-1)?.errorCode).toBe('Budget.Exhausted');
    expect(sae.calls).toHaveLength(0);
    clock.advance(70_000);
    expect((await core.decide(req({ changeOrderId: 'co-1' }), inv())).outcome.outcome).toBe('aborted');
  });

  it('answers failed-retryable, without any SAE call, when the store is unreachable', async () => {
    store = new BrokenStore({ clock });
    const d = await makeCore().decide(req({ changeOrderId: 'co-1' }));
    expect(d.outcome).toMatchObject({ outcome: 'failed-retryable', retryable: true });
    expect(d.outcome.reason).toContain('ECONNREFUSED');
    expect(sae.calls).toHaveLength(0);
    expect(await store.get(changeOrderKey('co-1'))).toBeUndefined();
  });
});
