import { describe, expect, it } from 'vitest';
import { APP, CO, CO2, only, records } from '../helpers/event-records.js';

/** A CloudEvent as EventBridge delivers it (reference §4b), `id` left out when `id` is undefined. */
function ce(type: string, source: string, data: unknown, id?: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    type,
    source,
    ...(id === undefined ? {} : { id }),
    time: '2026-11-29T02:59:00Z',
    data,
  };
}

describe('CloudEvents without an id', () => {
  it('keep distinct events from one source apart (a second request is not a duplicate of the first)', () => {
    const a = only(ce('custom:Release:Bad', 'my.pipeline', { ChangeOrderId: CO }));
    const b = only(ce('custom:Release:Bad', 'my.pipeline', { ChangeOrderId: CO2 }));
    expect([a.changeOrderId, b.changeOrderId]).toEqual([CO, CO2]);
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
  });

  it('keep distinct SAE events apart, and a redelivery of the same one on one key', () => {
    const fail = 'sae:ChangeOrder:SaeChangeOrderFailEvent';
    const a = only(ce(fail, 'acs.sae', { appId: APP }));
    const b = only(ce(fail, 'acs.sae', { changeOrderId: CO }));
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
    expect(only(ce(fail, 'acs.sae', { appId: APP })).dedupeKey).toBe(a.dedupeKey);
  });

  it('with an id, are keyed by source and id', () => {
    const r = only(ce('custom:Release:Bad', 'my.pipeline', { ChangeOrderId: CO }, 'evt-1'));
    expect(r.dedupeKey).toBe('ce:my.pipeline:evt-1');
  });
});

describe('SAE change-order events whose data is not readable JSON', () => {
  it('say that data is not valid JSON, not that the IDs are missing', () => {
    const r = only(ce('sae:ChangeOrder:SaeChangeOrderFailEvent', 'acs.sae', '{"appId": "oops', 'e-1'));
    expect(r).toMatchObject({ source: 'sae-event', disposition: 'reject' });
    expect(r.reason).toMatch(
      /^The SAE event's data is not valid JSON \(.+\) \(in the event\)\. Send data as a JSON object with changeOrderId or appId\.$/,
    );
  });

  it("keep the parser's words whole, dots and all", () => {
    const r = only(ce('sae:ChangeOrder:SaeChangeOrderFailEvent', 'acs.sae', '[1.5,]', 'e-1'));
    expect(r.reason).toMatch(/^The SAE event's data is not valid JSON \(.*1\.5.*\) \(in the event\)\. Send/);
  });

  it('read data sent as JSON text like data sent as an object', () => {
    const r = only(
      ce('sae:ChangeOrder:SaeChangeOrderFailEvent', 'acs.sae', JSON.stringify({ appId: APP }), 'e-2'),
    );
    expect(r).toMatchObject({ disposition: 'act', appId: APP, changeOrderId: null });
  });
});

const SAE_FAIL = 'sae:ChangeOrder:SaeChangeOrderFailEvent';
const body = { ChangeOrderId: CO };

describe('what makes an object a CloudEvent', () => {
  it.each([
    ['no source', { specversion: '1.0', type: 'custom:X', ...body }],
    ['no type', { specversion: '1.0', source: 'my.src', ...body }],
    ['a numeric type', { specversion: '1.0', type: 7, source: 'my.src', ...body }],
    ['no specversion', { type: 'custom:X', source: 'my.src', ...body }],
    ['a numeric specversion', { specversion: 1, type: 'custom:X', source: 'my.src', ...body }],
  ])('with %s it is read as a direct request', (_what, event) => {
    expect(only(event)).toMatchObject({ source: 'direct', changeOrderId: CO, via: [] });
  });

  it('with specversion, type and source its data is read through the eventbridge envelope', () => {
    expect(only(ce('custom:Release:Bad', 'my.pipeline', body, 'e-1'))).toMatchObject({
      source: 'eventbridge',
      via: ['eventbridge'],
      path: '.data',
      changeOrderId: CO,
      disposition: 'act',
    });
  });

  it('a custom event without data says the body at .data is missing', () => {
    const r = only(ce('custom:Release:Bad', 'my.pipeline', undefined, 'e-1'));
    expect(r).toMatchObject({ source: 'eventbridge', disposition: 'reject', path: '.data' });
    expect(r.reason).toMatch(/^The message body at \.data is missing;/);
  });
});

describe('dispatch by type or source', () => {
  it('an sae: type from another source (a relayed event) is an SAE event', () => {
    expect(only(ce(SAE_FAIL, 'my.relay', { appId: APP }, 'e-1'))).toMatchObject({
      source: 'sae-event',
      disposition: 'act',
      appId: APP,
    });
  });

  it('an empty source or type is kept empty, not invented', () => {
    expect(only(ce('custom:X', '', body, 'e-1')).dedupeKey).toBe('ce::e-1');
    expect(only(ce('', 'acs.sae', { appId: APP }, 'e-1')).alarm).toEqual({
      source: 'sae-event',
      firedAt: '2026-11-29T02:59:00Z',
    });
  });

  it('any type from acs.sae is an SAE event (ignored when it is not a change-order event)', () => {
    const r = only(ce('Custom:Thing', 'acs.sae', { appId: APP }, 'e-1'));
    expect(r).toMatchObject({ source: 'sae-event', disposition: 'ignore' });
    expect(r.reason).toBe(
      'SAE event Custom:Thing is not about a release (runtime or system event); nothing to roll back.',
    );
  });

  it('a cms: type from another source is a CloudMonitor event', () => {
    const r = only(ce('cms:CloudMonitor:AgentStatusStopped', 'my.relay', {}, 'e-1'));
    expect(r).toMatchObject({ source: 'cloudmonitor', disposition: 'ignore' });
  });

  it('any type from acs.cms is a CloudMonitor event', () => {
    const r = only(ce('ActionTrail:ApiCall', 'acs.cms', { ChangeOrderId: CO }, 'e-1'));
    expect(r).toMatchObject({ source: 'cloudmonitor', disposition: 'ignore', changeOrderId: null });
  });

  it.each([
    ['mns:Queue:SendMessage', 'MNS-fn', 'mns-queue', '.data.messageBody'],
    ['mq:Topic:SendMessage', 'RocketMQ-fn', 'rocketmq', '.data.body'],
    ['rocketmq:Topic:SendMessage', 'RocketMQ-fn', 'rocketmq', '.data.body'],
    ['alikafka:Topic:Message', 'my.relay', 'kafka', '.data.value'],
    ['kafka:Topic:Message', 'my.relay', 'kafka', '.data.value'],
    ['custom:Message', 'acs:alikafka', 'kafka', '.data.value'],
    ['amqp:Queue:SendMessage', 'RabbitMQ-fn', 'rabbitmq', '.data.body'],
    ['rabbitmq:Queue:SendMessage', 'RabbitMQ-fn', 'rabbitmq', '.data.body'],
  ])('%s from %s without data: a %s message whose body at %s is missing', (type, source, via, path) => {
    const r = only(ce(type, source, undefined, 'e-1'));
    expect(r).toMatchObject({ source: via, via: [via], path, dedupeKey: `ce:${source}:e-1` });
    expect(r.reason.startsWith(`The message body at ${path} is missing;`)).toBe(true);
  });

  it('data with a messageBody is an MNS message whatever the type, keyed by its messageId', () => {
    const r = only(
      ce('custom:Forwarded', 'my.relay', { messageId: 'M-1', messageBody: JSON.stringify(body) }),
    );
    expect(r).toMatchObject({ source: 'mns-queue', changeOrderId: CO, dedupeKey: 'mns:M-1' });
  });

  it('a RocketMQ message is keyed by UNIQ_KEY, else by msgId, else by the CloudEvent', () => {
    const msg = (data: object) => only(ce('mq:Topic:SendMessage', 'RocketMQ-fn', data, 'e-1'));
    const b = JSON.stringify(body);
    expect(msg({ msgId: 'MSG', systemProperties: { UNIQ_KEY: 'UNIQ' }, body: b }).dedupeKey).toBe(
      'rocketmq:UNIQ',
    );
    expect(msg({ msgId: 'MSG', body: b }).dedupeKey).toBe('rocketmq:MSG');
    expect(msg({ body: b })).toMatchObject({ dedupeKey: 'ce:RocketMQ-fn:e-1', changeOrderId: CO });
  });

  it('a Kafka message is keyed by topic/partition/offset only when it has all three', () => {
    const msg = (data: object) =>
      only(ce('alikafka:Topic:Message', 'acs:alikafka', { ...data, value: JSON.stringify(body) }, 'e-1'));
    expect(msg({ topic: 'alerts', partition: 7, offset: 25 }).dedupeKey).toBe('kafka:alerts/7/25');
    expect(msg({ topic: 'alerts', partition: 7 }).dedupeKey).toBe('ce:acs:alikafka:e-1');
    expect(msg({ topic: 'alerts', offset: 25 }).dedupeKey).toBe('ce:acs:alikafka:e-1');
    expect(msg({ partition: 7, offset: 25 }).dedupeKey).toBe('ce:acs:alikafka:e-1');
  });

  it('a RabbitMQ message is keyed by props.messageId, else by the CloudEvent', () => {
    const msg = (data: object) => only(ce('amqp:Queue:SendMessage', 'RabbitMQ-fn', { ...data, body }, 'e-1'));
    expect(msg({ props: { messageId: 'R-1' } })).toMatchObject({
      dedupeKey: 'rabbitmq:R-1',
      changeOrderId: CO,
    });
    expect(msg({}).dedupeKey).toBe('ce:RabbitMQ-fn:e-1');
  });
});

describe('self-managed RocketMQ messages (a plain array)', () => {
  it('need msgId, topic and body: without msgId the object is not recognised', () => {
    const r = only([{ topic: 'alerts', body: JSON.stringify(body) }]);
    expect(r).toMatchObject({ source: 'unknown', disposition: 'reject' });
  });

  it('are keyed by UNIQ_KEY, else by msgId', () => {
    const msg = { msgId: 'MSG', topic: 'alerts', body: JSON.stringify(body) };
    const [a, b] = records([{ ...msg, systemProperties: { UNIQ_KEY: 'UNIQ' } }, msg]);
    expect(a).toMatchObject({ dedupeKey: 'rocketmq:UNIQ', source: 'rocketmq', changeOrderId: CO });
    expect(b).toMatchObject({ dedupeKey: 'rocketmq:MSG', path: '[1].body' });
  });

  it('with a null body say so, at .body', () => {
    const r = only({ msgId: 'MSG', topic: 'alerts', body: null });
    expect(r).toMatchObject({ source: 'rocketmq', disposition: 'reject', path: '.body' });
    expect(r.reason).toMatch(/^The message body at \.body is a null;/);
  });
});

describe('SAE change-order events', () => {
  it('a failed change order acts on the app in data, with the event time and level', () => {
    const r = only(ce(SAE_FAIL, 'acs.sae', { level: 'WARNING', appId: APP }, 'e-1'));
    expect(r).toMatchObject({ source: 'sae-event', disposition: 'act', path: '', via: [], appId: APP });
    expect(r.alarm).toEqual({
      source: 'sae-event',
      name: SAE_FAIL,
      severity: 'WARNING',
      firedAt: '2026-11-29T02:59:00Z',
    });
    expect(r.reason).toBe(
      `SAE event ${SAE_FAIL} names app ${APP}; its running change order will be looked up.`,
    );
  });

  it('a health-check failure during a change acts on the change order', () => {
    const r = only(ce('sae:ChangeOrder:SaeK8sUnhealthyEvent', 'acs.sae', { changeOrderId: CO }, 'e-1'));
    expect(r).toMatchObject({ disposition: 'act', changeOrderId: CO });
  });

  it('inside a batch, sit at the element itself', () => {
    const [r] = records([ce(SAE_FAIL, 'acs.sae', { appId: APP }, 'e-1')]);
    expect(r).toMatchObject({ path: '[0]', disposition: 'act' });
  });

  it('without data are rejected as naming no target, in the SAE event', () => {
    const r = only(ce(SAE_FAIL, 'acs.sae', undefined, 'e-1'));
    expect(r).toMatchObject({ source: 'sae-event', disposition: 'reject' });
    expect(r.reason).toMatch(/^No change order ID or app ID in the SAE event in the event\. /);
    expect(r.alarm).toEqual({ source: 'sae-event', name: SAE_FAIL, firedAt: '2026-11-29T02:59:00Z' });
  });

  it('take resourceId as the app only when it is a string', () => {
    expect(only(ce(SAE_FAIL, 'acs.sae', { resourceId: APP }, 'e-1')).appId).toBe(APP);
    const r = only(ce(SAE_FAIL, 'acs.sae', { resourceId: 12345 }, 'e-1'));
    expect(r.reason).toMatch(/^No change order ID or app ID /);
  });

  it('name the bad field under data', () => {
    expect(only(ce(SAE_FAIL, 'acs.sae', { appId: 12345 }, 'e-1')).reason).toMatch(
      /^data\.appId must be a string, not number \(in the SAE event in the event\)\. /,
    );
    expect(only(ce(SAE_FAIL, 'acs.sae', { resourceId: 'not an id!' }, 'e-1')).reason).toMatch(
      /^data\.resourceId: the app ID is not valid: /,
    );
  });
});

describe('CloudMonitor events', () => {
  const hook = 'cms:CloudMonitor:AlertWebHook';
  const alert = {
    alertName: 'SAE 5xx',
    alertState: 'ALERT',
    dimensions: `{appId=${APP}, userId=12****}`,
    transId: 'T-1',
  };

  it('other CloudMonitor event types are not alerts', () => {
    const r = only(ce('cms:CloudMonitor:AgentStatusStopped', 'acs.cms', alert, 'e-1'));
    expect(r).toMatchObject({ source: 'cloudmonitor', disposition: 'ignore', appId: null, path: '.data' });
    expect(r.reason).toBe(
      'CloudMonitor event cms:CloudMonitor:AgentStatusStopped is not an alert; nothing to roll back.',
    );
    expect(r.alarm).toEqual({ source: 'cloudmonitor', name: 'cms:CloudMonitor:AgentStatusStopped' });
  });

  it('an AlertWebHook with the callback fields acts on the app, at .data', () => {
    const r = only(ce(hook, 'acs.cms', alert, 'e-1'));
    expect(r).toMatchObject({
      disposition: 'act',
      appId: APP,
      path: '.data',
      dedupeKey: 'ce:acs.cms:e-1/cms:T-1',
    });
  });

  it('an AlertWebHook whose data is form text is read as the callback', () => {
    const form = new URLSearchParams(alert).toString();
    expect(only(ce(hook, 'acs.cms', form, 'e-1'))).toMatchObject({ disposition: 'act', appId: APP });
  });

  it('an AlertWebHook without alert fields says which fields it lacks, at .data', () => {
    const r = only(ce(hook, 'acs.cms', { foo: 'bar' }, 'e-1'));
    expect(r).toMatchObject({ source: 'cloudmonitor', disposition: 'reject', path: '.data' });
    expect(r.reason).toBe(
      'The CloudMonitor AlertWebHook event at .data has no alert fields (alertState, alertName, dimensions).',
    );
  });
});
