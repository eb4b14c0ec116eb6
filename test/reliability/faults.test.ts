import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { RetryLaterError } from '../../lib/handlers/alarm.js';
import { type ConsumerResult, createConsumerHandler } from '../../lib/handlers/consumer.js';
import { type Outcome, outcomeSchema } from '../../lib/rollback/outcome.js';
import { httpTriggerEvent } from '../helpers/http-event.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';
import { OwnRedis } from './redis-server.js';

/**
 * Every fault the platform throws at us, against the real emulators: each delivery is redelivered
 * (as EventBridge / FC async retry / CloudMonitor would) until it is accepted, and then the emulators'
 * logs must show exactly one abort that landed per change order, and the right final outcome published.
 */
const READ_TIMEOUT_MS = 400;
const ENV = {
  COOLDOWN_SECONDS: '0',
  MAX_ROLLBACKS_PER_WINDOW: '0',
  // The suite spends far more than SAE's 50 calls a minute; the budget has tests of its own.
  SAE_CALLS_PER_WINDOW: '10000',
  SAE_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
  SAE_CONNECT_TIMEOUT_MS: String(READ_TIMEOUT_MS),
  MNS_TIMEOUT_MS: String(READ_TIMEOUT_MS),
  // One publish attempt per delivery, so a failed publish is finished by the redelivery (the path under test).
  NOTIFY_RETRY_ATTEMPTS: '1',
  LOG_LEVEL: 'warn',
};

let seq = 0;
let tag = 0;
function release(s: Stack): { appId: string; co: string } {
  const n = String(++seq).padStart(12, '0');
  const appId = `f0000000-0000-4000-8000-${n}`;
  s.sae.seedApp({ appId, appName: `faults${seq}`, versions: ['v1', 'v2'] });
  return { appId, co: s.sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 }) };
}

/** An EventBridge batch from an MNS queue: one message per body. Redelivered as is. */
function queueEvent(bodies: unknown[]): Buffer {
  const t = ++tag;
  return Buffer.from(
    JSON.stringify(
      bodies.map((body, i) => ({
        id: `fault-${t}-${i}`,
        source: 'MNS-sae-rollback',
        specversion: '1.0',
        type: 'mns:Queue:SendMessage',
        data: { messageId: `MSG-${t}-${i}`, messageBody: JSON.stringify(body) },
      })),
    ),
  );
}

/** Aborts that reached SAE and were executed (HTTP 200), per change order. */
const landed = (s: Stack, co: string) =>
  s.sae
    .callsTo('AbortAndRollbackChangeOrder')
    .filter((c) => c.query.ChangeOrderId === co && c.status === 200);
const published = (s: Stack, co: string): Outcome[] =>
  s.mns
    .messages(TOPIC)
    .map((m) => outcomeSchema.parse(JSON.parse(m.body)))
    .filter((o) => o.changeOrderId === co);
/** Final outcomes (not the interim failed-retryable notices) published for a change order. */
const finals = (s: Stack, co: string) => published(s, co).filter((o) => o.outcome !== 'failed-retryable');

interface Run {
  deliveries: number;
  final: ConsumerResult;
}

describe('fault suite: SAE and MNS faults, redelivered until accepted', () => {
  let s: Stack;
  const consume = (event: Buffer) => {
    const context = fakeFcContext({ credentials: STS, functionName: 'sae-rollback-consumer' });
    s.rt.credentials.set(context.credentials);
    return createConsumerHandler(s.rt)(event, context);
  };
  /** Delivers until the consumer stops asking for a redelivery; `between` runs before each redelivery. */
  async function deliver(event: Buffer, between: (n: number) => unknown = () => undefined): Promise<Run> {
    for (let n = 1; n <= 6; n++) {
      try {
        return { deliveries: n, final: await consume(event) };
      } catch (err) {
        if (!(err instanceof RetryLaterError)) throw err;
        await between(n);
      }
    }
    throw new Error('still failing after 6 deliveries');
  }

  beforeAll(async () => {
    s = await startStack(ENV);
  });
  afterAll(() => s.close());
  afterEach(() => {
    s.sae.clearFaults();
    s.mns.clearFaults();
  });

  it('5xx on a look-up: retried with backoff inside the invocation, one delivery, one abort', async () => {
    const { co } = release(s);
    s.sae.injectFault({
      kind: 'http-error',
      status: 503,
      code: 'ServiceUnavailable',
      action: 'DescribeChangeOrder',
      times: 2,
    });
    const run = await deliver(queueEvent([{ ChangeOrderId: co }]));
    expect(run.deliveries).toBe(1);
    expect(run.final.counts).toEqual({ aborted: 1 });
    const describes = s.sae.callsTo('DescribeChangeOrder').filter((c) => c.query.ChangeOrderId === co);
    expect(describes.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(landed(s, co)).toHaveLength(1);
    expect(finals(s, co).map((o) => o.outcome)).toEqual(['aborted']);
  });

  it('5xx on the abort: not repeated blindly; the redelivery describes first, then aborts once', async () => {
    const { co } = release(s);
    s.sae.injectFault({
      kind: 'http-error',
      status: 500,
      code: 'InternalError',
      action: 'AbortAndRollbackChangeOrder',
    });
    const run = await deliver(queueEvent([{ ChangeOrderId: co }]));
    expect(run.deliveries).toBe(2);
    expect(run.final.counts).toEqual({ aborted: 1 });
    const aborts = s.sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.query.ChangeOrderId === co);
    expect(aborts.map((c) => c.status)).toEqual([500, 200]);
    expect(landed(s, co)).toHaveLength(1);
    expect(published(s, co).map((o) => o.outcome)).toEqual(['failed-retryable', 'aborted']);
  });

  it('Throttling.User (gateway body): the abort is retried inside the invocation — SAE never ran it', async () => {
    const { co } = release(s);
    s.sae.injectFault({ kind: 'throttle', action: 'AbortAndRollbackChangeOrder', times: 2 });
    const run = await deliver(queueEvent([{ ChangeOrderId: co }]));
    expect(run.deliveries).toBe(1);
    const aborts = s.sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.query.ChangeOrderId === co);
    expect(aborts.map((c) => [c.status, c.code])).toEqual([
      [400, 'Throttling.User'],
      [400, 'Throttling.User'],
      [200, undefined],
    ]);
    expect(finals(s, co).map((o) => o.outcome)).toEqual(['aborted']);
  });

  it('throttled past the invocation deadline: backoff stops at the deadline, the redelivery finishes', async () => {
    const { co } = release(s);
    s.sae.injectFault({ kind: 'throttle', action: 'DescribeChangeOrder', times: 1_000 });
    const context = fakeFcContext({ credentials: STS, timeoutSeconds: 3 });
    s.rt.credentials.set(context.credentials);
    const event = queueEvent([{ ChangeOrderId: co }]);
    await expect(createConsumerHandler(s.rt)(event, context)).rejects.toBeInstanceOf(RetryLaterError);
    // 3 s of FC timeout minus the 2 s kept for publishing leaves room for a few backoffs, not for all 4.
    const tries = s.sae.callsTo('DescribeChangeOrder').filter((c) => c.query.ChangeOrderId === co);
    expect(tries.length).toBeGreaterThanOrEqual(1);
    expect(tries.length).toBeLessThanOrEqual(4);
    s.sae.clearFaults();
    const run = await deliver(event);
    expect(run.final.counts).toEqual({ aborted: 1 });
    expect(landed(s, co)).toHaveLength(1);
  });

  it('connection resets: a look-up is retried at once; a reset abort waits for the redelivery', async () => {
    const a = release(s);
    const b = release(s);
    s.sae.injectFault({ kind: 'reset', action: 'DescribeChangeOrder' });
    const first = await deliver(queueEvent([{ ChangeOrderId: a.co }]));
    expect(first.deliveries).toBe(1);
    s.sae.injectFault({ kind: 'reset', action: 'AbortAndRollbackChangeOrder' });
    const second = await deliver(queueEvent([{ ChangeOrderId: b.co }]));
    expect(second.deliveries).toBe(2);
    for (const { co } of [a, b]) {
      expect(landed(s, co)).toHaveLength(1);
      expect(finals(s, co).map((o) => o.outcome)).toEqual(['aborted']);
      expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    }
  });

  it('an abort slower than the read timeout that lands anyway: the redelivery finds it done, no second abort', async () => {
    const { co } = release(s);
    s.sae.injectFault({ kind: 'latency', ms: 3 * READ_TIMEOUT_MS, action: 'AbortAndRollbackChangeOrder' });
    const run = await deliver(queueEvent([{ ChangeOrderId: co }]), async () => {
      // The platform redelivers seconds later; by then the slow abort has landed.
      while (s.sae.getChangeOrder(co)?.status !== 6) await sleep(20);
    });
    expect(run.deliveries).toBe(2);
    expect(
      s.sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.query.ChangeOrderId === co),
    ).toHaveLength(1);
    expect(landed(s, co)).toHaveLength(1);
    // The response was lost, but the first delivery remembered it had sent the abort: the redelivery
    // finds the change order terminated and reports it as ours.
    expect(run.final.counts).toEqual({ aborted: 1 });
    expect(published(s, co).map((o) => [o.outcome, o.changeOrderStatus])).toEqual([
      ['failed-retryable', undefined],
      ['aborted', 6],
    ]);
  });

  it('a look-up slower than the read timeout is retried inside the invocation', async () => {
    const { co } = release(s);
    s.sae.injectFault({ kind: 'latency', ms: 3 * READ_TIMEOUT_MS, action: 'DescribeChangeOrder' });
    const run = await deliver(queueEvent([{ ChangeOrderId: co }]));
    expect(run.deliveries).toBe(1);
    expect(finals(s, co).map((o) => o.outcome)).toEqual(['aborted']);
    expect(landed(s, co)).toHaveLength(1);
  });

  it('HTML 502 from the gateway: on a look-up retried, on the abort redelivered', async () => {
    const a = release(s);
    const b = release(s);
    s.sae.injectFault({ kind: 'html', status: 502, action: 'DescribeApplicationStatus' });
    const first = await deliver(queueEvent([{ appId: a.appId }]));
    expect([first.deliveries, first.final.counts]).toEqual([1, { aborted: 1 }]);
    s.sae.injectFault({ kind: 'html', status: 502, action: 'AbortAndRollbackChangeOrder' });
    const second = await deliver(queueEvent([{ ChangeOrderId: b.co }]));
    expect([second.deliveries, second.final.counts]).toEqual([2, { aborted: 1 }]);
    for (const { co } of [a, b]) {
      expect(landed(s, co)).toHaveLength(1);
      expect(finals(s, co).map((o) => o.outcome)).toEqual(['aborted']);
    }
  });

  it('MNS 503s: the outcome is stored, the redelivery publishes it under the same message ID, no second abort', async () => {
    const { co } = release(s);
    s.mns.injectFault({ kind: 'status', status: 503, code: 'ServiceUnavailable' });
    const event = queueEvent([{ ChangeOrderId: co }]);
    const run = await deliver(event, () => s.mns.clearFaults());
    expect(run.deliveries).toBe(2);
    expect(run.final.counts).toEqual({ duplicate: 1 });
    expect(landed(s, co)).toHaveLength(1);
    const msgs = finals(s, co);
    expect(msgs.map((o) => o.outcome)).toEqual(['aborted']);
    expect(s.mns.requests.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(1);
  });

  it('an MNS publish that times out after MNS stored it: published again under the same ID (at least once)', async () => {
    const { co } = release(s);
    s.mns.injectFault({ kind: 'latency', ms: 3 * READ_TIMEOUT_MS, times: 1 });
    const run = await deliver(queueEvent([{ ChangeOrderId: co }]), () => sleep(3 * READ_TIMEOUT_MS));
    expect(run.deliveries).toBe(2);
    expect(landed(s, co)).toHaveLength(1);
    const msgs = finals(s, co);
    // The one case exactly-once publishing cannot promise: consumers dedupe by messageId.
    expect(msgs.map((o) => o.outcome)).toEqual(['aborted', 'aborted']);
    expect(new Set(msgs.map((o) => o.messageId)).size).toBe(1);
  });

  it('over HTTP: a 5xx abort answers 503, CloudMonitor retries, 200 with one abort', async () => {
    const { co } = release(s);
    s.sae.injectFault({
      kind: 'http-error',
      status: 503,
      code: 'ServiceUnavailable',
      action: 'AbortAndRollbackChangeOrder',
    });
    const alarm = httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }));
    const first = (await s.invoke(alarm)) as { statusCode: number; headers: Record<string, string> };
    expect([first.statusCode, first.headers['retry-after']]).toEqual([503, '5']);
    const retry = (await s.invoke(alarm)) as { statusCode: number };
    expect(retry.statusCode).toBe(200);
    expect(landed(s, co)).toHaveLength(1);
    expect(finals(s, co).map((o) => o.outcome)).toEqual(['aborted']);
  });
});

describe('fault suite: the Redis store restarts mid-run (its data lost)', () => {
  let redis: OwnRedis;
  let s: Stack;
  beforeAll(async () => {
    redis = await OwnRedis.start();
    s = await startStack({
      ...ENV,
      IDEMPOTENCY_STORE: 'redis',
      REDIS_URL: redis.url,
      REDIS_TIMEOUT_MS: '300',
      REDIS_KEY_PREFIX: 'faults:',
    });
  });
  afterAll(async () => {
    await s?.rt.store.close?.();
    await s?.close();
    await redis?.kill();
  });

  const consume = (event: Buffer) => {
    const context = fakeFcContext({ credentials: STS, functionName: 'sae-rollback-consumer' });
    s.rt.credentials.set(context.credentials);
    return createConsumerHandler(s.rt)(event, context);
  };
  const storeAnswers = () =>
    s.rt.store.get('sae-rollback:probe').then(
      () => true,
      () => false,
    );

  it('fails safe while Redis is down, and never aborts twice after it comes back empty', async () => {
    const a = release(s);
    const b = release(s);
    const c = release(s);
    const eventA = queueEvent([{ ChangeOrderId: a.co }]);
    const eventB = queueEvent([{ ChangeOrderId: b.co }]);
    const eventC = queueEvent([{ ChangeOrderId: c.co }]);

    // A: handled while Redis is up.
    expect((await consume(eventA)).counts).toEqual({ aborted: 1 });

    // B: Redis dies while B's abort is in flight. What was done is done: B reports aborted.
    // Slow enough to kill Redis meanwhile, quicker than the read timeout.
    s.sae.injectFault({ kind: 'latency', ms: READ_TIMEOUT_MS - 100, action: 'AbortAndRollbackChangeOrder' });
    const inFlight = consume(eventB);
    while (
      s.sae.callsTo('AbortAndRollbackChangeOrder').filter((x) => x.query.ChangeOrderId === b.co).length === 0
    )
      await sleep(5);
    await redis.kill();
    expect((await inFlight).counts).toEqual({ aborted: 1 });

    // Redis down: C and a duplicate of A fail retryably, and nothing reaches SAE's abort.
    const abortsBefore = s.sae.callsTo('AbortAndRollbackChangeOrder').length;
    await expect(consume(eventC)).rejects.toBeInstanceOf(RetryLaterError);
    await expect(consume(eventA)).rejects.toBeInstanceOf(RetryLaterError);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(abortsBefore);

    // Redis is back, empty. Everything is redelivered.
    await redis.restart();
    while (!(await storeAnswers())) await sleep(50);
    const again = await Promise.all([consume(eventA), consume(eventB), consume(eventC)]);
    expect(again.map((r) => r.counts)).toEqual([
      { 'already-finished': 1 },
      { 'already-finished': 1 },
      { aborted: 1 },
    ]);
    for (const { co } of [a, b, c]) {
      expect(landed(s, co), co).toHaveLength(1);
      expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    }
    expect(finals(s, c.co).map((o) => o.outcome)).toEqual(['aborted']);
    expect(finals(s, a.co).map((o) => o.outcome)).toEqual(['aborted', 'already-finished']);
  });
});
