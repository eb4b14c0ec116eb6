// How the core wires its steps (lib/rollback/wiring.ts): the storm short-cut of an app's cool-down is a
// valve, so with the valves turned off a cool-down left in the store never answers for a new release.
import { describe, expect, it } from 'vitest';
import { Valves } from '../../lib/policy/valves.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'a0c1a2b3-0000-4000-8000-00000000w001';
const NEXT = 'a0c1a2b3-0000-4000-8000-00000000w002';
const APP = 'app-wiring-0001';
const f = coreFixture(CO, APP);

describe('the cool-down short-cut follows the valves', () => {
  it('valves turned off: a new release inside the old cool-down is looked up and aborted', async () => {
    const withValves = new RollbackCore({
      sae: f.sae,
      store: f.store,
      clock: f.clock,
      valves: new Valves({ store: f.store }),
    });
    expect((await withValves.decide(f.req({ appId: APP }))).outcome.outcome).toBe('aborted');
    f.sae.addChangeOrder({ changeOrderId: NEXT, appId: APP, appName: 'checkout' });
    f.sae.calls.length = 0;
    f.clock.advance(11_000); // past the shared look-up (10 s), well inside the cool-down (15 min)

    const without = new RollbackCore({ sae: f.sae, store: f.store, clock: f.clock });
    const d = await without.decide(f.req({ appId: APP }));

    expect(d.outcome).toMatchObject({ outcome: 'aborted', changeOrderId: NEXT });
    expect(f.sae.calls).toEqual([
      { action: 'ListChangeOrders', id: APP },
      { action: 'AbortAndRollbackChangeOrder', id: NEXT },
    ]);
  });
});

describe('the defaults the core wires', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it('a delivery finding the change order in progress elsewhere waits, bounded, then answers retry', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let aborting = false;
    const abort = f.sae.abortAndRollbackChangeOrder.bind(f.sae);
    f.sae.abortAndRollbackChangeOrder = async (id) => {
      aborting = true;
      await gate; // SAE holds the first delivery's abort
      return abort(id);
    };
    const c = new RollbackCore({ sae: f.sae, store: f.store, clock: f.clock });
    const first = c.decide(f.req({ changeOrderId: CO }));
    while (!aborting) await tick();
    // Its invocation ends soon (2 s margin + 300 ms): the wait is bounded by that, not by the holder.
    const second = await c.decide(f.req({ changeOrderId: CO }), { deadline: f.clock.now() + 2_300 });
    release();
    expect(second).toMatchObject({ outcome: { outcome: 'in-progress', changeOrderId: CO }, retry: true });
    expect((await first).outcome.outcome).toBe('aborted');
    expect(f.sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('RESOLUTION_TTL 0: no shared look-up, each delivery lists for itself', async () => {
    const c = new RollbackCore({ sae: f.sae, store: f.store, clock: f.clock, resolutionTtlMs: 0 });
    const both = await Promise.all([c.decide(f.req({ appId: APP })), c.decide(f.req({ appId: APP }))]);
    expect(both.map((d) => d.outcome.outcome).sort()).toEqual(['aborted', 'duplicate']);
    expect(f.sae.count('ListChangeOrders')).toBe(2);
    expect(f.sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });
});
