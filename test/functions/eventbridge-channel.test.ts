import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../emulators/eventbridge/index.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';

const BUS = 'sae-rollback';
const ROCKETMQ_TOPIC = 'sae-rollback-outcomes';

describe('the EventBridge channel, through the alarm function', () => {
  let s: Stack;
  let eb: EventBridgeEmulator;
  let seq = 0;

  beforeAll(async () => {
    eb = await startEventBridgeEmulator({
      credentials: [STS],
      buses: [BUS],
      rules: [
        {
          bus: BUS,
          name: 'outcomes-to-rocketmq',
          pattern: { source: ['sae-rollback'], type: [{ prefix: 'sae-rollback:Outcome:' }] },
          targets: [{ type: 'rocketmq', topic: ROCKETMQ_TOPIC }],
        },
      ],
    });
    s = await startStack({
      EVENTBRIDGE_BUS: BUS,
      EVENTBRIDGE_ENDPOINT: eb.url,
      EVENTBRIDGE_TIMEOUT_MS: '1000',
      FC_ACCOUNT_ID: '1234567890123456',
      NOTIFY_RETRY_BASE_MS: '5',
      NOTIFY_RETRY_MAX_MS: '20',
      COOLDOWN_SECONDS: '0',
    });
  });
  afterAll(async () => {
    await Promise.all([s.close(), eb.close()]);
  });

  const newChangeOrder = () => {
    const appId = `eb-channel-app-${String(++seq).padStart(4, '0')}`;
    s.sae.seedApp({ appId, versions: ['v1', 'v2'] });
    return { appId, co: s.sae.startChangeOrder({ appId }) };
  };
  const eventsFor = (co: string) =>
    eb.events(BUS).filter((e) => e.event.subject?.endsWith(`changeorder/${co}`));
  const aborts = (co: string) =>
    s.sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.query.ChangeOrderId === co);

  it('puts the outcome on the bus with the MNS message ID, and the rule routes it to the RocketMQ consumer', async () => {
    const { appId, co } = newChangeOrder();
    const consumed: string[] = [];
    const unsubscribe = eb.sink.subscribe(ROCKETMQ_TOPIC, (m) => consumed.push(m.body));

    const res = (await s.invoke(httpTriggerEvent(JSON.stringify({ ChangeOrderId: co })))) as {
      statusCode: number;
    };

    unsubscribe();
    expect(res.statusCode).toBe(200);
    const mns = outcomeSchema.parse(JSON.parse(s.mns.messages(TOPIC).at(-1)?.body ?? '{}'));
    const [stored] = eventsFor(co);
    expect(stored?.event).toMatchObject({
      id: mns.messageId,
      source: 'sae-rollback',
      type: 'sae-rollback:Outcome:aborted',
      subject: `acs:sae:cn-hangzhou:1234567890123456:app/${appId}/changeorder/${co}`,
    });
    expect(outcomeSchema.parse(stored?.event.data)).toEqual(mns);
    expect(consumed).toHaveLength(1);
    expect(JSON.parse(consumed[0] ?? '{}')).toMatchObject({ id: mns.messageId, data: { changeOrderId: co } });
    expect(eb.requests.at(-1)).toMatchObject({
      status: 200,
      signatureValid: true,
      accessKeyId: STS.accessKeyId,
    });
  });

  it.each([
    ['the request fails (HTTP 503)', () => eb.injectFault({ kind: 'status', status: 503, times: 100 })],
    [
      'the entry fails (FailedEntryCount 1, Throttling)',
      () => eb.injectFault({ kind: 'entry-error', code: 'Throttling', times: 100 }),
    ],
  ])('re-sends on redelivery when %s, on EventBridge only, never aborting again', async (_name, fail) => {
    const { co } = newChangeOrder();
    const mnsBefore = s.mns.messages(TOPIC).length;
    const alarm = httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }));
    fail();

    const first = (await s.invoke(alarm)) as { statusCode: number };
    expect(first.statusCode).toBe(503);
    expect(eventsFor(co)).toHaveLength(0);
    expect(s.mns.messages(TOPIC).length).toBe(mnsBefore + 1);
    expect((await s.rt.store.get(changeOrderKey(co)))?.delivered).toEqual(['mns']);

    eb.clearFaults();
    const second = (await s.invoke(alarm)) as { statusCode: number; body: string };
    expect(second.statusCode).toBe(200);
    expect(JSON.parse(second.body).outcomes[0].outcome).toBe('duplicate');
    expect(s.mns.messages(TOPIC).length).toBe(mnsBefore + 1);
    const delivered = eventsFor(co);
    expect(delivered.map((e) => e.event.type)).toEqual(['sae-rollback:Outcome:aborted']);
    expect(delivered[0]?.event.id).toBe(JSON.parse(s.mns.messages(TOPIC).at(-1)?.body ?? '{}').messageId);
    expect(eb.sink.messages(ROCKETMQ_TOPIC).filter((m) => m.keys === delivered[0]?.event.id)).toHaveLength(1);
    expect(aborts(co)).toHaveLength(1);
    expect((await s.rt.store.get(changeOrderKey(co)))?.notified).toBe(true);

    const third = (await s.invoke(alarm)) as { body: string };
    expect(JSON.parse(third.body).outcomes[0].outcome).toBe('duplicate');
    expect(eventsFor(co)).toHaveLength(1);
  });

  it('never writes the STS secret or token into the logs', async () => {
    // Its own publication (and a failed one, whose error is logged), not the logs earlier tests left.
    const logsBefore = s.logs.length;
    const { co } = newChangeOrder();
    eb.injectFault({ kind: 'status', status: 503, times: 100 });
    await s.invoke(httpTriggerEvent(JSON.stringify({ ChangeOrderId: co })));
    eb.clearFaults();
    expect(aborts(co)).toHaveLength(1);
    const logs = s.logs.slice(logsBefore).join('\n');
    expect(logs).toContain('eventbridge');
    for (const secret of [STS.accessKeySecret, STS.securityToken ?? '']) expect(logs).not.toContain(secret);
  });
});
