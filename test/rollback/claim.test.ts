import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { PENDING_INDEX } from '../../lib/rollback/pending.js';
import { coreFixture } from '../helpers/core-fixture.js';
import { FakeSae } from '../helpers/fake-sae.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0301';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10301';

describe('the claim step (claim.ts)', () => {
  const f = coreFixture(CO, APP);

  /** Another delivery holds the change order and stores an aborted outcome 100 ms from now. */
  async function holderFinishesSoon() {
    const { store, clock, req } = f;
    const claim = await store.claim(changeOrderKey(CO), 60_000);
    if (claim.status !== 'claimed') throw new Error('claim');
    const done = await new RollbackCore({ sae: new FakeSae(), store: new MemoryStore({ clock }), clock })
      .decide(req({ appId: APP }))
      .then((d) => d.outcome);
    setTimeout(() => void store.complete(changeOrderKey(CO), claim.token, done, 60_000), 100);
  }

  it('a delivery whose deadline leaves no time beyond the margin does not wait for the holder: it answers retry', async () => {
    const { sae, store, clock, req } = f;
    await holderFinishesSoon();
    const core = new RollbackCore({ sae, store, clock, deadlineMarginMs: 2_000, inProgressWaitMs: 2_000 });
    const d = await core.decide(req({ changeOrderId: CO }), { deadline: clock.now() + 1_000 });
    expect(d.outcome.outcome).toBe('in-progress');
    expect(d.retry).toBe(true);
    expect(sae.calls).toEqual([]);
  });

  it('with time to spare it waits for the holder and answers with its outcome', async () => {
    const { sae, store, clock, req } = f;
    await holderFinishesSoon();
    const core = new RollbackCore({ sae, store, clock, deadlineMarginMs: 2_000, inProgressWaitMs: 2_000 });
    const d = await core.decide(req({ changeOrderId: CO }), { deadline: clock.now() + 60_000 });
    expect(d.outcome.outcome).toBe('duplicate');
    expect(sae.calls).toEqual([]);
  });

  it('the claim lasts until just past the invocation deadline, and the request is journaled for the orphan sweep', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    sae.failNext('DescribeChangeOrder', 'Throttling.User'); // retryable: the claim is given back
    const deadline = clock.now() + 30_000;
    const d = await core.decide(req({ changeOrderId: CO }), { deadline });
    expect(d.outcome.outcome).toBe('failed-retryable');
    // ...but the journal keeps the request until an outcome is stored for it.
    const [entry] = (await store.indexList(PENDING_INDEX, 10)).map((e) => JSON.parse(e.value));
    expect(entry).toMatchObject({
      storeKey: changeOrderKey(CO),
      claimedAt: clock.now(),
      claimExpiresAt: deadline + 1_000,
      request: { changeOrderId: CO },
    });
  });
});
