import { describe, expect, it } from 'vitest';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { Policy } from '../../lib/policy/policy.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { buildOutcome } from '../../lib/rollback/records.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0231';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10231';

describe('what a repeat says about the decision it repeats (records.ts)', () => {
  const f = coreFixture(CO, APP);

  it('a repeat of an abort, named only by change order, names the app and when and how it was handled', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    const first = await core.decide(req({ changeOrderId: CO }));
    clock.advance(1_000);
    const dup = await core.decide(req({ changeOrderId: CO }));
    expect(dup.outcome).toMatchObject({
      outcome: 'duplicate',
      changeOrderId: CO,
      appId: APP,
      appName: 'checkout',
      summary: `Already handled change order ${CO} at ${first.outcome.decidedAt} (aborted); not acting twice.`,
    });
  });

  it('a repeat of a refusal kept under its condition carries the change order, the app and the reason it repeats', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    // The alarm names another app than the change order's: refused, kept under that mismatch.
    const first = await core.decide(req({ changeOrderId: CO, appId: 'app-other' }));
    const dup = await core.decide(req({ changeOrderId: CO, appId: 'app-other' }));
    expect(first.outcome).toMatchObject({ outcome: 'failed-permanent', appId: APP });
    expect(dup.outcome).toMatchObject({
      outcome: 'duplicate',
      changeOrderId: CO,
      appId: APP,
      original: { outcome: 'failed-permanent', at: first.outcome.decidedAt },
      summary: `Already reported at ${first.outcome.decidedAt} (failed-permanent); not reporting it again. ${first.outcome.summary}`,
      reason: first.outcome.reason,
    });
    // Never marked notified: the repeat re-offers the original, under its own message ID.
    expect(dup.publish?.messageId).toBe(first.outcome.messageId);
  });

  it('a repeat of a policy refusal of an app keeps the app', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock, policy: new Policy({ optOutAppIds: [APP] }) });
    await core.decide(req({ appId: APP }));
    const dup = await core.decide(req({ appId: APP, deliveryId: 'd-2' }));
    expect(dup.outcome).toMatchObject({ outcome: 'duplicate', appId: APP, original: { outcome: 'refused' } });
  });

  it('a delivery that finds the change order held elsewhere: retryable, saying until when the claim runs', async () => {
    const { sae, store, clock, req } = f;
    await store.claim(changeOrderKey(CO), 60_000);
    const core = new RollbackCore({ sae, store, clock, inProgressWaitMs: 0 });
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome).toMatchObject({ outcome: 'in-progress', retryable: true, changeOrderId: CO });
    expect(d.outcome.summary).toBe(
      `Change order ${CO} is being handled by another delivery (its claim runs until ${new Date(clock.now() + 60_000).toISOString()}); not acting twice. Deliver again: the next delivery finds its outcome, or takes over if that delivery died.`,
    );
  });
});

describe('message IDs of outcomes about no change order yet (records.ts buildOutcome)', () => {
  // Subscribers (and the outbox) drop a message ID they have seen: two different decisions must never
  // share one, and one decision redelivered must keep its own.
  const stamp = { dryRun: false, now: 0 };
  const id = (r: Partial<RollbackRequest>) =>
    buildOutcome(
      { alarm: { source: 'test' }, receivedAt: 0, deliveryId: 'd-1', ...r },
      {},
      [],
      { outcome: 'refused', summary: 's' },
      stamp,
    ).messageId;

  it('differ by the change order the request named', () => {
    expect(id({ changeOrderId: 'co-a', appId: APP })).not.toBe(id({ changeOrderId: 'co-b', appId: APP }));
  });

  it('differ by the app the request named', () => {
    expect(id({ appId: 'app-a' })).not.toBe(id({ appId: 'app-b' }));
  });

  it('differ by delivery, and are the same for the same delivery', () => {
    expect(id({ appId: APP, deliveryId: 'd-1' })).not.toBe(id({ appId: APP, deliveryId: 'd-2' }));
    expect(id({ appId: APP, deliveryId: 'd-1' })).toBe(id({ appId: APP, deliveryId: 'd-1' }));
  });
});
