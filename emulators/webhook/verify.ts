/**
 * The webhook receiver's own check of `x-sae-rollback-signature`, written from the README's contract (the
 * "three lines in any language" a receiver writes), never from lib/notify/webhook.ts: the product signs, this
 * verifies, and a mistake on either side shows as a 401. Checked in test/emulators/webhook-verify.test.ts
 * against RFC 4231's HMAC-SHA256 vector and a delivery signed with `openssl dgst -sha256 -hmac`.
 *
 *   x-sae-rollback-timestamp: <unix seconds>
 *   x-sae-rollback-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>[, v1=…]
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WebhookHeaders = {
  timestamp: 'x-sae-rollback-timestamp',
  signature: 'x-sae-rollback-signature',
  messageId: 'x-sae-rollback-message-id',
} as const;

/** The replay window receivers are asked to apply, in seconds. */
export const DEFAULT_TOLERANCE_SEC = 300;

export type SignatureRefusal =
  | 'missing-header'
  | 'malformed-timestamp'
  | 'malformed-signature'
  | 'expired'
  | 'mismatch';

/** Hex HMAC-SHA256 of `data` under `key`. */
export function hmacSha256Hex(key: string, data: Uint8Array): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(data).digest('hex');
}

/** The signed bytes: the timestamp as sent, a dot, the raw body. */
export function signedPayload(timestamp: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), body]);
}

/** Checks one delivery's headers against any of `secrets`. Never throws. */
export function checkDelivery(input: {
  secrets: readonly string[];
  timestamp: string | undefined;
  signature: string | undefined;
  body: Uint8Array;
  nowMs: number;
  toleranceSec: number;
}): { ok: true; timestamp: number } | { ok: false; reason: SignatureRefusal } {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: 'missing-header' };
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  const v1: Buffer[] = [];
  for (const part of signature.split(',')) {
    const [scheme, value] = part.trim().split('=', 2);
    if (scheme !== 'v1' || value === undefined) continue;
    if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed-signature' };
    v1.push(Buffer.from(value, 'hex'));
  }
  if (v1.length === 0) return { ok: false, reason: 'malformed-signature' };
  const seconds = Number(timestamp);
  if (Math.abs(input.nowMs / 1000 - seconds) > input.toleranceSec) return { ok: false, reason: 'expired' };
  const payload = signedPayload(timestamp, input.body);
  let matched = false;
  for (const secret of input.secrets) {
    const expected = Buffer.from(hmacSha256Hex(secret, payload), 'hex');
    for (const given of v1) matched = timingSafeEqual(expected, given) || matched;
  }
  return matched ? { ok: true, timestamp: seconds } : { ok: false, reason: 'mismatch' };
}
