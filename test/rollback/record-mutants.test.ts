import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import type { Outcome } from '../../lib/rollback/outcome.js';
import { coreFixture, starvedCore } from '../helpers/core-fixture.js';
import type { GuardStack } from '../helpers/guard-stack.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0211';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10211';
const MIN = 60_000;

/**
 * A stack on a freshly loaded runtime: which outcome kinds are kept for the retention is a module-level
 * constant of record.ts, and a mutation run sees it used only when the module loads inside the test.
 */
async function freshStack(env: Record<string, string> = {}): Promise<GuardStack> {
  vi.resetModules();
  const { startGuardStack } = await import('../helpers/guard-stack.js');
  return startGuardStack(env);
}

/** An app whose release to v3 succeeded 10 min ago (inside a 30 min bake window). */
function released(s: GuardStack): { appId: string; co: string } {
  const appId = `rec-${Math.random().toString(16).slice(2, 10)}-0099b7be`;
  s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'], history: true });
  const co = s.sae.startChangeOrder({ appId, toVersion: 'v3', batchCount: 2 });
  s.clock.advance(4 * MIN);
  s.sae.finishChangeOrder(co, { status: 2 });
  s.clock.advance(10 * MIN);
  return { appId, co };
}

function running(s: GuardStack, status?: 2): string {
  const appId = `rec-${Math.random().toString(16).slice(2, 10)}-0099b7be`;
  s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
  const co = s.sae.startChangeOrder({ appId, toVersion: 'v2' });
  if (status) s.sae.finishChangeOrder(co, { status });
  return co;
}

describe('the record step: every outcome that acted (or would have) answers redeliveries for 24 h', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it.each([
    ['aborted', {}, (st: GuardStack) => running(st), undefined],
    ['already-finished', {}, (st: GuardStack) => running(st, 2), undefined],
    ['dry-run', { DRY_RUN: 'true' }, (st: GuardStack) => running(st), undefined],
    ['rolled-back-application', { BAKE_WINDOW_SECONDS: '1800' }, (st: GuardStack) => released(st), false],
    ['awaiting-approval', { BAKE_WINDOW_SECONDS: '1800' }, (st: GuardStack) => released(st), true],
  ] as const)(
    '%s: a redelivery 6 min later (past FAILURE_TTL_SECONDS) is a duplicate, nothing done twice',
    async (kind, env, seed, approval) => {
      s = await freshStack(env);
      const seeded = seed(s);
      const { co, first } =
        typeof seeded === 'string'
          ? { co: seeded, first: { changeOrderId: seeded } }
          : { co: seeded.co, first: { appId: seeded.appId } };
      if (approval && typeof seeded !== 'string') s.sae.setApprovalRequired(seeded.appId, true);

      const a = await s.alarm({ ...first, alarmName: '5xx' });
      const mutations = s.mutations().length;
      s.clock.advance(6 * MIN);
      const b = await s.alarm({ changeOrderId: co, alarmName: '5xx' });

      expect(a.outcomes).toMatchObject([{ outcome: kind, changeOrderId: co }]);
      expect(b.outcomes).toMatchObject([{ outcome: 'duplicate', changeOrderId: co }]);
      expect(s.mutations()).toHaveLength(mutations);
      expect(s.published().map((m) => m.outcome)).toEqual([kind]);
    },
  );
});

/** A store whose writes of outcomes fail (Redis read-only after a failover), or that records them. */
class RecordingStore extends MemoryStore {
  readonly completed: string[] = [];
  failComplete = false;
  override async complete(key: string, token: string, outcome: Outcome, ttlMs: number): Promise<boolean> {
    this.completed.push(key);
    if (this.failComplete) throw new Error('READONLY You cannot write against a read only replica.');
    return super.complete(key, token, outcome, ttlMs);
  }
}

describe('the record step, on the change order it claimed (record.ts)', () => {
  const f = coreFixture(CO, APP);

  it('a delivery starved of budget tokens after its claim: retry, not published, claim given back; the redelivery aborts once', async () => {
    const { sae, store, clock, req } = f;
    const core = await starvedCore({ sae, store, clock });

    const d = await core.decide(req({ changeOrderId: CO }), { deadline: clock.now() + 5_000 });

    expect(d).toMatchObject({ retry: true, outcome: { outcome: 'failed-retryable', retryable: true } });
    expect(d.outcome.sae).toEqual([
      expect.objectContaining({ action: 'DescribeChangeOrder', errorCode: 'Budget.Exhausted' }),
    ]);
    expect(d.publish).toBeUndefined();
    expect(sae.calls).toEqual([]);
    expect(await store.get(changeOrderKey(CO))).toBeUndefined();

    clock.advance(70_000); // the budget has tokens again
    const again = await core.decide(req({ changeOrderId: CO }), { deadline: clock.now() + 5_000 });
    expect(again.outcome.outcome).toBe('aborted');
    expect(again.publish).toBe(again.outcome);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('an abort stores one record, its own change order’s', async () => {
    const { sae, clock, req } = f;
    const store = new RecordingStore({ clock });
    const d = await new RollbackCore({ sae, store, clock }).decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('aborted');
    expect(store.completed).toEqual([changeOrderKey(CO)]);
  });

  it('the store failing to keep the outcome: what was done is still reported, and no redelivery aborts twice', async () => {
    const { sae, clock, req } = f;
    const store = new RecordingStore({ clock });
    store.failComplete = true;
    const core = new RollbackCore({ sae, store, clock });

    const d = await core.decide(req({ changeOrderId: CO }));

    expect(d.outcome.outcome).toBe('aborted');
    expect(d.publish).toBe(d.outcome);
    expect(d.storeKey).toBeUndefined();
    expect(sae.changeOrders.get(CO)?.status).toBe(6);
    store.failComplete = false;
    clock.advance(61_000); // the claim expired
    const again = await core.decide(req({ changeOrderId: CO }));
    expect(again.outcome.outcome).not.toBe('failed-retryable');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });
});
