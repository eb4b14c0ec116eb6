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

/** Constant-time equality of two hex signatures (compared as digests, whatever their lengths). */
export function signatureEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a.toLowerCase()), digest(b.toLowerCase()));
}
