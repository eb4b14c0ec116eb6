import { afterEach, describe, expect, it } from 'vitest';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { abortAttemptKey } from '../../lib/rollback/drafts.js';
import { notePending, PENDING_INDEX } from '../../lib/rollback/pending.js';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

/** What a delivery leaves behind when it is killed right after its claim: the claim and its journal entry. */
async function deadHolder(s: GuardStack, co: string, appId: string, claimMs = 31_000) {
  const now = s.clock.now();
  const claim = await s.rt.store.claim(changeOrderKey(co), claimMs);
  expect(claim.status).toBe('claimed');
  await notePending(s.rt.store, co, {
    storeKey: changeOrderKey(co),
    claimedAt: now,
    claimExpiresAt: now + claimMs,
    request: { appId, alarm: { source: 'cloudmonitor', name: '5xx' }, receivedAt: now },
  });
}

describe('the orphan sweep: claims whose holder died are finished by the guard', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function app() {
    const st = s as GuardStack;
    const appId = newAppId('orphan');
    st.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    return { appId, co: st.sae.startChangeOrder({ appId, toVersion: 'v3' }) };
  }

  it('killed after the claim: left alone while the claim lives, then aborted and published once', async () => {
    s = await startGuardStack(); // no watched apps: the sweep runs anyway
    const { appId, co } = await app();
    await deadHolder(s, co, appId);

    const early = await s.tick();
    s.clock.advance(32_000);
    const report = await s.tick();
    const later = await s.tick();

    expect(early.orphans).toEqual([]);
    expect(report.orphans).toMatchObject([{ changeOrderId: co, appId, outcome: 'aborted' }]);
    expect(later.orphans).toEqual([]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
    expect(s.published().map((o) => [o.changeOrderId, o.outcome])).toEqual([[co, 'aborted']]);
    expect(await s.rt.store.indexList(PENDING_INDEX, 10)).toEqual([]);
    expect(s.logs.join('\n')).toContain(`"orphans":[{"changeOrderId":"${co}"`);
  });

  it('killed during the abort (it landed): confirmed with DescribeChangeOrder, published as aborted, not repeated', async () => {
    s = await startGuardStack();
    const { appId, co } = await app();
    await deadHolder(s, co, appId);
    await s.rt.store.putValue(abortAttemptKey(co), String(s.clock.now()), 86_400_000);
    s.sae.setChangeOrderStatus(co, 6); // SAE ran the abort; the holder died before its answer

    s.clock.advance(32_000);
    const report = await s.tick();

    expect(report.orphans).toMatchObject([{ changeOrderId: co, outcome: 'aborted' }]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toEqual([]);
    expect(s.sae.callsTo('DescribeChangeOrder')).toHaveLength(1);
    expect(s.published()[0]?.summary).toMatch(/confirmed now/);
  });

  it('an entry whose change order was finished by a redelivery is just cleared', async () => {
    s = await startGuardStack();
    const { appId, co } = await app();
    await deadHolder(s, co, appId, 1_000);
    s.clock.advance(2_000);
    expect((await s.alarm({ ChangeOrderId: co })).outcomes).toMatchObject([{ outcome: 'aborted' }]);

    const report = await s.tick();

    expect(report.orphans).toEqual([]);
    expect(await s.rt.store.indexList(PENDING_INDEX, 10)).toEqual([]);
    expect(s.published()).toHaveLength(1);
  });
  it('decided but never published (the platform gave up): the sweep publishes the stored outcome, once', async () => {
    s = await startGuardStack();
    const { co } = await app();
    s.mns.injectFault({ kind: 'status', status: 503 }); // MNS down for the one delivery there is
    expect((await s.alarm({ ChangeOrderId: co })).outcomes[0]?.outcome).toBe('aborted');
    s.mns.clearFaults();
    expect(s.published()).toEqual([]);

    const soon = await s.tick(); // the holder may still be publishing: left alone
    s.clock.advance(61_000);
    const report = await s.tick();
    await s.tick();

    expect(soon.orphans).toEqual([]);
    expect(report.orphans).toMatchObject([{ changeOrderId: co, outcome: 'duplicate' }]);
    // The stored `aborted` goes out once (the guard's follow-up of the rollback may follow it).
    const ours = s.published().filter((o) => o.changeOrderId === co && o.outcome !== 'recovered');
    expect(ours.map((o) => o.outcome)).toEqual(['aborted']);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
  });
});
