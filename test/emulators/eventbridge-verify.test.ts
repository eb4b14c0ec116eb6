// The EventBridge emulator's own `acs:` signature code (emulators/eventbridge/verify.ts), independent of
// lib/notify/eventbridge-signature.ts, against the official SDK's vectors (aliyun/alibabacloud-eventbridge-sdk,
// util/ts/test/client.spec.ts: getStringToSign and getSignature "stringtosign"/"secret"), then a GetEventBus
// request through the verifier, accepted as signed and refused once tampered with.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, stringToSign, verifyRequest } from '../../emulators/eventbridge/verify.js';
import { NonceLedger } from '../../emulators/kit/nonces.js';

const url = (s: string) => new URL(s, 'http://emulator');

describe('EventBridge emulator signature (independent of lib/notify)', () => {
  it('builds the SDK vectors string to sign, without Accept', () => {
    expect(stringToSign('GET', { accept: 'application/json' }, url('/'))).toBe('GET\n\n\n\n/');
    const base = { 'content-md5': 'md5', 'content-type': 'application/json', date: 'date' };
    expect(stringToSign('GET', base, url('/'))).toBe('GET\nmd5\napplication/json\ndate\n/');
    const acs = { ...base, 'x-acs-custom-key': 'any value' };
    expect(stringToSign('GET', acs, url('/'))).toBe(
      'GET\nmd5\napplication/json\ndate\nx-acs-custom-key:any value\n/',
    );
    expect(stringToSign('GET', acs, url('/?key=val ue with space'))).toBe(
      'GET\nmd5\napplication/json\ndate\nx-acs-custom-key:any value\n/?key=val ue with space',
    );
    expect(createHmac('sha1', 'secret').update('stringtosign').digest('base64')).toBe(
      'OmuTAr79tpI6CRoAdmzKRq5lHs0=',
    );
  });

  const now = Date.parse('2026-11-29T03:00:00Z');
  const cred = { accessKeyId: 'LTAIebKey', accessKeySecret: 'eb-secret-0123456789' };
  const body = Buffer.from('{"EventBusName":"sae-rollback"}');
  let n = 0;
  const request = (tamper: (h: Record<string, string>) => void = () => {}) => {
    const headers: Record<string, string> = {
      date: new Date(now).toUTCString(),
      'content-type': 'application/json; charset=utf-8',
      'x-acs-signature-method': 'HMAC-SHA1',
      'x-acs-signature-version': '1.0',
      'x-acs-signature-nonce': `nonce-${++n}-0123456789`,
    };
    const sig = createHmac('sha1', cred.accessKeySecret)
      .update(stringToSign('POST', headers, url('/openapi/getEventBus')))
      .digest('base64');
    headers.authorization = `acs:${cred.accessKeyId}:${sig}`;
    tamper(headers);
    return verifyRequest({
      method: 'POST',
      url: '/openapi/getEventBus',
      headers,
      body,
      nowMs: now,
      credentials: new Map([[cred.accessKeyId, cred]]),
      nonces: new NonceLedger(MAX_CLOCK_SKEW_MS),
    });
  };

  it('accepts a signed GetEventBus and refuses it once a signed header changes', () => {
    expect(request()).toEqual({
      ok: true,
      accessKeyId: cred.accessKeyId,
      action: 'GetEventBus',
      batch: false,
    });
    const changed = request((h) => {
      h['x-acs-signature-nonce'] = 'another-nonce-0123';
    });
    expect(changed).toMatchObject({ ok: false, error: { status: 403, code: 'SignatureDoesNotMatch' } });
  });
});
