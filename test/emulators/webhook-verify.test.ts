// The webhook receiver's own signature check (emulators/webhook/verify.ts), independent of lib/notify/webhook.ts,
// against vectors from outside both: RFC 4231 §4.3 (HMAC-SHA256, key "Jefe") for the primitive, and a
// delivery whose v1 value was computed with OpenSSL:
//   printf '%s' '1700000000.{"messageId":"sr-0123456789abcdef"}' | openssl dgst -sha256 -hmac 'whsec-test-secret-0123456789'
import { describe, expect, it } from 'vitest';
import { checkDelivery, hmacSha256Hex } from '../../emulators/webhook/verify.js';

const SECRET = 'whsec-test-secret-0123456789';
const BODY = Buffer.from('{"messageId":"sr-0123456789abcdef"}', 'utf8');
const V1 = '92662092a283d81c01ec16f3316d5c5f075cc7d4f4d04dedd9dccab2518d6947';
const check = (
  o: { body?: Buffer; timestamp?: string; signature?: string; secrets?: string[]; nowMs?: number } = {},
) =>
  checkDelivery({
    secrets: o.secrets ?? [SECRET],
    timestamp: o.timestamp ?? '1700000000',
    signature: o.signature ?? `v1=${V1}`,
    body: o.body ?? BODY,
    nowMs: o.nowMs ?? 1_700_000_060_000,
    toleranceSec: 300,
  });

describe('webhook emulator signature check (independent of lib/notify)', () => {
  it('computes RFC 4231 test case 2', () => {
    expect(hmacSha256Hex('Jefe', Buffer.from('what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('accepts the OpenSSL-signed delivery, also among other signatures and secrets (rotation)', () => {
    expect(check()).toEqual({ ok: true, timestamp: 1700000000 });
    expect(
      check({ signature: `v0=abc, v1=${'0'.repeat(64)}, v1=${V1}`, secrets: ['old-secret', SECRET] }),
    ).toEqual({
      ok: true,
      timestamp: 1700000000,
    });
  });

  it('refuses it once the body, the timestamp or the secret changes, or outside the window', () => {
    expect(check({ body: Buffer.from(BODY.toString().replace('0123', '0124')) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(check({ timestamp: '1700000001' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ secrets: ['whsec-test-secret-0123456788'] })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ nowMs: 1_700_000_301_000 })).toEqual({ ok: false, reason: 'expired' });
    expect(check({ signature: `v1=${V1.toUpperCase()}` })).toEqual({
      ok: false,
      reason: 'malformed-signature',
    });
    expect(check({ timestamp: '17e8' })).toEqual({ ok: false, reason: 'malformed-timestamp' });
  });
});
