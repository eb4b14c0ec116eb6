// One decision's SAE clients (lib/rollback/context.ts: the trace every outcome carries, the call policy)
// and the orphan journal (lib/rollback/pending.ts: what the guard's sweep finds to finish).
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../lib/budget/memory-budget.js';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { meteredClients } from '../../lib/rollback/context.js';
import type { SaeTrace } from '../../lib/rollback/outcome.js';
import {
  appMember,
  clearPending,
  notePending,
  notePendingApp,
  PENDING_INDEX,
  pendingSchema,
} from '../../lib/rollback/pending.js';
import type { SaeAppApi } from '../../lib/sae/app-types.js';
import { SaeError, SaeErrorKind } from '../../lib/sae/errors.js';
import { FakeSae } from '../helpers/fake-sae.js';

describe('the trace of a decision’s SAE calls', () => {
  let trace: SaeTrace[];
  let call: ReturnType<typeof meteredClients>['call'];
  beforeEach(() => {
    trace = [];
    const clock = new ManualClock();
    ({ call } = meteredClients(
      { sae: new FakeSae(), app: undefined, budget: undefined, callPolicy: undefined, clock },
      clock.now() + 60_000,
      trace,
    ));
  });
  const fails = (err: unknown) => () => Promise.reject(err);

  it('an answer: its request ID, and its trace ID when SAE gave one', async () => {
    expect(await call('DescribeChangeOrder', async () => ({ requestId: 'R1', traceId: 'T1', data: 7 }))).toBe(
      7,
    );
    await call('ListChangeOrders', async () => ({ requestId: 'R2', data: 8 }));
    expect(trace).toEqual([
      { action: 'DescribeChangeOrder', requestId: 'R1', traceId: 'T1' },
      { action: 'ListChangeOrders', requestId: 'R2' },
    ]);
  });

  it('an SAE error: its code, request ID and HTTP status, and the error goes on', async () => {
    const err = new SaeError('boom', {
      action: 'AbortAndRollbackChangeOrder',
      kind: SaeErrorKind.Retryable,
      code: 'ServiceUnavailable',
      httpStatus: 503,
      requestId: 'R9',
    });
    await expect(call('AbortAndRollbackChangeOrder', fails(err))).rejects.toBe(err);
    expect(trace).toEqual([
      {
        action: 'AbortAndRollbackChangeOrder',
        requestId: 'R9',
        errorCode: 'ServiceUnavailable',
        httpStatus: 503,
      },
    ]);
  });

  it('an SAE error that never reached SAE: no request ID, no HTTP status', async () => {
    const err = new SaeError('refused', {
      action: 'DescribeChangeOrder',
      kind: SaeErrorKind.Retryable,
      code: 'ECONNREFUSED',
    });
    await expect(call('DescribeChangeOrder', fails(err))).rejects.toBe(err);
    expect(trace).toEqual([{ action: 'DescribeChangeOrder', errorCode: 'ECONNREFUSED' }]);
  });

  it('anything else: "Unknown", and the error goes on', async () => {
    const err = new Error('socket hang up');
    await expect(call('DescribeChangeOrder', fails(err))).rejects.toBe(err);
    expect(trace).toEqual([{ action: 'DescribeChangeOrder', errorCode: 'Unknown' }]);
  });
});

describe('the call policy', () => {
  it('applies with a retry policy and no budget: a look-up SAE failed once is retried', async () => {
    const sae = new FakeSae();
    sae.addChangeOrder({ changeOrderId: 'co-ctx-1', appId: 'app-ctx-1' });
    sae.failNext('DescribeChangeOrder', 'ServiceUnavailable');
    const clock = new ManualClock();
    const callPolicy = { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0, sleep: async () => undefined };
    const m = meteredClients(
      { sae, app: undefined, budget: undefined, callPolicy, clock },
      clock.now() + 60_000,
      [],
    );
    const { data } = await m.sae.describeChangeOrder('co-ctx-1');
    expect(data.changeOrderId).toBe('co-ctx-1');
    expect(sae.count('DescribeChangeOrder')).toBe(2);
  });
});

describe('the budget', () => {
  const unavailable = () =>
    new SaeError('ListApplications: ServiceUnavailable', {
      action: 'ListApplications',
      kind: SaeErrorKind.Retryable,
      code: 'ServiceUnavailable',
    });
  const setup = (budget: MemoryBudget | undefined, withApp = true) => {
    const sae = new FakeSae();
    sae.addChangeOrder({ changeOrderId: 'co-ctx-2', appId: 'app-ctx-2' });
    const listed: string[] = [];
    const app = {
      listApplications: async () => {
        listed.push('ListApplications');
        throw unavailable();
      },
    } as unknown as SaeAppApi;
    const clock = new ManualClock();
    const m = meteredClients(
      { sae, app: withApp ? app : undefined, budget, callPolicy: undefined, clock },
      clock.now() + 1_000,
      [],
    );
    return { sae, listed, m };
  };
  const oneCall = (clock = new ManualClock()) =>
    new MemoryBudget({ limits: { calls: 1, abortReserve: 0 }, clock });

  it('alone meters every call: none past the last token, neither SAE API', async () => {
    const { sae, listed, m } = setup(oneCall());
    await m.sae.describeChangeOrder('co-ctx-2');
    await expect(m.sae.describeChangeOrder('co-ctx-2')).rejects.toMatchObject({ code: 'Budget.Exhausted' });
    await expect(m.app?.listApplications()).rejects.toMatchObject({ code: 'Budget.Exhausted' });
    expect(sae.count('DescribeChangeOrder')).toBe(1);
    expect(listed).toEqual([]);
  });

  it('metered, without an app API: still none', () => {
    expect(setup(oneCall(), false).m.app).toBeUndefined();
  });

  it('neither budget nor retry policy: each call goes to SAE once, as it is', async () => {
    const { listed, m } = setup(undefined);
    await expect(m.app?.listApplications()).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    expect(listed).toEqual(['ListApplications']);
  });
});

describe('the orphan journal', () => {
  let store: MemoryStore;
  beforeEach(() => {
    store = new MemoryStore({ clock: new ManualClock() });
  });
  const request = {
    appId: 'app-pend-1',
    alarm: { source: 'alertmanager', name: '5xx' },
    receivedAt: 1_000,
    deliveryId: 'd-1',
    allowTypes: ['CoScaleOut'],
  };
  const journal = async () =>
    (await store.indexList('sae-rollback:pending', 10)).map((e) => ({
      member: e.member,
      value: JSON.parse(e.value),
    }));

  it('a claimed change order: its record key, the claim, and the request without operator-only fields', async () => {
    await notePending(store, 'co-pend-1', {
      storeKey: 'sae-rollback:co:co-pend-1',
      claimedAt: 1_000,
      claimExpiresAt: 61_000,
      request,
    });
    const { allowTypes: _, ...kept } = request;
    expect(await journal()).toEqual([
      {
        member: 'co-pend-1',
        value: {
          storeKey: 'sae-rollback:co:co-pend-1',
          claimedAt: 1_000,
          claimExpiresAt: 61_000,
          request: { ...kept, changeOrderId: 'co-pend-1' },
        },
      },
    ]);
    await clearPending(store, 'co-pend-1');
    expect(await journal()).toEqual([]);
  });

  it('an app-named request starved before any claim: due at once, as of its receipt', async () => {
    await notePendingApp(store, 'app-pend-1', request);
    const { allowTypes: _, ...kept } = request;
    expect(appMember('app-pend-1')).toBe('app:app-pend-1');
    expect(await journal()).toEqual([
      {
        member: 'app:app-pend-1',
        value: {
          storeKey: 'sae-rollback:app:app-pend-1:pending',
          claimedAt: 1_000,
          claimExpiresAt: 1_000,
          request: kept,
        },
      },
    ]);
    expect(PENDING_INDEX).toBe('sae-rollback:pending');
  });

  it('an entry reads back whole; one without its request or claim is no entry', () => {
    const entry = {
      storeKey: 'sae-rollback:co:co-pend-2',
      claimedAt: 5,
      claimExpiresAt: 6,
      request: { changeOrderId: 'co-pend-2', alarm: { source: 'direct' }, receivedAt: 4 },
    };
    expect(pendingSchema.parse(entry)).toEqual(entry);
    expect(pendingSchema.safeParse({ ...entry, request: { changeOrderId: 'co-pend-2' } }).success).toBe(
      false,
    );
    expect(pendingSchema.safeParse({ storeKey: 'k', request: entry.request }).success).toBe(false);
  });
});
