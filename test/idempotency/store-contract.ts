import { beforeEach, describe, expect, it } from 'vitest';
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

export interface ContractSubject {
  store: Store;
  /**
   * Lets `ms` pass for the store: advances a ManualClock (memory), or really waits (Redis, whose
   * expiry is server-side). The suite keeps expiring durations short so both stay fast.
   */
  advance(ms: number): Promise<void>;
}

/** Expiring things in the suite live this long, then the suite lets SHORT + MARGIN pass. */
const SHORT = 150;
const MARGIN = 60;
const LONG = 10_000;

/**
 * The behaviour every Store adapter must share: one suite, run for memory and for Redis. `make`
 * returns a fresh store whose keys do not collide with other runs.
 */
export function describeStoreContract(name: string, make: () => Promise<ContractSubject>) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let advance: (ms: number) => Promise<void>;
    let key: string;
    let n = 0;
    const expire = () => advance(SHORT + MARGIN);

    beforeEach(async () => {
      ({ store, advance } = await make());
      key = `contract-${Date.now()}-${++n}`;
    });

    describe('idempotency records', () => {
      it('claims a new key once; a second claim sees in-progress with its expiry', async () => {
        const first = await store.claim(key, LONG);
        expect(first.status).toBe('claimed');
        const second = await store.claim(key, LONG);
        expect(second.status).toBe('in-progress');
      });

      it('gives exactly one of many concurrent claims the key', async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => store.claim(key, LONG)));
        expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'in-progress')).toHaveLength(49);
      });

      it('stores the outcome on complete; later claims get it back', async () => {
        const c = await store.claim(key, LONG);
        if (c.status !== 'claimed') throw new Error('expected claim');
        expect(await store.complete(key, c.token, sampleOutcome(), LONG)).toBe(true);
        const again = await store.claim(key, LONG);
        expect(again.status).toBe('completed');
        if (again.status === 'completed') {
          expect(again.record.outcome).toEqual(sampleOutcome());
          expect(again.record.notified).toBe(false);
        }
        await store.markNotified(key);
        expect((await store.get(key))?.notified).toBe(true);
      });

      it('keeps its own copy: changing the outcome given or read back changes nothing stored', async () => {
        const c = await store.claim(key, LONG);
        if (c.status !== 'claimed') throw new Error('expected claim');
        const given = sampleOutcome();
        await store.complete(key, c.token, given, LONG);
        given.summary = 'changed by the caller after complete';
        const read = await store.get(key);
        if (!read) throw new Error('expected the record');
        read.outcome.sae.push({ action: 'DescribeChangeOrder' });
        read.delivered.push('webhook');
        const again = await store.claim(key, LONG);
        expect(again.status === 'completed' && again.record.outcome).toEqual(sampleOutcome());
        expect((await store.get(key))?.delivered).toEqual([]);
      });

      it('keeps the outbox: which channels took the outcome, each once, only for completed records', async () => {
        const c = await store.claim(key, LONG);
        if (c.status !== 'claimed') throw new Error('expected claim');
        await store.markDelivered(key, ['mns']);
        expect(await store.get(key)).toBeUndefined();
        await store.complete(key, c.token, sampleOutcome(), LONG);
        expect((await store.get(key))?.delivered).toEqual([]);
        await store.markDelivered(key, ['mns']);
        await store.markDelivered(key, ['webhook', 'mns']);
        const again = await store.claim(key, LONG);
        expect(again.status === 'completed' && [...again.record.delivered].sort()).toEqual([
          'mns',
          'webhook',
        ]);
        expect((await store.get(key))?.notified).toBe(false);
      });

      it('does not return in-progress claims from get', async () => {
        await store.claim(key, LONG);
        expect(await store.get(key)).toBeUndefined();
      });

      it('lets a redelivery take over after the holder crashed and its claim expired', async () => {
        const crashed = await store.claim(key, SHORT);
        expect(crashed.status).toBe('claimed');
        await expire();
        const next = await store.claim(key, LONG);
        expect(next.status).toBe('claimed');
      });

      it('never lets a holder whose claim expired complete or release the new owner’s claim (#5675)', async () => {
        const old = await store.claim(key, SHORT);
        if (old.status !== 'claimed') throw new Error('expected claim');
        await expire();
        const current = await store.claim(key, LONG);
        if (current.status !== 'claimed') throw new Error('expected takeover');
        expect(await store.complete(key, old.token, sampleOutcome({ summary: 'stale' }), LONG)).toBe(false);
        expect(await store.release(key, old.token)).toBe(false);
        expect((await store.claim(key, LONG)).status).toBe('in-progress');
        expect(await store.complete(key, current.token, sampleOutcome(), LONG)).toBe(true);
        expect((await store.get(key))?.outcome.summary).toBe(sampleOutcome().summary);
      });

      it('never lets a stale holder overwrite or delete a completed record', async () => {
        const old = await store.claim(key, SHORT);
        if (old.status !== 'claimed') throw new Error('expected claim');
        await expire();
        const current = await store.claim(key, LONG);
        if (current.status !== 'claimed') throw new Error('expected takeover');
        await store.complete(key, current.token, sampleOutcome(), LONG);
        expect(await store.release(key, old.token)).toBe(false);
        expect(
          await store.complete(key, old.token, sampleOutcome({ outcome: 'failed-permanent' }), LONG),
        ).toBe(false);
        expect((await store.get(key))?.outcome.outcome).toBe('aborted');
      });

      it('refuses to complete an expired claim nobody took over', async () => {
        const old = await store.claim(key, SHORT);
        if (old.status !== 'claimed') throw new Error('expected claim');
        await expire();
        expect(await store.complete(key, old.token, sampleOutcome(), LONG)).toBe(false);
        expect(await store.get(key)).toBeUndefined();
        expect((await store.claim(key, LONG)).status).toBe('claimed');
      });

      it('release frees the key for the next delivery', async () => {
        const c = await store.claim(key, LONG);
        if (c.status !== 'claimed') throw new Error('expected claim');
        expect(await store.release(key, c.token)).toBe(true);
        expect((await store.claim(key, LONG)).status).toBe('claimed');
      });

      it('forgets a completed record after its retention TTL', async () => {
        const c = await store.claim(key, LONG);
        if (c.status !== 'claimed') throw new Error('expected claim');
        await store.complete(key, c.token, sampleOutcome(), SHORT);
        await expire();
        expect(await store.get(key)).toBeUndefined();
        expect((await store.claim(key, LONG)).status).toBe('claimed');
      });
    });

    describe('shared state', () => {
      it('keeps a value until its TTL', async () => {
        expect(await store.getValue(key)).toBeUndefined();
        await store.putValue(key, '{"a":1}', SHORT);
        expect(await store.getValue(key)).toBe('{"a":1}');
        await expire();
        expect(await store.getValue(key)).toBeUndefined();
      });

      it('gives a lease to one holder at a time, re-entrant, until it ends or expires', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.lease(key, `h${i}`, SHORT)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = `h${results.indexOf(true)}`;
        expect(await store.lease(key, winner, SHORT)).toBe(true);
        expect(await store.unlease(key, 'someone-else')).toBe(false);
        expect(await store.unlease(key, winner)).toBe(true);
        expect(await store.lease(key, 'h-next', SHORT)).toBe(true);
        await expire();
        expect(await store.unlease(key, 'h-next')).toBe(false);
        expect(await store.lease(key, 'h-after', LONG)).toBe(true);
      });

      it('hands out at most `cap` slots per sliding window, re-entrant per member', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.takeSlot(key, `m${i}`, 3, SHORT)),
        );
        expect(results.filter(Boolean)).toHaveLength(3);
        const holder = `m${results.indexOf(true)}`;
        expect(await store.takeSlot(key, holder, 3, SHORT)).toBe(true);
        await store.releaseSlot(key, holder);
        expect(await store.takeSlot(key, 'late', 3, SHORT)).toBe(true);
        expect(await store.takeSlot(key, 'later', 3, SHORT)).toBe(false);
        await expire();
        expect(await store.takeSlot(key, 'next-window', 3, SHORT)).toBe(true);
      });

      it('counts state changes within the window', async () => {
        expect(await store.recordState(key, 'ALERT', SHORT)).toBe(0);
        expect(await store.recordState(key, 'ALERT', SHORT)).toBe(0);
        expect(await store.recordState(key, 'OK', SHORT)).toBe(1);
        expect(await store.recordState(key, 'ALERT', SHORT)).toBe(2);
        await expire();
        expect(await store.recordState(key, 'OK', SHORT)).toBe(0);
      });

      it('keeps each key’s state changes apart', async () => {
        const other = `${key}-other`;
        expect(await store.recordState(key, 'ALERT', LONG)).toBe(0);
        expect(await store.recordState(key, 'OK', LONG)).toBe(1);
        // Another key's first sighting: neither the last state nor the changes of `key` count.
        expect(await store.recordState(other, 'ALERT', LONG)).toBe(0);
        expect(await store.recordState(key, 'OK', LONG)).toBe(1);
      });

      it('keeps an index: set (overwrites), delete, list up to a limit', async () => {
        expect(await store.indexList(key, 10)).toEqual([]);
        await store.indexSet(key, 'co-1', 'first');
        await store.indexSet(key, 'co-2', 'second');
        await store.indexSet(key, 'co-3', 'third');
        await store.indexSet(key, 'co-1', 'again');
        await store.indexDelete(key, 'co-3');
        await store.indexDelete(key, 'missing');
        await store.indexDelete(`${key}-none`, 'co-1');
        const all = await store.indexList(key, 10);
        expect([...all].sort((a, b) => a.member.localeCompare(b.member))).toEqual([
          { member: 'co-1', value: 'again' },
          { member: 'co-2', value: 'second' },
        ]);
        const one = await store.indexList(key, 1);
        expect(one).toHaveLength(1);
        expect(all).toContainEqual(one[0]);
        expect(await store.indexList(`${key}-none`, 10)).toEqual([]);
      });

      it('keeps a set: add (idempotent), list, remove, expire after the last addition', async () => {
        expect(await store.members(key)).toEqual([]);
        await Promise.all(['a', 'b', 'c', 'a'].map((m) => store.addMember(key, m, SHORT)));
        expect((await store.members(key)).sort()).toEqual(['a', 'b', 'c']);
        await store.removeMembers(key, ['b', 'missing']);
        await store.removeMembers(key, []);
        expect((await store.members(key)).sort()).toEqual(['a', 'c']);
        await expire();
        expect(await store.members(key)).toEqual([]);
      });
    });
  });
}
