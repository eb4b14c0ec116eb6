import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../lib/events/index.js';
import { MAX_DEPTH, MAX_EVENT_BYTES, MAX_RECORDS } from '../../lib/events/types.js';
import { isValidSaeId } from '../../lib/ids.js';
import { fixture, httpTriggerEvent } from '../helpers/http-event.js';

const NOW = Date.parse('2026-11-29T03:00:00Z');
const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0001';
const APP = '0099b7be-5f5b-4512-a7fc-56049ef10001';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const parse = (v: string | Buffer | object) =>
  parseEvent(Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), NOW);
const only = (v: string | Buffer | object) => {
  const e = parse(v);
  expect(e.records).toHaveLength(1);
  const r = e.records[0];
  if (!r) throw new Error('no record');
  return r;
};

describe('parseEvent: direct invocation', () => {
  it('reads {"ChangeOrderId"} into one actionable request', () => {
    const e = parse({ ChangeOrderId: CO });
    expect(e.source).toBe('direct');
    expect(e.records).toEqual([
      expect.objectContaining({
        source: 'direct',
        changeOrderId: CO,
        appId: null,
        actionable: true,
        disposition: 'act',
        alarm: { source: 'direct' },
        receivedAt: NOW,
      }),
    ]);
  });

  it.each([
    [{ changeOrderId: CO }, CO, null],
    [{ change_order_id: CO }, CO, null],
    [{ AppId: APP }, null, APP],
    [{ app_id: APP }, null, APP],
    [{ appId: APP, ChangeOrderId: CO }, CO, APP],
  ])('accepts every spelling: %j', (body, co, app) => {
    expect(only(body)).toMatchObject({ changeOrderId: co, appId: app, actionable: true });
  });

  it('takes a plain-text ID (trailing newline and all) as the change order ID', () => {
    expect(only(`${CO}\n`)).toMatchObject({ source: 'direct', changeOrderId: CO, actionable: true });
  });

  it('refuses two different change orders in one body', () => {
    expect(only({ ChangeOrderId: CO, changeOrderId: CO.replace('0001', '0002') }).reason).toMatch(
      /name different change order IDs/,
    );
  });

  it('keeps a redelivery on the same dedupe key, and different bodies apart', () => {
    expect(only({ ChangeOrderId: CO }).dedupeKey).toBe(only({ ChangeOrderId: CO }).dedupeKey);
    expect(only({ ChangeOrderId: CO }).dedupeKey).not.toBe(only({ appId: APP }).dedupeKey);
  });
});

describe('IDs: 8–64 characters of letters, digits and -', () => {
  it.each([
    ['abcd1234', true],
    ['a'.repeat(64), true],
    [CO, true],
    ['bbbbb-3fd370b2-3646-4ba6-91f9-9423e19ab0cd-12345', true],
    ['abc1234', false],
    ['a'.repeat(65), false],
    ['under_score-1234', false],
  ])('%s → %s', (id, ok) => {
    expect(isValidSaeId(id)).toBe(ok);
    expect(only({ ChangeOrderId: id }).actionable).toBe(ok);
  });

  it.each([
    [`${CO}&RegionId=cn-beijing`, /contains "&" at position 37/],
    [`${CO}=`, /contains "=" at position 37/],
    ['../../pop/v1/sam/app/deleteApplication', /contains "\." at position 1/],
    [`${CO}\r\nX-Injected: 1`, /contains "\\r" at position 37/],
    ['ba386059 69b1 4e65', /contains " " at position 9/],
    ['ba386059\u20106-9b1', /contains "‐" at position 9/], // unicode hyphen look-alike
    ['ｂａ３８６０５９ｂａ', /contains "ｂ" at position 1/], // full-width look-alikes
    ['', /No change order ID or app ID/], // empty counts as not given
    ['a'.repeat(65), /65 characters long/],
  ])('rejects %j before it can reach a URL, saying what and where', (id, why) => {
    const r = only({ ChangeOrderId: id });
    expect(r).toMatchObject({ disposition: 'reject', actionable: false, changeOrderId: null });
    expect(r.reason).toMatch(why);
    if (id) expect(r.reason).toMatch(/ChangeOrderId/);
    expect(r.reason).not.toContain(id.slice(10) || '\u0000'); // the hostile value itself is not echoed
  });

  it('rejects a plain-text body that is not a valid ID, pointing at the character', () => {
    const r = only(`${CO}&RegionId=cn-beijing`);
    expect(r.disposition).toBe('reject');
    expect(r.reason).toMatch(
      /plain-text body .* not a valid change order ID: it contains "&" at position 37/,
    );
  });

  it('names the field of an ID of the wrong type', () => {
    expect(only({ appId: 42 }).reason).toMatch(/appId must be a string, not number/);
    expect(only({ ChangeOrderId: [CO] }).reason).toMatch(/ChangeOrderId must be a string, not an array/);
  });
});

describe('parseEvent: Base64, carefully', () => {
  it('decodes Base64 of JSON, of a form, and of an ID', () => {
    expect(only(b64(JSON.stringify({ ChangeOrderId: CO })))).toMatchObject({ changeOrderId: CO });
    expect(only(b64(`alertState=ALERT&dimensions=${encodeURIComponent(`{appId=${APP}}`)}`))).toMatchObject({
      source: 'cloudmonitor',
      appId: APP,
    });
    expect(only(b64(CO))).toMatchObject({ changeOrderId: CO, via: ['base64'] });
  });

  it('takes a JSON string holding an ID', () => {
    expect(only(JSON.stringify(CO))).toMatchObject({ changeOrderId: CO, actionable: true });
  });

  it('never decodes a plain ID, even one that is valid Base64 of printable text', () => {
    // "YWJjZGVmZ2gx" is Base64 of "abcdefgh1" — and a valid ID itself: the ID wins.
    expect(only('YWJjZGVmZ2gx')).toMatchObject({ changeOrderId: 'YWJjZGVmZ2gx', via: [] });
    expect(only('abcd1234')).toMatchObject({ changeOrderId: 'abcd1234' });
  });

  it('does not take Base64 that decodes to binary or to unrecognised text', () => {
    expect(
      only(`${Buffer.from([0xff, 0xfe, 0x01, 0x02, 0x03, 0x04]).toString('base64')}AAAA`).disposition,
    ).toBe('reject');
    expect(only(b64('hello there, general'))).toMatchObject({ disposition: 'reject', via: [] });
    expect(only(b64('hello there, general')).reason).toMatch(/not a valid change order ID: it contains "="/);
  });
});

describe('parseEvent: hostile input never throws and never yields a request', () => {
  it.each([
    ['not JSON', Buffer.from('{"ChangeOrderId":'), /not valid JSON/],
    ['empty', Buffer.from(''), /empty/],
    ['only whitespace', Buffer.from(' \n\t'), /empty/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
    ['huge', Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20), /limit is/],
    [
      'unknown object',
      Buffer.from('{"foo":1}'),
      /Unrecognised event in the event: an object with keys "foo"/,
    ],
    ['array of numbers', Buffer.from('[1,2]'), /at \[0\] is a JSON number/],
    ['JSON null', Buffer.from('null'), /is a JSON null/],
    ['JSON string of garbage', Buffer.from('"%%%"'), /not a valid change order ID: it is 3 characters long/],
    ['bad JSON string', Buffer.from('"abc'), /not valid JSON/],
    ['empty array', Buffer.from('[]'), /batch in the event is empty/],
    [
      'deep nesting',
      Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      /nested more than 32 levels/,
    ],
    ['prose', Buffer.from('please roll back the checkout app'), /text that is not JSON/],
    ['__proto__ keys', Buffer.from('{"__proto__":{"appId":"0099b7be-5f5b"},"x":1}'), /Unrecognised event/],
  ])('%s', (_name, bytes, reason) => {
    const e = parseEvent(bytes, NOW);
    expect(e.understood).toBe(false);
    expect(e.records.length).toBeGreaterThan(0);
    for (const r of e.records) {
      expect(r).toMatchObject({ disposition: 'reject', actionable: false, changeOrderId: null, appId: null });
    }
    expect(e.records[0]?.reason).toMatch(reason);
  });

  it('stops at the nesting limit of envelopes', () => {
    let body = JSON.stringify({ ChangeOrderId: CO });
    for (let i = 0; i < MAX_DEPTH + 1; i++) body = b64(body);
    const r = only(body);
    expect(r.disposition).toBe('reject');
    expect(r.reason).toMatch(
      new RegExp(`nested more than ${MAX_DEPTH} envelopes deep \\(through base64 → base64`),
    );
    // …and one level less is fine.
    let ok = JSON.stringify({ ChangeOrderId: CO });
    for (let i = 0; i < MAX_DEPTH; i++) ok = b64(ok);
    expect(only(ok).changeOrderId).toBe(CO);
  });

  it('reads at most MAX_RECORDS batch elements and says so for the rest', () => {
    const e = parse(Array.from({ length: MAX_RECORDS + 3 }, () => ({ ChangeOrderId: CO })));
    expect(e.records).toHaveLength(MAX_RECORDS + 1);
    expect(e.records.at(-1)?.reason).toMatch(/3 batch elements beyond the first 500/);
  });

  it('rejects a malformed HTTP-trigger envelope, naming the field', () => {
    const r = only({ version: 'v1', rawPath: '/', requestContext: { http: {} }, body: 1 });
    expect(r).toMatchObject({ source: 'http', disposition: 'reject' });
    expect(r.reason).toMatch(/Malformed FC HTTP-trigger event/);
  });
});

describe('parseEvent: the FC 3.0 HTTP trigger', () => {
  it('unwraps the envelope, keeping the request facts and Chinese alarm names intact', () => {
    const e = parseEvent(fixture('http-trigger-direct.json'), NOW);
    expect(e.source).toBe('http');
    expect(e.http?.method).toBe('POST');
    expect(e.http?.headers['content-type']).toBe('application/json');
    expect(e.records[0]).toMatchObject({ appId: APP, alarm: { name: 'SAE 5xx 比例过高' }, via: ['http'] });
  });

  it('decodes a Base64 body', () => {
    const e = parseEvent(
      httpTriggerEvent(Buffer.from(JSON.stringify({ changeOrderId: CO })), { base64: true }),
      NOW,
    );
    expect(e.records[0]).toMatchObject({ changeOrderId: CO, actionable: true });
  });

  it('reads a form body whatever the Content-Type says', () => {
    const form = `alertName=x&alertState=ALERT&dimensions=${encodeURIComponent(`{appId=${APP}}`)}`;
    const e = parseEvent(httpTriggerEvent(form, { headers: { 'Content-Type': 'text/plain' } }), NOW);
    expect(e.records[0]).toMatchObject({ source: 'cloudmonitor', appId: APP, actionable: true });
  });
});

describe('parseEvent: CloudMonitor details', () => {
  const cm = (fields: Record<string, string>) => only(new URLSearchParams(fields).toString());

  it('reads the literal "null" as no value', () => {
    const r = cm({
      alertName: 'x',
      alertState: 'ALERT',
      curValue: 'null',
      ruleId: 'null',
      dimensions: `{appId=${APP}}`,
    });
    expect(r.alarm).toEqual({ source: 'cloudmonitor', name: 'x', state: 'ALERT' });
    expect(r.dedupeKey).toMatch(/^cloudmonitor:sha256:/);
  });

  it('rejects an unknown alertState, listing the known ones', () => {
    expect(cm({ alertName: 'x', alertState: 'MAYBE', dimensions: `{appId=${APP}}` }).reason).toMatch(
      /alertState "MAYBE"; expected ALERT \(or ALARM\), OK or INSUFFICIENT_DATA/,
    );
  });

  it('rejects a bad appId dimension with the dimension named', () => {
    expect(cm({ alertName: 'x', alertState: 'ALERT', dimensions: '{appId=../x, userId=1}' }).reason).toMatch(
      /dimensions\.appId: the app ID is not valid/,
    );
  });

  it('gives a redelivered callback the same key (ruleId + timestamp)', () => {
    const f = {
      alertName: 'x',
      alertState: 'ALERT',
      ruleId: 'r-1',
      timestamp: '1795921195',
      dimensions: `{appId=${APP}}`,
    };
    expect(cm(f).dedupeKey).toBe('cms:r-1@1795921195000');
    expect(cm({ ...f, timestamp: '1795921195000' }).dedupeKey).toBe('cms:r-1@1795921195000');
  });
});
