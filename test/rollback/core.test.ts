import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { FakeSae } from '../helpers/fake-sae.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0001';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10001';

describe('RollbackCore', () => {
  let sae: FakeSae;
  let store: MemoryStore;
  let clock: ManualClock;
  let core: RollbackCore;
  const req = (r: Partial<RollbackRequest>): RollbackRequest => ({
    alarm: { source: 'test' },
    receivedAt: clock.now(),
    ...r,
  });

  beforeEach(() => {
    sae = new FakeSae();
    clock = new ManualClock();
    store = new MemoryStore({ clock });
    core = new RollbackCore({ sae, store, clock });
    sae.addChangeOrder({ changeOrderId: CO, appId: APP, appName: 'checkout', status: 1 });
  });

  it('aborts a running change order named by ID, describing it first', async () => {
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('aborted');
    expect(sae.calls.map((c) => c.action)).toEqual(['DescribeChangeOrder', 'AbortAndRollbackChangeOrder']);
    expect(d.outcome.sae.map((s) => s.requestId)).toEqual(['R1', 'R2']);
    expect(d.outcome.appName).toBe('checkout');
    expect(d.publish).toBe(d.outcome);
    expect(outcomeSchema.parse(d.outcome)).toEqual(d.outcome);
  });

  it('resolves an app to its running change order', async () => {
    const d = await core.decide(req({ appId: APP }));
    expect(d.outcome.outcome).toBe('aborted');
    expect(d.outcome.changeOrderId).toBe(CO);
    // One ListChangeOrders (CoStatus=1) says which change order runs, its app, type and start.
    expect(sae.calls.map((c) => c.action)).toEqual(['ListChangeOrders', 'AbortAndRollbackChangeOrder']);
  });

  it('answers a duplicate by change order ID from the store with zero SAE calls', async () => {
    const first = await core.decide(req({ changeOrderId: CO }));
    const callsBefore = sae.calls.length;
    const second = await core.decide(req({ changeOrderId: CO }));
    expect(sae.calls.length).toBe(callsBefore);
    expect(second.outcome.outcome).toBe('duplicate');
    expect(second.outcome.original).toEqual({ outcome: 'aborted', at: first.outcome.decidedAt });
    // The first outcome was never marked notified, so the duplicate re-offers it under its own message ID.
    expect(second.publish?.messageId).toBe(first.outcome.messageId);
    await store.markNotified(changeOrderKey(CO));
    const third = await core.decide(req({ changeOrderId: CO }));
    expect(third.publish).toBeUndefined();
  });

  it('answers a repeated app alarm as a duplicate, not as "nothing running", with no second abort', async () => {
    await core.decide(req({ appId: APP }));
    const again = await core.decide(req({ appId: APP }));
    expect(again.outcome.outcome).toBe('duplicate');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('answers in-progress (retry, nothing to publish) when another delivery holds the claim, without calling SAE', async () => {
    await store.claim(changeOrderKey(CO), 60_000);
    const fast = new RollbackCore({ sae, store, clock, inProgressWaitMs: 50 });
    const d = await fast.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('in-progress');
    expect(d.retry).toBe(true);
    expect(d.publish).toBeUndefined();
    expect(sae.calls).toEqual([]);
  });

  it('waits for the holder: the outcome it stores within the wait is the answer (a duplicate)', async () => {
    const claim = await store.claim(changeOrderKey(CO), 60_000);
    if (claim.status !== 'claimed') throw new Error('claim');
    const d = core.decide(req({ changeOrderId: CO }));
    await new Promise((r) => setTimeout(r, 150));
    const first = await new RollbackCore({ sae, store: new MemoryStore({ clock }), clock }).decide(
      req({ changeOrderId: CO }),
    );
    await store.complete(changeOrderKey(CO), claim.token, first.outcome, 60_000);
    const dup = await d;
    expect(dup.outcome.outcome).toBe('duplicate');
    expect(dup.outcome.original).toMatchObject({ outcome: 'aborted' });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('takes over a crashed holder once its claim expires', async () => {
    await store.claim(changeOrderKey(CO), 30_000);
    clock.advance(30_001);
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('aborted');
  });

  it('does not abort a change order that already finished', async () => {
    sae.addChangeOrder({ changeOrderId: CO, appId: APP, status: 2 });
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('already-finished');
    expect(d.outcome.summary).toContain('succeeded');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it('treats Application.ChangerOrder.Not.Running from the abort as already finished', async () => {
    sae.failNext('AbortAndRollbackChangeOrder', 'Application.ChangerOrder.Not.Running');
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('already-finished');
    expect(d.outcome.sae.at(-1)?.errorCode).toBe('Application.ChangerOrder.Not.Running');
  });

  it('says no-running-change-order when the app is idle', async () => {
    sae.addChangeOrder({ changeOrderId: CO, appId: APP, status: 2 });
    const d = await core.decide(req({ appId: APP }));
    expect(d.outcome.outcome).toBe('no-running-change-order');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it('refuses when the alarm names an app and a change order of another app', async () => {
    const d = await core.decide(req({ changeOrderId: CO, appId: 'app-other' }));
    expect(d.outcome.outcome).toBe('failed-permanent');
    expect(d.outcome.summary).toContain('belongs to app');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it.each([
    ['InvalidChangeOrder.NotFound', 'not-found'],
    ['Resouce.no.permission', 'forbidden'],
    ['AccessDenied', 'forbidden'],
    ['InvalidParameter.NotEmpty', 'failed-permanent'],
  ])('maps %s on the abort to %s and remembers it', async (code, outcome) => {
    sae.failNext('AbortAndRollbackChangeOrder', code);
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe(outcome);
    expect(d.outcome.retryable).toBe(false);
    expect(await store.get(changeOrderKey(CO))).toBeDefined();
  });

  it.each(['Throttling.User', 'Application.ChangerOrderRunning', 'System.Upgrading'])(
    'releases the claim after %s so a redelivery can finish the job',
    async (code) => {
      sae.failNext('AbortAndRollbackChangeOrder', code);
      const d = await core.decide(req({ changeOrderId: CO }));
      expect(d.outcome.outcome).toBe('failed-retryable');
      expect(d.outcome.retryable).toBe(true);
      const retry = await core.decide(req({ changeOrderId: CO }));
      expect(retry.outcome.outcome).toBe('aborted');
      expect(sae.count('AbortAndRollbackChangeOrder')).toBe(2);
    },
  );

  it('builds a rejected-input outcome that validates against the schema', () => {
    const o = core.rejected('http', 'body: not JSON', clock.now(), { fcRequestId: 'req-1' });
    expect(outcomeSchema.parse(o).outcome).toBe('rejected-input');
    expect(o.fcRequestId).toBe('req-1');
  });
});
