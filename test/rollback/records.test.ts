import { describe, expect, it } from 'vitest';
import { Policy } from '../../lib/policy/policy.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0101';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10101';

describe('a decision that did nothing is published once per condition (records.ts noted)', () => {
  const f = coreFixture(CO, APP);

  it('a refusal whose condition another delivery holds is retried, never dropped; published once the holder is gone', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock, policy: new Policy({ optOutAppIds: [APP] }) });
    // A delivery claimed the refusal's condition and died before it stored (and published) it.
    await store.claim(`sae-rollback:refused:opt-out:app:${APP}`, 60_000);

    const d = await core.decide(req({ appId: APP }));
    expect(d.outcome.outcome).toBe('refused');
    expect(d.publish).toBeUndefined();
    expect(d.retry).toBe(true);

    clock.advance(60_001); // the dead holder's claim expired: the redelivery reports it
    const again = await core.decide(req({ appId: APP }));
    expect(again.publish?.outcome).toBe('refused');
    expect(again.retry).not.toBe(true);
    const third = await core.decide(req({ appId: APP }));
    expect(third.outcome.outcome).toBe('duplicate');
    expect(sae.calls).toEqual([]);
  });

  it('a mismatch refusal whose note another delivery holds is retried too', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    await store.claim(`sae-rollback:mismatch:app-other:${CO}`, 60_000);
    const d = await core.decide(req({ changeOrderId: CO, appId: 'app-other' }));
    expect(d.outcome.outcome).toBe('failed-permanent');
    expect(d.retry).toBe(true);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });
});
