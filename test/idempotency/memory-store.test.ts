import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { makeOutcome } from '../helpers/outcome.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory', async () => {
  const clock = new ManualClock();
  return { store: new MemoryStore({ clock }), advance: async (ms) => clock.advance(ms) };
});

describe('memory store purges what expired', () => {
  it('drops expired outcomes, values and claims of keys never read again', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock, sweepEveryMs: 1_000 });
    for (let i = 0; i < 100; i++) {
      const c = await store.claim(`co:${i}`, 5_000);
      if (c.status !== 'claimed') throw new Error('expected a claim');
      await store.complete(`co:${i}`, c.token, makeOutcome(), 10_000);
      await store.putValue(`resolution:${i}`, 'x', 10_000);
    }
    expect(store.held).toBe(200);

    clock.advance(10_001);
    await store.putValue('fresh', 'y', 10_000);

    expect(store.held).toBe(1);
    expect(await store.getValue('fresh')).toBe('y');
  });
});
