import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../lib/events/index.js';
import { MAX_EVENT_BYTES } from '../../lib/events/types.js';
import { fixture, httpTriggerEvent } from '../helpers/http-event.js';

const NOW = Date.parse('2026-11-29T03:00:00Z');
const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0001';

describe('parseEvent', () => {
  it('reads a direct JSON invocation with ChangeOrderId', () => {
    const e = parseEvent(Buffer.from(JSON.stringify({ ChangeOrderId: CO })), NOW);
    expect(e.source).toBe('direct');
    expect(e.records).toEqual([
      { kind: 'request', request: { changeOrderId: CO, alarm: { source: 'direct' }, receivedAt: NOW } },
    ]);
  });

  it('unwraps the FC 3.0 HTTP-trigger envelope, keeping Chinese alarm names intact', () => {
    const e = parseEvent(fixture('http-trigger-direct.json'), NOW);
    expect(e.source).toBe('http');
    expect(e.http?.method).toBe('POST');
    expect(e.http?.headers['content-type']).toBe('application/json');
    const r = e.records[0];
    expect(r?.kind).toBe('request');
    if (r?.kind === 'request') {
      expect(r.request.appId).toBe('0099b7be-5f5b-4512-a7fc-56049ef10001');
      expect(r.request.alarm.name).toBe('SAE 5xx 比例过高');
    }
  });

  it('decodes a Base64 HTTP body', () => {
    const e = parseEvent(
      httpTriggerEvent(Buffer.from(JSON.stringify({ changeOrderId: CO })), { base64: true }),
      NOW,
    );
    expect(e.records[0]).toMatchObject({ kind: 'request', request: { changeOrderId: CO } });
  });

  it.each([
    ['not JSON', Buffer.from('{"ChangeOrderId":'), /not valid JSON/],
    ['empty', Buffer.from(''), /empty/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
    ['huge', Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20), /limit is/],
    ['no target', Buffer.from('{"foo":1}'), /Unrecognised event/],
    ['array', Buffer.from('[1,2]'), /Unrecognised event/],
  ])('rejects %s input with a reason and never throws', (_name, bytes, reason) => {
    const e = parseEvent(bytes, NOW);
    expect(e.records).toHaveLength(1);
    expect(e.records[0]?.kind).toBe('rejected');
    expect(e.records[0]?.kind === 'rejected' && e.records[0].reason).toMatch(reason);
  });

  it.each([
    `${CO}&AppId=x`,
    `${CO}=`,
    '../../pop/v1/sam/app/deleteApplication',
    `${CO}\r\nX-Injected: 1`,
    'ba386059\u20106 9b1', // unicode hyphen look-alike and a space
    'ｂａ３８６０５９', // full-width look-alikes
    '',
    'a'.repeat(129),
  ])('rejects the change order ID %j before it can reach a URL', (id) => {
    const e = parseEvent(Buffer.from(JSON.stringify({ ChangeOrderId: id })), NOW);
    const r = e.records[0];
    expect(r?.kind).toBe('rejected');
    expect(r?.kind === 'rejected' && r.reason).toMatch(/ChangeOrderId: change order ID must be/);
  });

  it('rejects an ID of the wrong type, naming the field', () => {
    const e = parseEvent(Buffer.from(JSON.stringify({ appId: 42 })), NOW);
    expect(e.records[0]?.kind === 'rejected' && e.records[0].reason).toMatch(/appId/);
  });
});
