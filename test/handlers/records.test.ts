import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { createConsumerHandler } from '../../lib/handlers/consumer.js';
import { runKeyed } from '../../lib/handlers/keyed-pool.js';
import { MAX_CONCURRENT_RECORDS, recordConcurrency } from '../../lib/handlers/records.js';
import { STS, type Stack, startStack } from '../helpers/stack.js';

const CO = (n: number) => `c0ffee59-69b1-4e65-b1e5-0682d9fa${String(n).padStart(4, '0')}`;
const APP = (n: number) => `a9911be7-5f5b-4512-a7fc-56049ef1${String(n).padStart(4, '0')}`;

const batch = (bodies: object[], tag: string) =>
  Buffer.from(
    JSON.stringify(
      bodies.map((body, i) => ({
        id: `${tag}-${i}`,
        source: 'MNS-sae-rollback-consumer-mnsqueue',
        specversion: '1.0',
        type: 'mns:Queue:SendMessage',
        subject: 'acs:mns:cn-hangzhou:123456789098****:queues/sae-rollback',
        data: {
          requestId: `req-${tag}-${i}`,
          messageId: `MSG-${tag}-${i}`,
          messageBody: JSON.stringify(body),
        },
      })),
    ),
  );

describe('records of one batch run concurrently, the same change order serialized', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ MAX_ROLLBACKS_PER_WINDOW: '0', COOLDOWN_SECONDS: '0' });
  });
  afterAll(() => s.close());

  it('duplicates of one change order in a batch give exactly one abort, outcomes in record order', async () => {
    for (const n of [1, 2, 3]) {
      s.sae.seedApp({ appId: APP(n), appName: `par${n}`, versions: ['v1', 'v2'] });
      s.sae.startChangeOrder({ appId: APP(n), changeOrderId: CO(n), toVersion: 'v3', subStatus: 1 });
    }
    // Slow SAE answers, so records that are not serialized would overlap.
    s.sae.injectFault({ kind: 'latency', ms: 30, times: 1_000 });
    s.sae.clearCalls();
    const bodies = [
      { ChangeOrderId: CO(1) },
      { ChangeOrderId: CO(2) },
      { ChangeOrderId: CO(1) },
      { ChangeOrderId: CO(3) },
      { ChangeOrderId: CO(1) },
      { ChangeOrderId: CO(2) },
    ];
    const context = fakeFcContext({ credentials: STS, functionName: 'sae-rollback-consumer' });
    s.rt.credentials.set(context.credentials);

    const res = await createConsumerHandler(s.rt)(batch(bodies, 'dup'), context);

    expect(res.outcomes.map((o) => [o.outcome, o.changeOrderId])).toEqual([
      ['aborted', CO(1)],
      ['aborted', CO(2)],
      ['duplicate', CO(1)],
      ['aborted', CO(3)],
      ['duplicate', CO(1)],
      ['duplicate', CO(2)],
    ]);
    const aborts = s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId);
    expect([...aborts].sort()).toEqual([CO(1), CO(2), CO(3)]);
    for (const n of [1, 2, 3]) expect(s.sae.getChangeOrder(CO(n))?.status).toBe(6);
  });
});

describe('runKeyed', () => {
  it('never runs more than the limit at once, and tasks sharing a key in order', async () => {
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    const task = (name: string, keys: string[]) => ({
      keys,
      run: async () => {
        active++;
        peak = Math.max(peak, active);
        order.push(`start ${name}`);
        await new Promise((r) => setImmediate(r));
        order.push(`end ${name}`);
        active--;
        return name;
      },
    });

    const out = await runKeyed(
      [task('a1', ['a']), task('b', ['b']), task('a2', ['a']), task('c', ['c']), task('ab', ['a', 'b'])],
      2,
    );

    expect(out).toEqual(['a1', 'b', 'a2', 'c', 'ab']);
    expect(peak).toBe(2);
    expect(order.indexOf('start a2')).toBeGreaterThan(order.indexOf('end a1'));
    expect(order.indexOf('start ab')).toBeGreaterThan(order.indexOf('end a2'));
    expect(order.indexOf('start ab')).toBeGreaterThan(order.indexOf('end b'));
  });
});

describe('recordConcurrency', () => {
  it('never puts more records in flight than the call budget admits in a window', () => {
    const config = (calls: string) =>
      loadConfig({
        SAE_REGION: 'cn-hangzhou',
        MNS_ENDPOINT: 'http://127.0.0.1:1',
        SAE_CALLS_PER_WINDOW: calls,
      });
    expect(recordConcurrency({ config: config('50') })).toBe(MAX_CONCURRENT_RECORDS);
    expect(recordConcurrency({ config: config('9') })).toBe(3);
    expect(recordConcurrency({ config: config('2') })).toBe(1);
  });
});
