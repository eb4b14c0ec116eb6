import { describe, expect, it } from 'vitest';
import { b64, CO, only } from '../helpers/event-records.js';

const body = JSON.stringify({ ChangeOrderId: CO });
/** An MNS topic trigger event in JSON format (reference §4d), `Message` as given. */
const topicJson = (fields: Record<string, unknown>) => ({
  TopicOwner: '118620210433****',
  TopicName: 'sae-alerts',
  Message: body,
  MessageId: '2F5B3C082B923D4EAC694B76D928A001',
  PublishTime: 1550216480040,
  ...fields,
});

describe('MNS topic trigger, JSON format', () => {
  it('reads Message, through the mns-topic envelope, keyed by MessageId', () => {
    expect(only(topicJson({}))).toMatchObject({
      source: 'mns-topic',
      via: ['mns-topic'],
      path: '.Message',
      changeOrderId: CO,
      disposition: 'act',
      dedupeKey: 'mns:2F5B3C082B923D4EAC694B76D928A001',
    });
  });

  it('reads a Base64 Message (as MNS recommends publishing)', () => {
    expect(only(topicJson({ Message: b64(body) }))).toMatchObject({ changeOrderId: CO, disposition: 'act' });
  });

  it('is recognised by TopicOwner alone as well as by TopicName', () => {
    expect(only(topicJson({ TopicName: undefined })).via).toEqual(['mns-topic']);
  });

  it('a null Message is rejected as an MNS topic message, saying where', () => {
    const r = only(topicJson({ Message: null }));
    expect(r).toMatchObject({ source: 'mns-topic', disposition: 'reject', path: '.Message' });
    expect(r.reason).toMatch(/^The message body at \.Message is a null;/);
  });

  it.each([
    ['no Message', { TopicName: 't', MessageId: 'M' }],
    ['no MessageId', { TopicName: 't', Message: 'hello' }],
    ['no TopicName or TopicOwner', { Message: 'hello', MessageId: 'M' }],
    ['TopicName only', { TopicName: 't' }],
  ])('with %s, an object is not an MNS message (here: a direct request)', (_what, fields) => {
    expect(only({ ...fields, ChangeOrderId: CO })).toMatchObject({
      source: 'direct',
      via: [],
      changeOrderId: CO,
    });
  });
});

describe('MNS topic trigger, STREAM format with attributes: {body, attrs}', () => {
  it('reads body through the mns-topic envelope, keyed by content', () => {
    const r = only({ body, attrs: { Extend: '{"key":"value"}' } });
    expect(r).toMatchObject({ source: 'mns-topic', via: ['mns-topic'], path: '.body', changeOrderId: CO });
    expect(r.dedupeKey).toMatch(/^mns-topic:sha256:[0-9a-f]{32}#\.body$/);
  });

  it('a null body is rejected as an MNS topic message, saying where', () => {
    const r = only({ body: null, attrs: {} });
    expect(r).toMatchObject({ source: 'mns-topic', disposition: 'reject', path: '.body' });
  });

  it.each([
    ['a third key', { body, attrs: {}, extra: 1 }],
    ['attrs that are not an object', { body, attrs: 'x' }],
    ['no attrs', { body, other: {} }],
    ['no body', { attrs: {}, other: body }],
  ])('with %s, an object is not one (unrecognised)', (_what, event) => {
    expect(only(event)).toMatchObject({ source: 'unknown', disposition: 'reject', via: [] });
  });
});
