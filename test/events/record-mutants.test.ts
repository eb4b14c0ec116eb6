import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { httpTriggerEvent } from '../helpers/http-event.js';
import { CO, CO2, only, parse } from '../helpers/parse.js';

// Dedupe keys are stored (Redis) across deployments: a redelivery during a deploy must meet the key the
// previous version wrote, so their format is part of the contract, not an implementation detail.
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const body = { ChangeOrderId: CO };

/** An EventBridge Kafka trigger delivery (as the Alibaba Cloud Kafka source sends it). */
const kafka = (data: Record<string, unknown>) => [
  {
    id: '8e215af8-ca18-4249-8645-f96c1026a017',
    source: 'acs:alikafka',
    specversion: '1.0',
    type: 'alikafka:Topic:Message',
    data: { topic: 'sae-alerts', partition: 7, offset: 17, key: 'keytest', ...data },
  },
];

describe('dedupe keys', () => {
  it('hashes the body when the delivery has no identity: source, sha256 of the JSON, 32 hex digits', () => {
    expect(only(body).dedupeKey).toBe(`direct:sha256:${hash(JSON.stringify(body))}`);
  });

  it('hashes a plain-text ID as its text', () => {
    expect(only(`${CO}\n`).dedupeKey).toBe(`direct:sha256:${hash(CO)}`);
  });

  it('adds where in the event the record sits: batch elements with equal bodies stay apart', () => {
    expect(parse([body, body]).records.map((r) => r.dedupeKey)).toEqual([
      `direct:sha256:${hash(JSON.stringify(body))}#[0]`,
      `direct:sha256:${hash(JSON.stringify(body))}#[1]`,
    ]);
  });

  it('adds the path through an envelope without identity (HTTP)', () => {
    expect(parse(httpTriggerEvent(JSON.stringify(body))).records[0]?.dedupeKey).toBe(
      `direct:sha256:${hash(JSON.stringify(body))}#.body`,
    );
  });

  it('keys by the delivery identity, plus the path for several records under one identity', () => {
    expect(only(kafka({ value: body })).dedupeKey).toBe('kafka:sae-alerts/7/17');
    const e = parse(kafka({ value: JSON.stringify([{ ChangeOrderId: CO }, { ChangeOrderId: CO2 }]) }));
    expect(e.records.map((r) => r.dedupeKey)).toEqual([
      'kafka:sae-alerts/7/17#[0]',
      'kafka:sae-alerts/7/17#[1]',
    ]);
  });

  it('keeps a sender-given message ID printable ASCII, and at most 160 characters', () => {
    expect(only({ ...body, messageId: 'msg 1é' }).dedupeKey).toBe('direct:msg?1?');
    expect(only({ ...body, messageId: 'm'.repeat(200) }).dedupeKey).toBe(`direct:${'m'.repeat(153)}`);
  });
});

describe('the record source names the envelopes', () => {
  it('joins them with "/" and names a direct body by its envelopes', () => {
    const mns = { TopicOwner: '1234', TopicName: 'sae-alerts', MessageId: 'm-1', Message: body };
    expect(only(kafka({ value: JSON.stringify(mns) }))).toMatchObject({
      source: 'kafka/mns-topic',
      via: ['kafka', 'mns-topic'],
      disposition: 'act',
    });
  });

  it('names an envelope once when the envelope itself refuses the record', () => {
    const r = only({ TopicOwner: '1234', TopicName: 'sae-alerts', MessageId: 'm-1', Message: null });
    expect(r).toMatchObject({
      source: 'mns-topic',
      disposition: 'reject',
      reason:
        'The message body at .Message is a null; expected text or a JSON object naming the change order or app.',
    });
  });
});

describe('message bodies that are neither text nor an object', () => {
  it('a null is no object: {body, attrs: null} is not an MNS message with attributes', () => {
    expect(only({ body: { ChangeOrderId: CO }, attrs: null })).toMatchObject({
      source: 'unknown',
      disposition: 'reject',
      changeOrderId: null,
    });
  });

  it.each([
    ['missing', {}, 'missing'],
    ['null', { value: null }, 'a null'],
    ['a number', { value: 5 }, 'a number'],
  ])('a Kafka value %s is refused, saying what it was', (_what, data, said) => {
    expect(only(kafka(data))).toMatchObject({
      source: 'kafka',
      disposition: 'reject',
      reason: `The message body at [0].data.value is ${said}; expected text or a JSON object naming the change order or app.`,
    });
  });
});

describe('alarm fields are for humans', () => {
  it('keeps 512 characters, and cuts a longer one to 511 and an ellipsis', () => {
    expect(only({ ...body, alarmName: 'n'.repeat(512) }).alarm.name).toBe('n'.repeat(512));
    expect(only({ ...body, alarmName: 'n'.repeat(600) }).alarm.name).toBe(`${'n'.repeat(511)}…`);
  });

  it('trims, and takes "null" or blank as no value', () => {
    expect(only({ ...body, alarmName: '  cpu high \n' }).alarm.name).toBe('cpu high');
    expect(only({ ...body, alarmName: 'null', reason: 'deploy check' }).alarm.name).toBe('deploy check');
    expect(only({ ...body, alarmName: '  ', reason: 'deploy check' }).alarm.name).toBe('deploy check');
  });

  it('writes numbers and booleans as text', () => {
    expect(only({ ...body, alarmName: 42 }).alarm.name).toBe('42');
    expect(only({ ...body, alarmName: false }).alarm.name).toBe('false');
  });

  it('leaves out an empty field', () => {
    const r = only({ specversion: '1.0', id: 'e-1', source: 'acs.cms', type: '', data: {} });
    expect(r.disposition).toBe('ignore');
    expect(r.alarm).toEqual({ source: 'cloudmonitor' });
  });
});
