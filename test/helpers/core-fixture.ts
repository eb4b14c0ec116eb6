import { beforeEach } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { FakeSae } from './fake-sae.js';

export interface CoreFixture {
  sae: FakeSae;
  store: MemoryStore;
  clock: ManualClock;
  req(r: Partial<RollbackRequest>): RollbackRequest;
}

/**
 * The decision core's ports for a test file, fresh before each test: an in-memory SAE holding one
 * running release (`changeOrderId` of `appId`), a memory store and a manual clock.
 */
export function coreFixture(changeOrderId: string, appId: string): CoreFixture {
  const f = {
    req: (r: Partial<RollbackRequest>): RollbackRequest => ({
      alarm: { source: 'test' },
      receivedAt: f.clock.now(),
      ...r,
    }),
  } as CoreFixture;
  beforeEach(() => {
    f.sae = new FakeSae();
    f.clock = new ManualClock();
    f.store = new MemoryStore({ clock: f.clock });
    f.sae.addChangeOrder({ changeOrderId, appId, appName: 'checkout', status: 1 });
  });
  return f;
}
