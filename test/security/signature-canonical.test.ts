import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacV1 } from '../../lib/auth/compare.js';
import { HttpAuth, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../lib/auth/http-auth.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { memoryLogger } from '../../lib/log.js';
import { httpRequest } from './http-request.js';

const SECRET = 'hmac-secret-0123456789abcdef';
const ROTATED = 'hmac-secret-rotated-9876543210';
const BODY = '{"ChangeOrderId":"ba386059-69b1-4e65-b1e5-0682d9fa1234"}';

/**
 * The signed string exactly as README "Security" documents it — `timestamp + "." + body` under
 * HMAC-SHA256, hex — computed here with node:crypto, not with the product's helper.
 */
const independent = (secret: string, ts: string, body: string) =>
  createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${ts}.${body}`, 'utf8'))
    .digest('hex');

const now = () => String(Math.floor(Date.now() / 1000));
const auth = (secrets = [SECRET], store = new MemoryStore()) =>
  new HttpAuth({
    config: { tokens: [], hmacSecrets: secrets, sourceCidrs: [], required: true },
    store,
    logger: memoryLogger(),
  });
const request = (signature: string, ts: string, body = BODY) =>
  httpRequest(body, { headers: { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: ts } });

/** Upper-cases some of the hex letters; each `variant` picks a different subset. */
function recase(hex: string, variant: number): string {
  let letter = 0;
  return [...hex]
    .map((c) => (/[a-f]/.test(c) && (letter++ + variant) % (variant + 2) === 0 ? c.toUpperCase() : c))
    .join('');
}

describe('HMAC signature: the signed string', () => {
  it('is HMAC-SHA256(secret, timestamp + "." + body), hex — pinned by an independent computation', async () => {
    const ts = '1764000000';
    const expected = independent(SECRET, ts, BODY);
    expect(hmacV1(SECRET, ts, Buffer.from(BODY))).toBe(expected);
    // The timestamp is part of what is signed: the same body at another second is another signature.
    expect(hmacV1(SECRET, '1764000001', Buffer.from(BODY))).not.toBe(expected);
    // And the product accepts exactly the independently computed signature, not one over the body alone.
    const ts2 = now();
    const bodyOnly = createHmac('sha256', SECRET).update(BODY).digest('hex');
    expect(await auth().check(request(`v1=${bodyOnly}`, ts2))).toMatchObject({ ok: false, status: 401 });
    expect(await auth().check(request(`v1=${independent(SECRET, ts2, BODY)}`, ts2))).toEqual({
      ok: true,
      via: 'hmac',
    });
  });
});

describe('HMAC signature: one canonical form before comparison and the replay cache', () => {
  it('refuses a captured request re-sent with some hex digits upper-cased (10 variants)', async () => {
    const a = auth();
    const ts = now();
    const sig = independent(SECRET, ts, BODY);
    expect(await a.check(request(`v1=${sig}`, ts))).toEqual({ ok: true, via: 'hmac' });
    const variants = new Set([sig.toUpperCase(), ...Array.from({ length: 12 }, (_, i) => recase(sig, i))]);
    variants.delete(sig);
    expect(variants.size).toBeGreaterThanOrEqual(10);
    for (const v of variants) {
      expect(await a.check(request(`v1=${v}`, ts)), v).toMatchObject({
        ok: false,
        status: 401,
        reason: expect.stringMatching(/replay/),
      });
    }
  });

  it('accepts an upper-case signature once (the same request), then refuses the lower-case one', async () => {
    const a = auth();
    const ts = now();
    const sig = independent(SECRET, ts, BODY);
    expect(await a.check(request(`v1=${sig.toUpperCase()}`, ts))).toEqual({ ok: true, via: 'hmac' });
    expect(await a.check(request(`v1=${sig}`, ts))).toMatchObject({ ok: false, reason: /replay/ });
  });

  it('refuses a request signed under two secrets (rotation) re-sent with one, or with junk added', async () => {
    const a = auth([SECRET, ROTATED]);
    const ts = now();
    const one = independent(SECRET, ts, BODY);
    const two = independent(ROTATED, ts, BODY);
    expect(await a.check(request(`v1=${one},v1=${two}`, ts))).toEqual({ ok: true, via: 'hmac' });
    for (const replay of [`v1=${two}`, `v1=${one}`, `v1=${two},v1=${one}`, `v1=00,v1=${two}`]) {
      expect(await a.check(request(replay, ts)), replay).toMatchObject({ ok: false, reason: /replay/ });
    }
  });

  it('refuses a replay across instances whose secrets differ mid-rotation (one shared store)', async () => {
    const store = new MemoryStore();
    const both = auth([SECRET, ROTATED], store);
    const rotatedOnly = auth([ROTATED], store);
    const ts = now();
    const one = independent(SECRET, ts, BODY);
    const two = independent(ROTATED, ts, BODY);
    // The caller signs with both; an instance already on the new secret alone accepts it...
    expect(await rotatedOnly.check(request(`v1=${one},v1=${two}`, ts))).toEqual({ ok: true, via: 'hmac' });
    // ...and an instance still knowing both refuses the copy that carries only the old signature.
    expect(await both.check(request(`v1=${one}`, ts))).toMatchObject({ ok: false, reason: /replay/ });
    // The other way round too.
    const ts2 = String(Number(ts) - 1);
    const sig1 = independent(SECRET, ts2, BODY);
    const sig2 = independent(ROTATED, ts2, BODY);
    expect(await both.check(request(`v1=${sig1},v1=${sig2}`, ts2))).toEqual({ ok: true, via: 'hmac' });
    expect(await rotatedOnly.check(request(`v1=${sig2}`, ts2))).toMatchObject({
      ok: false,
      reason: /replay/,
    });
  });

  it('refuses a signature that is not 64 hex digits, even when it contains the right one', async () => {
    const a = auth();
    const ts = now();
    const sig = independent(SECRET, ts, BODY);
    for (const bad of [`v1=${sig}0`, `v1=${sig.slice(1)}`, `v1= ${sig}x`, `v1=${sig.slice(0, 63)}g`]) {
      expect(await a.check(request(bad, ts)), bad).toMatchObject({ ok: false, status: 401 });
    }
    expect(await a.check(request(`v1=${sig}`, ts))).toEqual({ ok: true, via: 'hmac' });
  });
});
