import { describe, expect, it } from 'vitest';
import type { AlertKeys } from '../../lib/events/alert-keys.js';
import { MAX_DEPTH, MAX_EVENT_BYTES, MAX_RECORDS } from '../../lib/events/types.js';
import { httpTriggerEvent } from '../helpers/http-event.js';
import { APP, b64, CO, only, parse } from '../helpers/parse.js';

const NOT_READ =
  'The event is text that is not JSON, a form-encoded CloudMonitor alert, Base64 of those, or a change order ID.';
const direct = JSON.stringify({ ChangeOrderId: CO });
const base64Times = (s: string, n: number) => Array.from({ length: n }).reduce<string>((t) => b64(t), s);
const alertmanager = {
  status: 'firing',
  alerts: [{ status: 'firing', labels: { alertname: 'HighErrorRate', appId: APP } }],
};

describe('parseEvent never throws: a parser failure is a rejection that asks for a bug report', () => {
  it.each([
    ['an Error', new RangeError('boom'), 'RangeError'],
    ['a thrown null', null, 'Error'],
  ])('%s becomes one "unknown" rejection naming the error type', (_what, thrown, name) => {
    const alertKeys = {
      get appId(): string[] {
        throw thrown;
      },
      changeOrderId: ['changeOrderId'],
    } as AlertKeys;
    const e = parse(alertmanager, { alertKeys });
    expect(e).toMatchObject({ source: 'unknown', understood: false });
    expect(e.records).toEqual([
      expect.objectContaining({
        source: 'unknown',
        disposition: 'reject',
        reason: `The event could not be parsed (internal error: ${name}); report this payload as a bug.`,
      }),
    ]);
  });
});

describe('parseEvent: the bytes of the event', () => {
  it('reads an event of exactly the size limit', () => {
    const pad = MAX_EVENT_BYTES - Buffer.byteLength(JSON.stringify({ ChangeOrderId: CO, pad: '' }));
    const bytes = Buffer.from(JSON.stringify({ ChangeOrderId: CO, pad: 'x'.repeat(pad) }));
    expect(bytes.length).toBe(MAX_EVENT_BYTES);
    expect(only(bytes)).toMatchObject({ disposition: 'act', changeOrderId: CO });
  });

  it('refuses one byte more, saying how big it was and what the limit is', () => {
    const r = only(Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20));
    expect(r).toMatchObject({ source: 'unknown', disposition: 'reject' });
    expect(r.reason).toBe(
      `The event is ${MAX_EVENT_BYTES + 1} bytes; the limit is ${MAX_EVENT_BYTES}. Send small alarms or batches.`,
    );
  });

  it('refuses bytes that are not UTF-8, and keeps two such events apart by their bytes', () => {
    const a = only(Buffer.from([0x7b, 0xff, 0x41]));
    const b = only(Buffer.from([0x7b, 0xfe, 0x41]));
    expect(a).toMatchObject({ source: 'unknown', disposition: 'reject' });
    expect(a.reason).toBe('The event is not valid UTF-8 text; send UTF-8 JSON or text.');
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
  });

  it('names the event when its JSON is broken', () => {
    const r = only('{"ChangeOrderId": ');
    expect(r).toMatchObject({ source: 'unknown', disposition: 'reject', path: '' });
    expect(r.reason).toMatch(/^The event is not valid JSON \(.+\)\.$/);
  });
});

describe('parseEvent: the body of an HTTP trigger', () => {
  it('refuses a body that is not UTF-8, inside the HTTP envelope', () => {
    const e = parse(httpTriggerEvent(Buffer.from([0xff, 0xfe, 0x41]), { base64: true }));
    expect(e.source).toBe('http');
    expect(e.records).toEqual([
      expect.objectContaining({
        disposition: 'reject',
        reason: 'The HTTP request body is not valid UTF-8 text; send UTF-8 JSON or text.',
        via: ['http'],
        path: '.body',
      }),
    ]);
  });

  it('says where broken JSON sits: at .body', () => {
    const e = parse(httpTriggerEvent('{"ChangeOrderId": '));
    const r = e.records[0];
    expect(e.records).toHaveLength(1);
    expect(r).toMatchObject({ source: 'unknown', disposition: 'reject', via: ['http'], path: '.body' });
    expect(r?.reason).toMatch(/^The body at \.body is not valid JSON \(.+\)\.$/);
  });

  it('says an empty body is empty, and where', () => {
    const e = parse(httpTriggerEvent(''));
    expect(e.records.map((r) => r.reason)).toEqual([
      'The body at .body is empty; expected JSON such as {"ChangeOrderId":"…"}, an alert, or a change order ID.',
    ]);
  });
});

describe('parseEvent: text that is not an object', () => {
  it('says an empty event is empty', () => {
    expect(only(' \n ')).toMatchObject({
      source: 'unknown',
      disposition: 'reject',
      reason:
        'The event is empty; expected JSON such as {"ChangeOrderId":"…"}, an alert, or a change order ID.',
    });
  });

  it.each([
    ['null', 'null'],
    ['true', 'boolean'],
    ['false', 'boolean'],
  ])('reads %s as a JSON scalar, not as a short ID', (t, kind) => {
    expect(only(t)).toMatchObject({
      source: 'unknown',
      disposition: 'reject',
      reason: `The event is a JSON ${kind}; expected an object naming the change order or app, or a supported alert/event.`,
    });
  });

  it('refuses a broken JSON string as broken JSON', () => {
    const r = only('"ba386059-69b1');
    expect(r.source).toBe('unknown');
    expect(r.reason).toMatch(/^The event is not valid JSON/);
  });

  it('does not call a token that starts with punctuation a bad ID', () => {
    expect(only('$abc')).toMatchObject({ source: 'unknown', disposition: 'reject', reason: NOT_READ });
  });

  it('calls a single token of up to 128 characters a bad change order ID, a longer one unreadable', () => {
    const r = only(`${'x'.repeat(127)}_`);
    expect(r).toMatchObject({ source: 'direct', disposition: 'reject' });
    expect(r.reason).toContain('is not a valid change order ID: it is 128 characters long');
    expect(only(`${'x'.repeat(128)}_`)).toMatchObject({ source: 'unknown', reason: NOT_READ });
  });
});

describe('parseEvent: Base64', () => {
  it('reads Base64 of a request as the request, at the same path', () => {
    expect(only(b64(direct))).toMatchObject({
      disposition: 'act',
      changeOrderId: CO,
      via: ['base64'],
      path: '',
    });
  });

  it('reads Base64 of an ID sent with a trailing newline (echo | base64) as that ID', () => {
    expect(only(b64(`${CO}\n`))).toMatchObject({ disposition: 'act', changeOrderId: CO, via: ['base64'] });
    const prefixed = 'bbbbb-3fd370b2a1b24c5d9e8f7a6b5c4d3e2f';
    const t = b64(`${prefixed}\n`);
    expect(t).toMatch(/^[A-Za-z0-9]{8,64}$/); // itself shaped like an ID
    expect(only(t)).toMatchObject({ disposition: 'act', changeOrderId: prefixed, via: ['base64'], path: '' });
  });

  it('reads an ID-shaped Base64 of a form naming the app as that form', () => {
    const t = b64(`appId=${APP}`);
    expect(t).toMatch(/^[A-Za-z0-9]{8,64}$/);
    expect(only(t)).toMatchObject({ disposition: 'act', appId: APP, changeOrderId: null, via: ['base64'] });
  });

  it.each([
    ['a form it does not understand', 'Y29sb3I9cmVk'], // color=red
    ['something JSON-looking that is not JSON', 'e25vdGpzb259'], // {notjson}
  ])('keeps an ID that happens to be Base64 of %s as the ID', (_what, id) => {
    expect(only(id)).toMatchObject({ disposition: 'act', changeOrderId: id, via: [] });
  });

  it('does not decode Base64 of a form it does not understand', () => {
    const t = b64('color=red&x=1');
    const r = only(t);
    expect(r).toMatchObject({ disposition: 'reject', via: [] });
    expect(r.reason).toContain(`at position ${t.indexOf('=') + 1}`);
  });

  it(`refuses Base64 nested ${MAX_DEPTH + 1} times, naming every envelope`, () => {
    const r = only(base64Times(direct, MAX_DEPTH + 1));
    expect(r).toMatchObject({ source: 'unknown', disposition: 'reject', changeOrderId: null });
    expect(r.reason).toBe(
      `The payload in the event is nested more than ${MAX_DEPTH} envelopes deep (through ${Array(
        MAX_DEPTH + 1,
      )
        .fill('base64')
        .join(' → ')}); send the alert itself.`,
    );
  });

  it(`refuses a form nested in Base64 ${MAX_DEPTH + 1} times, too`, () => {
    const r = only(base64Times(`ChangeOrderId=${CO}`, MAX_DEPTH + 1));
    expect(r).toMatchObject({ source: 'unknown', disposition: 'reject', changeOrderId: null });
    expect(r.reason).toMatch(/^The payload in the event is nested more than/);
  });

  it(`does not even unwrap Base64 nested ${MAX_DEPTH + 2} times`, () => {
    expect(only(base64Times(direct, MAX_DEPTH + 2))).toMatchObject({ via: [], reason: NOT_READ });
  });
});

describe('parseEvent: envelopes nested too deep as JSON', () => {
  it(`refuses an MNS message nested ${MAX_DEPTH + 1} times, saying where and through what`, () => {
    let v: object = { ChangeOrderId: CO };
    for (let i = 0; i <= MAX_DEPTH; i++) v = { TopicName: 't', MessageId: `m${i}`, Message: v };
    const r = only(v);
    expect(r).toMatchObject({ disposition: 'reject', changeOrderId: null });
    expect(r.reason).toBe(
      `The payload at ${'.Message'.repeat(MAX_DEPTH + 1)} is nested more than ${MAX_DEPTH} envelopes deep (through ${Array(
        MAX_DEPTH + 1,
      )
        .fill('mns-topic')
        .join(' → ')}); send the alert itself.`,
    );
  });
});

describe('parseEvent: an object it does not know', () => {
  it('lists its keys, quoted and comma-separated', () => {
    expect(only({ a: 1, b: 2 }).reason).toContain(
      'Unrecognised event in the event: an object with keys "a", "b".',
    );
  });

  it('says (none) for an empty object', () => {
    expect(only({}).reason).toContain('an object with keys (none).');
  });

  it('lists at most 8 keys, each cut to 40 characters', () => {
    const o = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, i]));
    const reason = only(o).reason;
    expect(reason).toContain('"key7". Expected');
    expect(reason).not.toContain('key8');
    const long = `${'k'.repeat(40)}TAIL`;
    expect(only({ [long]: 1 }).reason).toContain(`keys "${'k'.repeat(40)}".`);
  });
});

describe('parseEvent: batches', () => {
  it('says an empty batch is empty', () => {
    expect(only([])).toMatchObject({ source: 'unknown', reason: 'The batch in the event is empty.' });
  });

  it('names the batch element whose JSON text is broken', () => {
    const r = only(['{"ChangeOrderId": ']);
    expect(r).toMatchObject({ source: 'unknown', disposition: 'reject', path: '[0]' });
    expect(r.reason).toMatch(/^Batch element at \[0\] is not valid JSON \(.+\)\.$/);
  });

  it('says what a non-object element is, and where', () => {
    expect(only([7]).reason).toMatch(/^The body at \[0\] is a JSON number;/);
  });

  it(`reads a batch of exactly ${MAX_RECORDS} elements in full`, () => {
    const e = parse(Array(MAX_RECORDS).fill({ ChangeOrderId: CO }));
    expect(e.records).toHaveLength(MAX_RECORDS);
    expect(e.records.every((r) => r.disposition === 'act')).toBe(true);
  });

  it('rejects, not drops, what is beyond the limit, saying how many', () => {
    const e = parse(Array(MAX_RECORDS + 2).fill({ ChangeOrderId: CO }));
    expect(e.records).toHaveLength(MAX_RECORDS + 1);
    expect(e.records.at(-1)).toMatchObject({
      source: 'unknown',
      disposition: 'reject',
      path: `[${MAX_RECORDS}]`,
      reason: `2 batch elements beyond the first ${MAX_RECORDS} were not read; lower the trigger's batch size.`,
    });
  });
});
