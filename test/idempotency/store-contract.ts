import { beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../lib/clock.js';
import type { Store } from '../../lib/idempotency/store.js';
import type { Outcome } from '../../lib/rollback/outcome.js';

/** An outcome good enough for storage tests. */
export function sampleOutcome(over: Partial<Outcome> = {}): Outcome {
  return {
    schemaVersion: 1,
    outcome: 'aborted',
    summary: 'Aborted change order co-1 of app app-1.',
    messageId: 'sr-1',
    changeOrderId: 'co-1',
    sae: [{ action: 'AbortAndRollbackChangeOrder', requestId: 'RID-1' }],
    retryable: false,
    receivedAt: '2026-11-29T03:00:00.000Z',
    decidedAt: '2026-11-29T03:00:01.000Z',
    ...over,
  };
}

/**
 * The behaviour every Store adapter must share (memory now, Redis next). `make` returns a fresh,
 * empty store driven by `clock` (adapters with server-side expiry may ignore it: see `realTime`).
 */
export function describeStoreContract(
  name: string,
  make: () => Promise<{ store: Store; clock: ManualClock }>,
) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let clock: ManualClock;
    let key: string;
    let n = 0;

    beforeEach(async () => {
      ({ store, clock } = await make());
      key = `contract-${Date.now()}-${++n}`;
    });

    it('claims a new key once; a second claim sees in-progress', async () => {
      const first = await store.claim(key, 10_000);
      expect(first.status).toBe('claimed');
      const second = await store.claim(key, 10_000);
      expect(second.status).toBe('in-progress');
    });

    it('stores the outcome on complete; later claims get it back', async () => {
      const c = await store.claim(key, 10_000);
      if (c.status !== 'claimed') throw new Error('expected claim');
      expect(await store.complete(key, c.token, sampleOutcome(), 60_000)).toBe(true);
      const again = await store.claim(key, 10_000);
      expect(again.status).toBe('completed');
      if (again.status === 'completed') {
        expect(again.record.outcome).toEqual(sampleOutcome());
        expect(again.record.notified).toBe(false);
      }
      await store.markNotified(key);
      expect((await store.get(key))?.notified).toBe(true);
    });

    it('lets a redelivery take over after the holder crashed and its claim expired', async () => {
      const crashed = await store.claim(key, 1_000);
      expect(crashed.status).toBe('claimed');
      clock.advance(1_001);
      const next = await store.claim(key, 10_000);
      expect(next.status).toBe('claimed');
    });

    it('never lets a holder whose claim expired complete or release the new owner’s claim', async () => {
      const old = await store.claim(key, 1_000);
      if (old.status !== 'claimed') throw new Error('expected claim');
      clock.advance(1_001);
      const current = await store.claim(key, 10_000);
      if (current.status !== 'claimed') throw new Error('expected takeover');
      expect(await store.complete(key, old.token, sampleOutcome({ summary: 'stale' }), 60_000)).toBe(false);
      expect(await store.release(key, old.token)).toBe(false);
      expect((await store.claim(key, 10_000)).status).toBe('in-progress');
      expect(await store.complete(key, current.token, sampleOutcome(), 60_000)).toBe(true);
      expect((await store.get(key))?.outcome.summary).toBe(sampleOutcome().summary);
    });

    it('release frees the key for the next delivery', async () => {
      const c = await store.claim(key, 10_000);
      if (c.status !== 'claimed') throw new Error('expected claim');
      expect(await store.release(key, c.token)).toBe(true);
      expect((await store.claim(key, 10_000)).status).toBe('claimed');
    });

    it('forgets a completed record after its retention TTL', async () => {
      const c = await store.claim(key, 10_000);
      if (c.status !== 'claimed') throw new Error('expected claim');
      await store.complete(key, c.token, sampleOutcome(), 5_000);
      clock.advance(5_001);
      expect(await store.get(key)).toBeUndefined();
      expect((await store.claim(key, 10_000)).status).toBe('claimed');
    });
  });
}
