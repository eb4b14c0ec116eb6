import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const digest = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest();

/**
 * True when `given` equals one of `expected`, in time independent of where they differ: both sides are
 * hashed to equal-length digests first (timingSafeEqual needs equal lengths, and hashing hides the
 * expected length), and every candidate is compared — no early exit on the first match.
 */
export function matchesAny(given: string, expected: readonly string[]): boolean {
  const g = digest(given);
  let match = false;
  for (const e of expected) match = timingSafeEqual(g, digest(e)) || match;
  return match;
}

/** `hex(HMAC-SHA256(secret, timestamp + "." + body))`: the v1 signature of a request. */
export function hmacV1(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * The one form a v1 signature is compared and remembered in: its 32 bytes. Hex is case-insensitive, so
 * `AB…` and `ab…` are the same signature and must be the same replay-cache entry; anything that is not
 * exactly 64 hex digits is no signature at all (undefined).
 */
export function canonicalSignature(hex: string): Buffer | undefined {
  return HEX_SHA256.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

/** Constant-time equality of two canonical (decoded) signatures. */
export function signatureEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
