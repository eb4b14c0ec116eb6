import { afterEach, describe, expect, it } from 'vitest';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

describe('one publication per stored outcome (issue 13, point 2)', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('duplicates arriving while the first publication is in flight never re-send it', async () => {
    s = await startGuardStack();
    const appId = newAppId('pub');
    s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    s.mns.injectFault({ kind: 'latency', ms: 800, times: 1 }); // the first publish is slow, not lost
    const st = s;

    const first = st.alarm({ ChangeOrderId: co });
    await new Promise((r) => setTimeout(r, 150));
    const dups = await Promise.all(Array.from({ length: 20 }, () => st.alarm({ ChangeOrderId: co })));
    const answer = await first;
    await new Promise((r) => setTimeout(r, 300)); // anything sent late would land by now

    expect(answer.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
    expect(dups.flatMap((d) => d.outcomes.map((o) => o.outcome))).toEqual(Array(20).fill('duplicate'));
    expect(s.published().filter((o) => o.changeOrderId === co)).toHaveLength(1);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
  });

  it('a publication whose holder failed is re-sent by the next duplicate, once', async () => {
    s = await startGuardStack();
    const appId = newAppId('pub');
    s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    s.mns.injectFault({ kind: 'status', status: 503 }); // MNS down for the first delivery

    const first = await s.alarm({ ChangeOrderId: co });
    s.mns.clearFaults();
    const again = await s.alarm({ ChangeOrderId: co });
    const third = await s.alarm({ ChangeOrderId: co });

    expect(first.retry).toBe(true); // the publication failed: the platform delivers again
    expect([again.outcomes[0]?.outcome, third.outcomes[0]?.outcome]).toEqual(['duplicate', 'duplicate']);
    expect(
      s
        .published()
        .filter((o) => o.changeOrderId === co)
        .map((o) => o.outcome),
    ).toEqual(['aborted']);
  });
});

describe('a refusal about the request never blocks a genuine one (issue 13, point 3)', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it("an app B naming app A's change order is turned down; A's own alarm right after still aborts A", async () => {
    s = await startGuardStack();
    const a = newAppId('mis');
    const b = newAppId('mis');
    for (const appId of [a, b]) s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    const coA = s.sae.startChangeOrder({ appId: a, toVersion: 'v3' });

    const wrong = await s.alarm({ appId: b, ChangeOrderId: coA });
    const again = await s.alarm({ appId: b, ChangeOrderId: coA });
    const genuine = await s.alarm({ appId: a });

    expect(wrong.outcomes[0]?.outcome).toBe('failed-permanent'); // the IDs disagree: never acted on
    expect(again.outcomes[0]?.outcome).toBe('duplicate'); // the same wrong request: reported once
    expect(genuine.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: coA }]);
    expect(s.sae.getChangeOrder(coA)?.status).toBe(6);
  });
});
