import { beforeEach } from 'vitest';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import type { Store } from '../../lib/idempotency/store.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import type { SaeApi } from '../../lib/sae/types.js';
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

/**
 * A core on a shared budget that a storm has spent (`calls: 2`, one held for aborts, one taken): a
 * look-up needs two free tokens, so the next SAE call waits — on the manual clock — and is starved.
 */
export async function starvedCore(ports: { sae: SaeApi; store: Store; clock: ManualClock }) {
  const { clock } = ports;
  const budget = new MemoryBudget({ clock, limits: { calls: 2, windowMs: 60_000, abortReserve: 1 } });
  const core = new RollbackCore({ ...ports, budget, callPolicy: { sleep: async (ms) => clock.advance(ms) } });
  await budget.take('abort');
  return core;
}
