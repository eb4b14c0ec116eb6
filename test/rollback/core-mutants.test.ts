import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import type { ClaimResult } from '../../lib/idempotency/store.js';
import { Policy } from '../../lib/policy/policy.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0221';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10221';
const MIN = 60_000;

/** Redis unreachable: every claim fails (with `failure` as the rejection). */
class UnreachableStore extends MemoryStore {
  failure: unknown = new Error('connect ECONNREFUSED 127.0.0.1:6379');
  override claim(): Promise<ClaimResult> {
    return Promise.reject(this.failure);
  }
}

describe('the core when the idempotency store fails: retry, never an abort (core.ts)', () => {
  const f = coreFixture(CO, APP);

  it('a change order named by ID: says which, why, and that it will retry; SAE is never called', async () => {
    const { sae, clock, req } = f;
    const core = new RollbackCore({ sae, store: new UnreachableStore({ clock }), clock });
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome).toMatchObject({
      outcome: 'failed-retryable',
      retryable: true,
      summary: `Could not handle change order ${CO}: unexpected error (is the idempotency store reachable?); will retry.`,
      reason: 'connect ECONNREFUSED 127.0.0.1:6379',
    });
    expect(d.publish).toBe(d.outcome);
    expect(sae.calls).toEqual([]);
  });

  it('an app named alone: the summary names the app; no abort', async () => {
    const { sae, clock, req } = f;
    const core = new RollbackCore({ sae, store: new UnreachableStore({ clock }), clock });
    const d = await core.decide(req({ appId: APP }));
    expect(d.outcome.outcome).toBe('failed-retryable');
    expect(d.outcome.summary).toBe(
      `Could not handle app ${APP}: unexpected error (is the idempotency store reachable?); will retry.`,
    );
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it('a rejection that is no Error at all still ends in one outcome', async () => {
    const { sae, clock, req } = f;
    const store = new UnreachableStore({ clock });
    store.failure = undefined;
    const d = await new RollbackCore({ sae, store, clock }).decide(req({ changeOrderId: CO }));
    expect(d.outcome).toMatchObject({ outcome: 'failed-retryable', reason: 'undefined' });
  });

  it('a request naming neither app nor change order, refused on stale evidence the store cannot note: "app -"', async () => {
    const { sae, clock, req } = f;
    const core = new RollbackCore({ sae, store: new UnreachableStore({ clock }), clock });
    const firedAt = new Date(clock.now() - 60 * MIN).toISOString();
    const d = await core.decide(req({ alarm: { source: 'cloudmonitor', name: 'cpu', firedAt } }));
    expect(d.outcome.outcome).toBe('failed-retryable');
    expect(d.outcome.summary).toMatch(/^Could not handle app -: /);
  });
});

describe('dry-run without safety valves (core.ts → valves-step.ts)', () => {
  const f = coreFixture(CO, APP);

  it('says what it would abort and changes nothing', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock, policy: new Policy({ dryRun: true }) });
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome).toMatchObject({ outcome: 'dry-run', dryRun: true, changeOrderId: CO });
    expect(sae.calls.map((c) => c.action)).toEqual(['DescribeChangeOrder']);
    expect(sae.changeOrders.get(CO)?.status).toBe(1);
  });
});

describe('input that can never succeed (core.ts rejected)', () => {
  const f = coreFixture(CO, APP);

  it.each([
    ['cloudmonitor', 'Rejected a cloudmonitor event that can never be acted on: body: not JSON'],
    ['timer', 'Rejected a timer event that can never be acted on: body: not JSON'],
    ['eventbridge', 'Rejected an eventbridge event that can never be acted on: body: not JSON'],
    ['Alertmanager', 'Rejected an Alertmanager event that can never be acted on: body: not JSON'],
  ])('a %s event: "%s"', (source, summary) => {
    const { sae, store, clock } = f;
    const o = new RollbackCore({ sae, store, clock }).rejected(source, 'body: not JSON', clock.now());
    expect(o).toMatchObject({
      outcome: 'rejected-input',
      summary,
      reason: 'body: not JSON',
      retryable: false,
    });
  });

  it('is reported under one message ID per delivery and reason: a redelivery repeats it, another one does not', () => {
    const { sae, store, clock } = f;
    const core = new RollbackCore({ sae, store, clock });
    const id = (fcRequestId: string, reason: string) =>
      core.rejected('http', reason, clock.now(), { fcRequestId }).messageId;
    expect(id('req-1', 'body: not JSON')).toBe(id('req-1', 'body: not JSON'));
    expect(id('req-1', 'body: not JSON')).not.toBe(id('req-2', 'body: not JSON'));
    expect(id('req-1', 'body: not JSON')).not.toBe(id('req-1', 'body: too large'));
    // The event's own delivery ID, when it has one, wins over the invocation's.
    expect(core.rejected('http', 'x', 0, { fcRequestId: 'req-1' }, 'msg-9').messageId).toBe(
      core.rejected('http', 'x', 0, { fcRequestId: 'req-2' }, 'msg-9').messageId,
    );
  });
});
