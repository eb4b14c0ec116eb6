import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalizedAcsHeaders,
  eventBridgeContentMd5,
  eventBridgeSignature,
  eventBridgeStringToSign,
} from '../../lib/notify/eventbridge-signature.js';

// Vectors from the official SDK's own tests (aliyun/alibabacloud-eventbridge-sdk, util/ts/test/client.spec.ts).
describe('EventBridge signature (the SDK vectors)', () => {
  it('builds the string to sign line by line, without Accept', () => {
    expect(
      eventBridgeStringToSign({
        method: 'GET',
        date: '',
        headers: { accept: 'application/json' },
        path: '/',
      }),
    ).toBe('GET\n\n\n\n/');
    const base = {
      method: 'GET',
      contentMd5: 'md5',
      contentType: 'application/json',
      date: 'date',
      path: '/',
    };
    expect(eventBridgeStringToSign({ ...base, headers: {} })).toBe('GET\nmd5\napplication/json\ndate\n/');
    const headers = { 'x-acs-custom-key': 'any value' };
    expect(eventBridgeStringToSign({ ...base, headers })).toBe(
      'GET\nmd5\napplication/json\ndate\nx-acs-custom-key:any value\n/',
    );
    expect(eventBridgeStringToSign({ ...base, headers, query: { key: 'val ue with space' } })).toBe(
      'GET\nmd5\napplication/json\ndate\nx-acs-custom-key:any value\n/?key=val ue with space',
    );
  });

  it('signs with base64 HMAC-SHA1', () => {
    expect(eventBridgeSignature('stringtosign', 'secret')).toBe('OmuTAr79tpI6CRoAdmzKRq5lHs0=');
  });

  it('canonicalizes only x-acs-* headers: lower-cased, sorted, control characters folded, trimmed', () => {
    expect(
      canonicalizedAcsHeaders({
        'X-Acs-Signature-Nonce': ' n1 ',
        'x-acs-accesskey-id': 'STS.id',
        'x-eventbridge-version': '2020-04-01',
        'content-type': 'application/json',
        'x-acs-security-token': 'a\tb',
      }),
    ).toBe('x-acs-accesskey-id:STS.id\nx-acs-security-token:a b\nx-acs-signature-nonce:n1\n');
  });

  it('uses the RFC 1864 Content-MD5 (Base64 of the raw digest)', () => {
    const body = '[{"id":"1"}]';
    expect(eventBridgeContentMd5(body)).toBe(createHash('md5').update(body).digest('base64'));
    expect(Buffer.from(eventBridgeContentMd5(body), 'base64')).toHaveLength(16);
  });
});
