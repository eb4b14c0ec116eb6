// How an alarm that names only the app is resolved to a change order (lib/rollback/resolve.ts), seen
// from the SAE emulator's call log, the published outcomes and the store: the look-up lease, the
// cool-down answered from the store, the re-check that finds a newer release, and the failures.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PENDING_INDEX } from '../../lib/rollback/pending.js';
import { lookedUpKey } from '../../lib/rollback/resolve.js';
import type { GuardStack } from '../helpers/guard-stack.js';
import { newAppId, startGuardStack } from '../helpers/guard-stack.js';
import { released } from '../helpers/released.js';

const MIN = 60_000;

let s: GuardStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function app(st: GuardStack) {
  const appId = newAppId('rsm');
  st.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
  return appId;
}

const actions = (st: GuardStack, from = 0) => st.sae.calls.slice(from).map((c) => c.action);

describe('the look-up lease', () => {
  it('is named after the app, held after a real look-up, and gone after COOLDOWN_RECHECK_SECONDS', async () => {
    s = await startGuardStack({ COOLDOWN_RECHECK_SECONDS: '30' });
    const appId = app(s);
    s.sae.startChangeOrder({ appId, toVersion: 'v3' });

    await s.alarm({ appId });

    expect(lookedUpKey(appId)).toBe(`sae-rollback:app:${appId}:looked-up`);
    expect(await s.rt.store.getValue(lookedUpKey(appId))).toBe('look-up');
    s.clock.advance(31_000);
    expect(await s.rt.store.getValue(lookedUpKey(appId))).toBeUndefined();
  });

  it('is not taken by a delivery answered from the resolution cache', async () => {
    s = await startGuardStack({ COOLDOWN_RECHECK_SECONDS: '1', RESOLUTION_CACHE_SECONDS: '60' });
    const appId = app(s);
    s.sae.startChangeOrder({ appId, coTypeCode: 'CoRollback' }); // refused: no cool-down starts

    await s.alarm({ appId });
    s.clock.advance(2_000);
    const before = s.sae.calls.length;
    await s.alarm({ appId });

    expect(actions(s, before)).toEqual([]); // the shared answer
    expect(await s.rt.store.getValue(lookedUpKey(appId))).toBeUndefined();
  });
});

describe('within the cool-down of an outcome that acted on the app', () => {
  // ACTED is module-scope: load the whole stack inside the test so Stryker credits it.
  async function stack(env: Record<string, string> = {}) {
    vi.resetModules();
    const gs = await import('../helpers/guard-stack.js');
    const rel = await import('../helpers/released.js');
    return { st: await gs.startGuardStack(env), released: rel.released, newAppId: gs.newAppId };
  }

  /** Past RESOLUTION_CACHE_SECONDS (10), inside the 30 s re-check: answered from the store alone. */
  async function expectSilentDuplicate(st: GuardStack, appId: string, co: string) {
    st.clock.advance(15_000);
    const before = st.sae.calls.length;
    const again = await st.alarm({ appId });
    expect(again.outcomes).toMatchObject([{ outcome: 'duplicate', changeOrderId: co }]);
    expect(actions(st, before)).toEqual([]);
  }

  it('aborted: the next delivery is a duplicate of it with no SAE call', async () => {
    const m = await stack();
    s = m.st;
    const appId = m.newAppId('rsm');
    s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });

    expect((await s.alarm({ appId })).outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: co }]);
    await expectSilentDuplicate(s, appId, co);
  });

  it('rolled-back-application: the next delivery is a duplicate of it with no SAE call', async () => {
    const m = await stack({ BAKE_WINDOW_SECONDS: '1800' });
    s = m.st;
    const { appId, co } = m.released(s, 10 * MIN);

    expect((await s.alarm({ appId })).outcomes).toMatchObject([{ outcome: 'rolled-back-application' }]);
    await expectSilentDuplicate(s, appId, co);
  });

  it('awaiting-approval: the next delivery is a duplicate of it with no SAE call', async () => {
    const m = await stack({ BAKE_WINDOW_SECONDS: '1800' });
    s = m.st;
    const { appId, co } = m.released(s, 10 * MIN);
    s.sae.setApprovalRequired(appId, true);

    expect((await s.alarm({ appId })).outcomes).toMatchObject([{ outcome: 'awaiting-approval' }]);
    await expectSilentDuplicate(s, appId, co);
  });

  /** co1 aborted by an app-named alarm; 31 s on (re-check due, cool-down still on) co2 starts. */
  async function abortedThenNewer(st: GuardStack) {
    const appId = app(st);
    const co1 = st.sae.startChangeOrder({ appId, toVersion: 'v3' });
    await st.alarm({ appId });
    st.clock.advance(31_000);
    const co2 = st.sae.startChangeOrder({ appId, toVersion: 'v4' });
    return { appId, co1, co2 };
  }

  it('once the re-check is due, one DescribeApplicationStatus finds the newer release: never the old one', async () => {
    s = await startGuardStack({ COOLDOWN_RECHECK_SECONDS: '30' });
    const { appId, co1, co2 } = await abortedThenNewer(s);
    const before = s.sae.calls.length;

    const res = await s.alarm({ appId });

    expect(res.outcomes[0]?.changeOrderId).toBe(co2);
    expect(res.outcomes[0]?.changeOrderId).not.toBe(co1);
    expect(res.outcomes[0]?.outcome).not.toBe('duplicate');
    expect(actions(s, before)[0]).toBe('DescribeApplicationStatus');
    expect(actions(s, before)).not.toContain('ListChangeOrders');
  });

  it('a due re-check that SAE fails answers the duplicate of the handled change order', async () => {
    s = await startGuardStack({ COOLDOWN_RECHECK_SECONDS: '30' });
    const { appId, co1 } = await abortedThenNewer(s);
    s.sae.injectFault({
      action: 'DescribeApplicationStatus',
      kind: 'http-error',
      status: 403,
      code: 'Forbidden',
    });
    const before = s.sae.calls.length;

    const res = await s.alarm({ appId });

    expect(res.outcomes).toMatchObject([{ outcome: 'duplicate', changeOrderId: co1 }]);
    expect(actions(s, before)).toEqual(['DescribeApplicationStatus']);
  });
});

describe('what DescribeApplicationStatus leaves to say', () => {
  it('an app with no change order at all: no-running-change-order, published, says so', async () => {
    s = await startGuardStack();
    const appId = app(s);

    const res = await s.alarm({ appId });

    expect(res.outcomes).toMatchObject([{ outcome: 'no-running-change-order', appId }]);
    expect(s.published()).toMatchObject([
      {
        outcome: 'no-running-change-order',
        summary: `App ${appId} has no change order; nothing to roll back.`,
      },
    ]);
    expect(s.published()[0]?.changeOrderId).toBeUndefined();
  });

  it('a finished release without a bake window: its status named, and no bake reason appended', async () => {
    s = await startGuardStack();
    const { appId, co } = released(s, 10 * MIN);

    await s.alarm({ appId });

    const [msg] = s.published();
    expect(msg).toMatchObject({ outcome: 'no-running-change-order', changeOrderId: co });
    expect(msg?.summary).toMatch(
      new RegExp(
        `^App ${appId}: its last change order ${co} is not running \\(SUCCESS\\); nothing to roll back\\.$`,
      ),
    );
  });

  it('a look-up SAE refuses (not budget): the failure is published, acknowledged, not journalled', async () => {
    s = await startGuardStack();
    const appId = app(s);
    s.sae.startChangeOrder({ appId, toVersion: 'v3', status: 8, batchCount: 2 }); // not in the list
    s.sae.injectFault({
      action: 'DescribeApplicationStatus',
      kind: 'http-error',
      status: 403,
      code: 'Forbidden',
    });

    const res = await s.alarm({ appId });

    expect(s.published()).toHaveLength(1);
    expect(s.published()[0]?.summary).toContain(`resolving the running change order of app ${appId}`);
    expect(res.outcomes[0]?.outcome).not.toBe('failed-retryable');
    expect(await s.rt.store.indexList(PENDING_INDEX, 10)).toEqual([]);
    expect(s.mutations()).toEqual([]);
  });

  it('a bake-window check SAE refuses: the failure to read the last change order is published', async () => {
    s = await startGuardStack({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId } = released(s, 10 * MIN);
    // The executing-order list, then the release's facts: both refused.
    s.sae.injectFault({
      action: 'ListChangeOrders',
      kind: 'http-error',
      status: 403,
      code: 'Forbidden',
      times: 2,
    });

    await s.alarm({ appId });

    expect(s.published()).toHaveLength(1);
    expect(s.published()[0]?.summary).toContain(`reading the last change order of app ${appId}`);
    expect(s.mutations()).toEqual([]);
  });
});
