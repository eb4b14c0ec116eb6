import { describe, expect, it } from 'vitest';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0201';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10201';
const MIN = 60_000;

describe('the record step: how long an outcome answers redeliveries (record.ts)', () => {
  const f = coreFixture(CO, APP);

  it('an abort is remembered for the retention (24 h), not the failure retention (5 min)', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    const first = await core.decide(req({ changeOrderId: CO }));
    expect(first.outcome.outcome).toBe('aborted');
    clock.advance(6 * MIN);
    const calls = sae.calls.length;
    const later = await core.decide(req({ changeOrderId: CO }));
    expect(later.outcome.outcome).toBe('duplicate');
    expect(later.outcome.original).toEqual({ outcome: 'aborted', at: first.outcome.decidedAt });
    expect(sae.calls.length).toBe(calls); // answered from the store
    clock.advance(23 * 60 * MIN);
    expect(await store.get(changeOrderKey(CO))).toBeDefined();
    clock.advance(60 * MIN);
    expect(await store.get(changeOrderKey(CO))).toBeUndefined();
  });

  it('a permanent failure is remembered only for the failure retention, then tried again', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    sae.failNext('AbortAndRollbackChangeOrder', 'InvalidParameter.NotEmpty');
    const first = await core.decide(req({ changeOrderId: CO }));
    expect(first.outcome.outcome).toBe('failed-permanent');
    clock.advance(4 * MIN);
    expect((await core.decide(req({ changeOrderId: CO }))).outcome.outcome).toBe('duplicate');
    clock.advance(2 * MIN);
    expect((await core.decide(req({ changeOrderId: CO }))).outcome.outcome).toBe('aborted');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(2);
  });

  it('honours configured retentions', async () => {
    const { sae, store, clock, req } = f;
    const short = new RollbackCore({ sae, store, clock, retentionMs: 10 * MIN, failureRetentionMs: MIN });
    await short.decide(req({ changeOrderId: CO }));
    clock.advance(9 * MIN);
    expect(await store.get(changeOrderKey(CO))).toBeDefined();
    clock.advance(2 * MIN);
    expect(await store.get(changeOrderKey(CO))).toBeUndefined();
  });

  it('a retryable failure gives the claim back and is published; the redelivery aborts', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    sae.failNext('AbortAndRollbackChangeOrder', 'Throttling.User');
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('failed-retryable');
    expect(d.publish).toBe(d.outcome);
    expect(d.storeKey).toBeUndefined();
    expect(await store.get(changeOrderKey(CO))).toBeUndefined();
  });

  it('a stored outcome is handed on with its store key, for the publisher to mark notified', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.storeKey).toBe(changeOrderKey(CO));
    expect(d.publish).toBe(d.outcome);
    expect((await store.get(changeOrderKey(CO)))?.outcome.messageId).toBe(d.outcome.messageId);
  });
});
