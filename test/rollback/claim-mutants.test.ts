import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { type ClaimResult, changeOrderKey } from '../../lib/idempotency/store.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { notReleaseKey, typeKey } from '../../lib/rollback/drafts.js';
import { PENDING_INDEX } from '../../lib/rollback/pending.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0241';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10241';
const DAY = 86_400_000;

/** Counts the claims a waiting delivery makes (each one a Redis round trip in production). */
class CountingStore extends MemoryStore {
  claims = 0;
  override claim(key: string, ttlMs: number): Promise<ClaimResult> {
    this.claims++;
    return super.claim(key, ttlMs);
  }
}

describe('the claim step while another delivery holds the change order (claim.ts)', () => {
  const f = coreFixture(CO, APP);

  it('polls the store every 100 ms or so while it waits, not in a busy loop', async () => {
    const { sae, clock, req } = f;
    // claim.ts's sleep is module-level: loaded inside the test, so the mutation run sees it used.
    vi.resetModules();
    const { RollbackCore: FreshCore } = await import('../../lib/rollback/core.js');
    const store = new CountingStore({ clock });
    await store.claim(changeOrderKey(CO), 60_000); // the holder, which never finishes in time
    store.claims = 0;

    const d = await new FreshCore({ sae, store, clock, inProgressWaitMs: 300 }).decide(
      req({ changeOrderId: CO }),
    );

    expect(d.outcome.outcome).toBe('in-progress');
    expect(d.retry).toBe(true);
    // About 4 (at 0, 100, 200, 300 ms); fewer when the machine is slow, never hundreds.
    expect(store.claims).toBeGreaterThanOrEqual(2);
    expect(store.claims).toBeLessThanOrEqual(6);
    expect(sae.calls).toEqual([]);
  });

  it('a wait shorter than the poll interval ends when it says: the holder finishing later is not waited for', async () => {
    const { sae, store, clock, req } = f;
    const claim = await store.claim(changeOrderKey(CO), 60_000);
    if (claim.status !== 'claimed') throw new Error(claim.status);
    const done = (
      await new RollbackCore({ sae, store: new MemoryStore({ clock }), clock }).decide(
        req({ changeOrderId: CO }),
      )
    ).outcome;
    const calls = sae.calls.length;
    // The holder stores its outcome 60 ms from now; this delivery may wait 10 ms only.
    const holder = new Promise((r) => setTimeout(r, 60)).then(() =>
      store.complete(changeOrderKey(CO), claim.token, done, 60_000),
    );

    const d = await new RollbackCore({ sae, store, clock, inProgressWaitMs: 10 }).decide(
      req({ changeOrderId: CO }),
    );
    await holder;

    expect(d.outcome.outcome).toBe('in-progress');
    expect(d.retry).toBe(true);
    expect(sae.calls.length).toBe(calls);
  });
});

describe('the claim step on a change order known not to be a release (claim.ts)', () => {
  const f = coreFixture(CO, APP);

  it('its type remembered but its refusal gone (expired first): decided afresh — described, refused, not aborted', async () => {
    const { sae, store, clock, req } = f;
    sae.addChangeOrder({ changeOrderId: CO, appId: APP, coTypeCode: 'CoScaleOut' });
    await store.putValue(typeKey(CO), 'CoScaleOut', DAY);
    expect(await store.get(notReleaseKey(CO))).toBeUndefined();

    const d = await new RollbackCore({ sae, store, clock }).decide(req({ changeOrderId: CO }));

    expect(d.outcome).toMatchObject({ outcome: 'refused', changeOrderId: CO });
    expect(d.outcome.reason).toMatch(/^change-type: /);
    expect(sae.calls.map((c) => c.action)).toEqual(['DescribeChangeOrder']);
    // Kept again, the next alarm is answered from the store.
    const again = await new RollbackCore({ sae, store, clock }).decide(req({ changeOrderId: CO }));
    expect(again.outcome.outcome).toBe('duplicate');
    expect(sae.calls.map((c) => c.action)).toEqual(['DescribeChangeOrder']);
  });

  it('refused as not a release, then named by an operator who allows its type: aborted, once', async () => {
    const { sae, store, clock, req } = f;
    sae.addChangeOrder({ changeOrderId: CO, appId: APP, coTypeCode: 'CoScaleOut' });
    const core = new RollbackCore({ sae, store, clock });
    const refused = await core.decide(req({ changeOrderId: CO }));
    const dup = await core.decide(req({ changeOrderId: CO }));

    const allowed = await core.decide(req({ changeOrderId: CO, allowTypes: ['CoScaleOut'] }));

    expect([refused, dup].map((d) => d.outcome.outcome)).toEqual(['refused', 'duplicate']);
    expect(allowed.outcome).toMatchObject({ outcome: 'aborted', changeOrderId: CO });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });
});

describe("the claim's lifetime (claim.ts)", () => {
  const f = coreFixture(CO, APP);

  it.each([
    ['has already passed', -5_000],
    ['is now', 0],
  ])(
    'an invocation whose deadline %s claims for the default lifetime, not a claim already expired',
    async (_, offset) => {
      const { sae, store, clock, req } = f;
      sae.failNext('DescribeChangeOrder', 'Throttling.User'); // retryable: the claim is given back, the journal stays
      const d = await new RollbackCore({ sae, store, clock, defaultClaimMs: 60_000 }).decide(
        req({ changeOrderId: CO }),
        {
          deadline: clock.now() + offset,
        },
      );
      expect(d.outcome.outcome).toBe('failed-retryable');
      const [entry] = (await store.indexList(PENDING_INDEX, 10)).map((e) => JSON.parse(e.value));
      expect(entry).toMatchObject({ storeKey: changeOrderKey(CO), claimExpiresAt: clock.now() + 60_000 });
    },
  );
});
