import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { RetryLaterError } from '../../lib/handlers/alarm.js';
import { type ConsumerResult, createConsumerHandler } from '../../lib/handlers/consumer.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { fixture, freshFixture } from '../helpers/http-event.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';

const CO = (n: number) => `ba386059-69b1-4e65-b1e5-0682d9fa${String(n).padStart(4, '0')}`;
const APP = (n: number) => `0099b7be-5f5b-4512-a7fc-56049ef1${String(n).padStart(4, '0')}`;

const VALVES_OFF = { MAX_ROLLBACKS_PER_WINDOW: '0', COOLDOWN_SECONDS: '0', SAE_MAX_ATTEMPTS: '1' };

/** An app whose release `changeOrderId` is running and stuck (SubStatus 1). */
const seed = (s: Stack, n: number, changeOrderId = CO(n)) => {
  s.sae.seedApp({ appId: APP(n), appName: `app${n}`, versions: ['v1', 'v2'] });
  s.sae.startChangeOrder({ appId: APP(n), changeOrderId, toVersion: 'v3', subStatus: 1 });
};
const mnsQueueEvent = (bodies: string[], tag: string) =>
  Buffer.from(
    JSON.stringify(
      bodies.map((messageBody, i) => ({
        id: `${tag}-${i}`,
        source: 'MNS-sae-rollback-consumer-mnsqueue',
        specversion: '1.0',
        type: 'mns:Queue:SendMessage',
        subject: 'acs:mns:cn-hangzhou:123456789098****:queues/sae-rollback',
        data: { requestId: `req-${tag}-${i}`, messageId: `MSG-${tag}-${i}`, messageBody },
      })),
    ),
  );

describe('consumer function, end to end against the emulators', () => {
  let s: Stack;
  const published = () => s.mns.messages(TOPIC).map((m) => outcomeSchema.parse(JSON.parse(m.body)));
  const consume = (event: Buffer) => {
    const context = fakeFcContext({ credentials: STS, functionName: 'sae-rollback-consumer' });
    s.rt.credentials.set(context.credentials);
    return createConsumerHandler(s.rt)(event, context);
  };
  beforeAll(async () => {
    // Many apps are rolled back here in seconds: lift the circuit breaker and cool-down, and make a
    // throttled call fail at once (no in-invocation retry) so the redelivery path is what is tested.
    s = await startStack(VALVES_OFF);
  });
  afterAll(() => s.close());

  it('one bad record in a batch of ten does not stop the other nine', async () => {
    for (const n of [40, 41, 42, 43, 44, 45, 47, 48, 49]) seed(s, n);
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;

    const res = await consume(fixture('batch-mns-queue-ten-one-bad.json'));

    expect(res.records).toBe(10);
    expect(res.counts).toEqual({ aborted: 9, 'rejected-input': 1 });
    expect(res.outcomes[6]).toMatchObject({ outcome: 'rejected-input', source: 'mns-queue' });
    const aborted = [40, 41, 42, 43, 44, 45, 47, 48, 49].map(CO);
    // Concurrent records: every one aborted once, in whatever order SAE answered.
    expect(
      s.sae
        .callsTo('AbortAndRollbackChangeOrder')
        .map((c) => c.query.ChangeOrderId)
        .sort(),
    ).toEqual([...aborted].sort());
    for (const co of aborted) expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    const msgs = published().slice(before);
    expect(msgs.map((m) => m.outcome).sort()).toEqual([...Array(9).fill('aborted'), 'rejected-input']);
    const rejected = msgs.find((m) => m.outcome === 'rejected-input');
    expect(rejected?.reason).toMatch(
      /ChangeOrderId: the change order ID is not valid.*\[6\]\.data\.messageBody/,
    );
    expect(JSON.stringify(s.sae.calls)).not.toContain('69b1/..');
  });

  it('throws for a retryable failure only after the other records are done; the redelivery finishes it', async () => {
    for (const n of [70, 71, 72, 73]) seed(s, n);
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;
    const event = mnsQueueEvent(
      [70, 71, 72, 73].map((n) => JSON.stringify({ ChangeOrderId: CO(n) })),
      'retry',
    );
    s.sae.injectFault({ kind: 'throttle', action: 'AbortAndRollbackChangeOrder', times: 1 });

    const first = consume(event);
    await expect(first).rejects.toBeInstanceOf(RetryLaterError);
    await expect(first).rejects.toThrow(/1 of 4 records may succeed later/);
    // The throttled first record did not stop the other three.
    expect(s.sae.getChangeOrder(CO(70))?.status).toBe(1);
    for (const n of [71, 72, 73]) expect(s.sae.getChangeOrder(CO(n))?.status).toBe(6);
    expect(
      published()
        .slice(before)
        .map((m) => [m.outcome, m.changeOrderId]),
    ).toEqual([
      ['failed-retryable', CO(70)],
      ['aborted', CO(71)],
      ['aborted', CO(72)],
      ['aborted', CO(73)],
    ]);

    const again = await consume(event);
    expect(again.counts).toEqual({ aborted: 1, duplicate: 3 });
    expect(s.sae.getChangeOrder(CO(70))?.status).toBe(6);
    const aborts = s.sae.callsTo('AbortAndRollbackChangeOrder');
    expect(aborts.map((c) => [c.query.ChangeOrderId, c.status])).toEqual([
      [CO(70), 400],
      [CO(71), 200],
      [CO(72), 200],
      [CO(73), 200],
      [CO(70), 200],
    ]);
  });

  it('handles a mixed batch: acts on the good, reports the bad, logs the ignored', async () => {
    seed(s, 60);
    seed(s, 61, CO(161));
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;

    const res: ConsumerResult = await consume(fixture('batch-mixed.json'));

    expect(res.source).toBe('mixed');
    expect(res.outcomes.map((o) => [o.source, o.outcome, o.changeOrderId ?? null])).toEqual([
      ['mns-queue', 'aborted', CO(60)],
      ['kafka', 'aborted', CO(161)], // named by app, resolved to its running change order
      ['mns-queue', 'rejected-input', null],
      ['kafka', 'rejected-input', null],
      ['unknown', 'rejected-input', null],
      ['unknown', 'rejected-input', null],
    ]);
    expect(res.ignored).toEqual([
      { source: 'sae-event', reason: expect.stringMatching(/not about a release/) },
    ]);
    expect(
      s.sae
        .callsTo('AbortAndRollbackChangeOrder')
        .map((c) => c.query.ChangeOrderId)
        .sort(),
    ).toEqual([CO(60), CO(161)].sort());
    // Records run concurrently, so publications may interleave; the answer above keeps event order.
    expect(
      published()
        .slice(before)
        .map((m) => m.outcome)
        .sort(),
    ).toEqual(['aborted', 'aborted', 'rejected-input', 'rejected-input', 'rejected-input', 'rejected-input']);
    expect(s.logs.some((l) => l.includes('"msg":"ignored"') && l.includes('SaeK8sOomKilledEvent'))).toBe(
      true,
    );
  });

  it('acts on a CloudMonitor alert forwarded through an MNS topic as Base64', async () => {
    seed(s, 25);
    const before = s.mns.messages(TOPIC).length;
    const res = await consume(freshFixture('mns-topic-json-base64-cloudmonitor.json'));
    expect(res.outcomes).toMatchObject([
      { outcome: 'aborted', source: 'mns-topic/cloudmonitor', changeOrderId: CO(25) },
    ]);
    expect(s.sae.getChangeOrder(CO(25))?.status).toBe(6);
    expect(published().slice(before)[0]?.alarm).toMatchObject({
      source: 'mns-topic/cloudmonitor',
      name: 'SAE 应用 5xx 比例过高',
      state: 'ALERT',
    });
  });

  it('acts on an SAE change-order event that names only the app (resourceId)', async () => {
    seed(s, 8);
    const res = await consume(freshFixture('eventbridge-sae-changeorder-fail.json'));
    expect(res.outcomes).toMatchObject([{ outcome: 'aborted', source: 'sae-event', changeOrderId: CO(8) }]);
  });

  it('answers a timer tick as a guard tick: no SAE call, nothing published, clearly logged', async () => {
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;
    const res = await consume(fixture('timer.json'));
    expect(res).toMatchObject({
      source: 'timer',
      records: 1,
      counts: { guard: 1 },
      outcomes: [],
      retry: false,
    });
    expect(res.guard[0]?.reason).toMatch(/guard tick, not a rollback request/);
    expect(s.sae.calls).toHaveLength(0);
    expect(s.mns.messages(TOPIC).length).toBe(before);
    expect(s.logs.some((l) => l.includes('guard tick received'))).toBe(true);
  });

  it('logs but neither publishes nor calls SAE for records with nothing to do', async () => {
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;
    const res = await consume(fixture('eventbridge-sae-wait-batch-confirm.json'));
    expect(res.counts).toEqual({ ignored: 1 });
    expect(s.sae.calls).toHaveLength(0);
    expect(s.mns.messages(TOPIC).length).toBe(before);
  });

  it('reports a redelivered bad message under the same message ID', async () => {
    const before = s.mns.messages(TOPIC).length;
    const event = mnsQueueEvent(['not an alert at all'], 'bad');
    const a = await consume(event);
    const b = await consume(event);
    expect(a.outcomes[0]?.outcome).toBe('rejected-input');
    expect(b.outcomes[0]?.messageId).toBe(a.outcomes[0]?.messageId);
    expect(
      published()
        .slice(before)
        .map((m) => m.messageId),
    ).toEqual([a.outcomes[0]?.messageId, a.outcomes[0]?.messageId]);
  });
});

describe('functions/consumer.ts, the deployed entry point', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await s.close();
  });

  it('reads its configuration at cold start and consumes a Kafka batch through middy', async () => {
    vi.stubEnv('SAE_REGION', 'cn-hangzhou');
    vi.stubEnv('SAE_ENDPOINT', s.sae.endpoint);
    vi.stubEnv('SAE_PROTOCOL', 'http');
    vi.stubEnv('MNS_ENDPOINT', s.mns.url);
    vi.stubEnv('MNS_TOPIC', TOPIC);
    vi.stubEnv('LOG_LEVEL', 'error');
    vi.resetModules();
    const { handler } = await import('../../functions/consumer.js');
    seed(s, 20);
    seed(s, 21);
    const res = (await handler(
      fixture('eventbridge-kafka-string-elements.json'),
      fakeFcContext({ credentials: STS }),
    )) as ConsumerResult;
    expect(res.counts).toEqual({ aborted: 2 });
    expect(s.sae.getChangeOrder(CO(20))?.status).toBe(6);
    expect(s.sae.getChangeOrder(CO(21))?.status).toBe(6);
    expect(s.mns.messages(TOPIC)).toHaveLength(2);
  });
});
