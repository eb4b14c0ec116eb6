// The act step's words and its memory of an abort (lib/rollback/act.ts), through the decision core on
// an in-memory SAE: the summary an operator reads, the SAE calls in the trace, and the write-ahead key
// that decides whether a later "terminated" is reported as our abort or as nothing done.
import { describe, expect, it } from 'vitest';
import { Policy } from '../../lib/policy/policy.js';
import { Valves } from '../../lib/policy/valves.js';
import { RollbackCore, type RollbackCoreOptions } from '../../lib/rollback/core.js';
import { abortAttemptKey } from '../../lib/rollback/drafts.js';
import type { SaeAppApi } from '../../lib/sae/app-types.js';
import { coreFixture } from '../helpers/core-fixture.js';
import { useGuardStack } from '../helpers/guard-stack.js';
import { released } from '../helpers/released.js';

const CO = 'a0c1a2b3-0000-4000-8000-00000000a001';
const APP = 'app-act-0001';
const f = coreFixture(CO, APP);
/** What every outcome about the change order names (SAE's DescribeChangeOrder says the app). */
const NAMED = { changeOrderId: CO, appId: APP, appName: 'checkout' };

// Never called on these paths: it only opens the bake window (which needs SaeAppApi to roll back).
const unusedApp = {} as SaeAppApi;

const core = (o: Partial<RollbackCoreOptions> = {}) =>
  new RollbackCore({ sae: f.sae, store: f.store, clock: f.clock, ...o });
const decide = (c: RollbackCore) => c.decide(f.req({ changeOrderId: CO }));
/** A first delivery whose abort SAE ran but whose answer was lost; its failure is kept for 1 ms. */
async function lostAbort(c: RollbackCore) {
  f.sae.failNext('AbortAndRollbackChangeOrder', 'ServiceUnavailable');
  const d = await decide(c);
  f.clock.advance(10);
  return d;
}
const actions = (d: { outcome: { sae: Array<{ action: string }> } }) => d.outcome.sae.map((c) => c.action);

describe('the act step, on a named change order', () => {
  it('aborts once and says what it was, with the app named and the SAE calls traced', async () => {
    const d = await decide(core());
    expect(d.outcome).toMatchObject({ outcome: 'aborted', ...NAMED });
    expect(d.outcome.summary).toBe(
      `Aborted change order ${CO} of app checkout (${APP}) (was executing) and rolled the app back.`,
    );
    expect(actions(d)).toEqual(['DescribeChangeOrder', 'AbortAndRollbackChangeOrder']);
    expect(f.sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('says "with an exception" only for a release SAE marks so (SubStatus 1)', async () => {
    f.sae.addChangeOrder({ changeOrderId: CO, appId: APP, appName: 'checkout', subStatus: 1 });
    const d = await decide(core());
    expect(d.outcome.summary).toBe(
      `Aborted change order ${CO} of app checkout (${APP}) (was executing with an exception) and rolled the app back.`,
    );
  });

  it('dry run: says what it would have aborted, and aborts nothing', async () => {
    const d = await decide(core({ policy: new Policy({ dryRun: true }) }));
    expect(d.outcome.outcome).toBe('dry-run');
    expect(d.outcome.summary).toBe(
      `Dry run: would have aborted change order ${CO} of app checkout (${APP}) (executing) and rolled the app back. Nothing was changed.`,
    );
    expect(f.sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it('suppressed by a valve: names the change order, its app and the valve', async () => {
    const valves = new Valves({ store: f.store, settings: { globalCap: 1 } });
    f.sae.addChangeOrder({ changeOrderId: 'other-co-0001', appId: 'app-act-0002', appName: 'cart' });
    const c = core({ valves });
    await c.decide(f.req({ changeOrderId: 'other-co-0001' }));
    const d = await decide(c);
    expect(d.outcome).toMatchObject({ outcome: 'suppressed', changeOrderId: CO });
    expect(d.outcome.summary).toBe(
      `Did not roll back change order ${CO} of app checkout (${APP}) (executing): suppressed by the ${d.outcome.valve} safety valve.`,
    );
    expect(f.sae.calls.filter((c) => c.action === 'AbortAndRollbackChangeOrder').map((c) => c.id)).toEqual([
      'other-co-0001',
    ]);
  });

  it('an abort SAE refuses for good: the reason, the app named, the write-ahead withdrawn', async () => {
    f.sae.failNext('AbortAndRollbackChangeOrder', 'Forbidden.RAM');
    const d = await decide(core());
    expect(d.outcome).toMatchObject({ outcome: 'forbidden', ...NAMED });
    expect(d.outcome.summary).toBe(`Not allowed to act on change order ${CO}: Forbidden.RAM (HTTP 400).`);
    expect(await f.store.getValue(abortAttemptKey(CO))).toBe('');
  });

  it('a change order someone else terminates after our refused abort is not reported as ours', async () => {
    f.sae.failNext('AbortAndRollbackChangeOrder', 'Forbidden.RAM');
    const c = core({ failureRetentionMs: 1 });
    await decide(c);
    f.clock.advance(10);
    const co = f.sae.changeOrders.get(CO);
    if (co) co.status = 6; // an operator stopped it by hand
    const d = await decide(c);
    expect(d.outcome.outcome).toBe('already-finished');
    expect(d.outcome.summary).toBe(
      `Change order ${CO} of app checkout (${APP}) already terminated; nothing to abort.`,
    );
  });

  it('a failure before the abort keeps an earlier lost abort in memory: its landing is reported `aborted`', async () => {
    const c = core({ failureRetentionMs: 1 });
    expect((await lostAbort(c)).outcome.outcome).toBe('failed-retryable');
    f.sae.failNext('DescribeChangeOrder', 'ServiceUnavailable'); // the redelivery fails before any abort
    const second = await decide(c);
    expect(second.outcome.outcome).toBe('failed-retryable');
    expect(second.outcome.summary).toBe(
      `SAE could not handle change order ${CO} right now: ServiceUnavailable (HTTP 400); will retry.`,
    );
    f.clock.advance(10);
    const co = f.sae.changeOrders.get(CO);
    if (co) co.status = 6; // the lost abort did land
    const third = await decide(c);
    expect(third.outcome.outcome).toBe('aborted');
    expect(third.outcome.summary).toBe(
      `Aborted change order ${CO} of app checkout (${APP}) and rolled the app back (confirmed now: an earlier delivery's abort landed but its answer was lost).`,
    );
    expect(f.sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('a failure before any abort leaves no write-ahead behind', async () => {
    f.sae.failNext('DescribeChangeOrder', 'ServiceUnavailable');
    const d = await decide(core());
    expect(d.outcome.outcome).toBe('failed-retryable');
    expect(await f.store.getValue(abortAttemptKey(CO))).toBeUndefined();
  });

  it('a lost abort is remembered for the retention from its answer, not from before it was sent', async () => {
    const retentionMs = 60_000;
    const slow = f.sae.abortAndRollbackChangeOrder.bind(f.sae);
    f.sae.abortAndRollbackChangeOrder = async (id) => {
      f.clock.advance(30_000); // the abort takes long, and its answer is lost
      f.sae.failNext('AbortAndRollbackChangeOrder', 'ServiceUnavailable');
      return slow(id);
    };
    await decide(core({ retentionMs, failureRetentionMs: 1 }));
    f.clock.advance(retentionMs - 10_000); // past the write-ahead's retention, inside the answer's
    expect(await f.store.getValue(abortAttemptKey(CO))).toBe(String(f.clock.now() - retentionMs + 10_000));
  });

  it('an earlier lost abort, then SAE refusing ours as already done: `aborted`, confirmed, with the app name', async () => {
    const c = core({ failureRetentionMs: 1 });
    await lostAbort(c);
    f.sae.failNext('AbortAndRollbackChangeOrder', 'Application.ChangerOrder.Not.Running');
    const d = await decide(c);
    expect(d.outcome).toMatchObject({ outcome: 'aborted', appId: APP, appName: 'checkout' });
    expect(d.outcome.summary).toBe(
      `Aborted change order ${CO} of checkout and rolled the app back (confirmed now: an earlier delivery's abort landed but its answer was lost).`,
    );
  });

  it('the same, for a change order SAE gives no app name', async () => {
    f.sae.addChangeOrder({ changeOrderId: CO, appId: APP });
    const c = core({ failureRetentionMs: 1 });
    await lostAbort(c);
    f.sae.failNext('AbortAndRollbackChangeOrder', 'Application.ChangerOrder.Not.Running');
    const d = await decide(c);
    expect(d.outcome.summary).toBe(
      `Aborted change order ${CO} and rolled the app back (confirmed now: an earlier delivery's abort landed but its answer was lost).`,
    );
  });

  it('a release that succeeded after an abort whose answer was lost is not reported as aborted', async () => {
    const c = core({ failureRetentionMs: 1 });
    await lostAbort(c);
    const co = f.sae.changeOrders.get(CO);
    if (co) co.status = 2; // the abort never ran: the release finished
    const d = await decide(c);
    expect(d.outcome.outcome).toBe('already-finished');
    expect(d.outcome.summary).toBe(
      `Change order ${CO} of app checkout (${APP}) already succeeded; nothing to abort.`,
    );
  });

  it('without a bake window a finished release is left alone, whatever its end', async () => {
    for (const status of [2, 3]) {
      f.sae.addChangeOrder({ changeOrderId: `${CO}-${status}`, appId: APP, appName: 'checkout', status });
      const d = await core().decide(f.req({ changeOrderId: `${CO}-${status}` }));
      expect(d.outcome.outcome).toBe('already-finished');
      expect(actions(d)).toEqual(['DescribeChangeOrder']);
    }
  });

  it('SAE says "not running" while it still lists the change order executing: finished before the abort', async () => {
    f.sae.failNext('AbortAndRollbackChangeOrder', 'Application.ChangerOrder.Not.Running');
    const d = await decide(core({ app: unusedApp, bakeWindowMs: 1_800_000 }));
    expect(d.outcome).toMatchObject({ outcome: 'already-finished', appId: APP, appName: 'checkout' });
    expect(d.outcome.summary).toBe(
      `Change order ${CO} finished before it could be aborted (Application.ChangerOrder.Not.Running).`,
    );
    // Described again for the bake window's decision, which its status (executing) does not reach.
    expect(actions(d)).toEqual(['DescribeChangeOrder', 'AbortAndRollbackChangeOrder', 'DescribeChangeOrder']);
  });

  it('the same when describing it again fails', async () => {
    f.sae.failNext('AbortAndRollbackChangeOrder', 'Application.ChangerOrder.Not.Running');
    const abort = f.sae.abortAndRollbackChangeOrder.bind(f.sae);
    f.sae.abortAndRollbackChangeOrder = (id) => {
      f.sae.failNext('DescribeChangeOrder', 'ServiceUnavailable'); // the describe after the abort fails
      return abort(id);
    };
    const d = await decide(core({ app: unusedApp, bakeWindowMs: 1_800_000 }));
    expect(d.outcome.outcome).toBe('already-finished');
    expect(d.outcome.summary).toMatch(/finished before it could be aborted/);
  });

  it('inside a bake window, a change order stopped by hand is not looked at for a rollback', async () => {
    f.sae.addChangeOrder({ changeOrderId: CO, appId: APP, appName: 'checkout', status: 6 });
    const d = await decide(core({ app: unusedApp, bakeWindowMs: 1_800_000 }));
    expect(d.outcome.summary).toBe(
      `Change order ${CO} of app checkout (${APP}) already terminated; nothing to abort.`,
    );
    expect(actions(d)).toEqual(['DescribeChangeOrder']);
  });
});

describe('a failed release named by its change order, inside the bake window (through the alarm function)', () => {
  const stack = useGuardStack();

  it('is rolled back to the version before it: one RollbackApplication, no abort', async () => {
    const s = await stack.start({ BAKE_WINDOW_SECONDS: '1800' });
    const { appId, co } = released(s, 10 * 60_000, { status: 3, batchCount: 1 });

    const res = await s.alarm({ changeOrderId: co });

    expect(res.outcomes).toMatchObject([{ outcome: 'rolled-back-application', appId, changeOrderId: co }]);
    expect(s.mutations()).toEqual([
      expect.objectContaining({
        action: 'RollbackApplication',
        query: expect.objectContaining({ AppId: appId }),
      }),
    ]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v2');
  });
});
