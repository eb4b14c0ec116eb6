import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory', async () => {
  const clock = new ManualClock();
  return { store: new MemoryStore({ clock }), advance: async (ms) => clock.advance(ms) };
});
