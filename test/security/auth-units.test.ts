import { afterAll, describe, expect, it } from 'vitest';
import { parseCidr, SourceAllowlist } from '../../lib/auth/cidr.js';
import { hmacV1, matchesAny } from '../../lib/auth/compare.js';
import { HttpAuth, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../lib/auth/http-auth.js';
import { RedisStore } from '../../lib/idempotency/redis-store.js';
import { memoryLogger } from '../../lib/log.js';
import { dropPrefix, testRedis, uniquePrefix } from '../idempotency/redis-helper.js';
import { httpRequest } from './http-request.js';

describe('constant-time token match', () => {
  it('matches any configured token, and nothing else', () => {
    expect(matchesAny('a'.repeat(20), ['b'.repeat(20), 'a'.repeat(20)])).toBe(true);
    expect(matchesAny('a'.repeat(19), ['a'.repeat(20)])).toBe(false);
    expect(matchesAny('', ['a'.repeat(20)])).toBe(false);
    expect(matchesAny('a'.repeat(20), [])).toBe(false);
  });
});

describe('source CIDR allowlist', () => {
  it('parses IPv4/IPv6 blocks and single addresses, and refuses the rest', () => {
    expect(parseCidr('47.74.206.0/26')).toEqual({ family: 'ipv4', address: '47.74.206.0', prefix: 26 });
    expect(parseCidr('8.222.159.116')).toMatchObject({ prefix: 32 });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ family: 'ipv6', prefix: 32 });
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '10.0.0.0/8/1', 'example.com', '10.0.0.0/-1', '::/129', ''])
      expect(parseCidr(bad), bad).toBeUndefined();
  });

  it('checks addresses against the blocks, IPv4-mapped IPv6 as IPv4', () => {
    const list = new SourceAllowlist(['106.11.225.0/24', '2001:db8::/32']);
    expect(list.allows('106.11.225.255')).toBe(true);
    expect(list.allows('::ffff:106.11.225.7')).toBe(true);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('106.11.226.1')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('106.11.225.1, 1.2.3.4')).toBe(false);
  });
});

describe('HMAC replay cache shared through Redis', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('auth');
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('refuses on a second instance a signature the first one accepted', async () => {
    const secret = 'hmac-secret-for-two-instances';
    const config = { tokens: [], hmacSecrets: [secret], sourceCidrs: [], required: true };
    const instance = () =>
      new HttpAuth({ config, store: new RedisStore({ redis, prefix }), logger: memoryLogger() });
    const body = '{"ChangeOrderId":"ba386059-69b1-4e65-b1e5-0682d9fa1234"}';
    const ts = String(Math.floor(Date.now() / 1000));
    const event = httpRequest(body, {
      headers: { [SIGNATURE_HEADER]: `v1=${hmacV1(secret, ts, Buffer.from(body))}`, [TIMESTAMP_HEADER]: ts },
    });
    expect(await instance().check(event)).toEqual({ ok: true, via: 'hmac' });
    expect(await instance().check(event)).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/replay/),
    });
  });
});
