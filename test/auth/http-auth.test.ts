import { describe, expect, it } from 'vitest';
import { hmacV1 } from '../../lib/auth/compare.js';
import type { AuthConfig } from '../../lib/auth/config.js';
import {
  HttpAuth,
  SIGNATURE_HEADER,
  SIGNATURE_WINDOW_MS,
  TIMESTAMP_HEADER,
  TOKEN_HEADER,
} from '../../lib/auth/http-auth.js';
import { ManualClock } from '../../lib/clock.js';
import { MAX_EVENT_BYTES } from '../../lib/events/types.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { memoryLogger } from '../../lib/log.js';
import { httpRequest } from '../security/http-request.js';

const TOKEN = 'tok-unit.0123456789abcdefghij';
const SECRET = 'hmac-secret-unit-0123456789abcdef';
const ROTATED = 'hmac-secret-unit-rotated-987654321';
const BODY = '{"ChangeOrderId":"ba386059-69b1-4e65-b1e5-0682d9fa1234"}';
const TS = 1_764_000_000;

function setup(config: Partial<AuthConfig> = {}, store: Pick<MemoryStore, 'lease'> = new MemoryStore()) {
  const clock = new ManualClock(TS * 1000);
  const logger = memoryLogger();
  const full = { tokens: [TOKEN], hmacSecrets: [SECRET], sourceCidrs: [], required: true, ...config };
  const auth = new HttpAuth({ config: full, store, logger, clock });
  const logs = () => logger.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { auth, clock, logs };
}

const signedHeaders = (signature: string, ts = String(TS)) => ({
  [SIGNATURE_HEADER]: signature,
  [TIMESTAMP_HEADER]: ts,
});
const v1 = (secret = SECRET, ts = String(TS), body = BODY) => `v1=${hmacV1(secret, ts, Buffer.from(body))}`;
const signed = (signature: string, ts = String(TS)) =>
  httpRequest(BODY, { headers: signedHeaders(signature, ts) });

describe('HttpAuth: which credential lets a request in', () => {
  it('accepts the token in the query, the header or as a Bearer credential (any case of the scheme)', async () => {
    const { auth } = setup();
    expect(await auth.check(httpRequest(BODY, { query: { token: TOKEN } }))).toEqual({
      ok: true,
      via: 'token-query',
    });
    expect(await auth.check(httpRequest(BODY, { headers: { [TOKEN_HEADER]: TOKEN } }))).toEqual({
      ok: true,
      via: 'token-header',
    });
    for (const scheme of ['Bearer', 'bearer', 'BEARER'])
      expect(
        await auth.check(httpRequest(BODY, { headers: { authorization: `${scheme} ${TOKEN}` } })),
      ).toEqual({
        ok: true,
        via: 'token-bearer',
      });
  });

  it('refuses an Authorization header that is not exactly "Bearer <token>"', async () => {
    const { auth } = setup();
    for (const authorization of [
      `Bearer  ${TOKEN}`,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN} x`,
      `xBearer ${TOKEN}`,
      TOKEN,
    ])
      expect(
        await auth.check(httpRequest(BODY, { headers: { authorization } })),
        authorization,
      ).toMatchObject({
        ok: false,
        status: 401,
        reason: 'no credential (token or signature)', // a malformed one offers no token
      });
  });

  it('tells a wrong token from no credential at all, in the reason it logs', async () => {
    const { auth } = setup();
    expect(await auth.check(httpRequest(BODY))).toMatchObject({
      status: 401,
      reason: 'no credential (token or signature)',
    });
    for (const opts of [
      { query: { token: `${TOKEN}x` } },
      { headers: { [TOKEN_HEADER]: 'x'.repeat(20) } },
      { headers: { authorization: 'Bearer nope' } },
    ])
      expect(await auth.check(httpRequest(BODY, opts))).toMatchObject({
        status: 401,
        reason: 'token not accepted',
      });
  });

  it('accepts no token at all when only HMAC secrets are configured', async () => {
    const { auth } = setup({ tokens: [] });
    for (const opts of [
      { query: { token: '' } },
      { headers: { [TOKEN_HEADER]: '' } },
      { headers: { authorization: 'Bearer x' } },
    ])
      expect(await auth.check(httpRequest(BODY, opts))).toMatchObject({ ok: false, status: 401 });
    expect(await auth.check(signed(v1()))).toEqual({ ok: true, via: 'hmac' });
  });

  it('falls through to the signature when a token is configured but not offered', async () => {
    const { auth } = setup({ hmacSecrets: [] });
    expect(await auth.check(signed(v1()))).toMatchObject({
      status: 401,
      reason: 'no credential (token or signature)',
    });
  });

  it('refuses everything with no credential configured, and lets everything in when opened on purpose', async () => {
    const closed = setup({ tokens: [], hmacSecrets: [] });
    expect(await closed.auth.check(httpRequest(BODY, { query: { token: TOKEN } }))).toMatchObject({
      status: 401,
      reason: expect.stringMatching(/^no credential configured/),
    });
    const open = setup({ tokens: [], hmacSecrets: [], required: false });
    expect(await open.auth.check(httpRequest(BODY))).toEqual({ ok: true, via: 'open' });
  });

  it('passes direct invocations, which are not HTTP', async () => {
    const { auth } = setup({ tokens: [], hmacSecrets: [] });
    expect(await auth.check(Buffer.from(BODY))).toEqual({ ok: true, via: 'not-http' });
  });

  it('refuses a malformed HTTP-trigger envelope unless the trigger is open to every address', async () => {
    const malformed = Buffer.from(
      JSON.stringify({ ...JSON.parse(httpRequest(BODY).toString()), headers: { 'x-n': 1 } }),
    );
    expect(await setup().auth.check(malformed)).toEqual({
      ok: false,
      status: 401,
      reason: 'malformed HTTP-trigger event',
    });
    expect(await setup({ required: false }).auth.check(malformed)).toEqual({ ok: true, via: 'open' });
    expect(await setup({ required: false, sourceCidrs: ['10.0.0.0/8'] }).auth.check(malformed)).toMatchObject(
      {
        ok: false,
        status: 401,
      },
    );
  });
});

describe('HttpAuth: the source allowlist comes first', () => {
  it('refuses a caller outside it with 403 even with the right token, and even when opened', async () => {
    for (const required of [true, false]) {
      const { auth } = setup({ sourceCidrs: ['10.0.0.0/8'], required });
      const event = httpRequest(BODY, { query: { token: TOKEN }, sourceIp: '11.0.0.1' });
      expect(await auth.check(event)).toMatchObject({
        ok: false,
        status: 403,
        reason: 'source address not in ALARM_SOURCE_CIDRS',
        request: { sourceIp: '11.0.0.1' },
      });
    }
  });

  it('lets a caller inside it on to the credential check', async () => {
    const { auth } = setup({ sourceCidrs: ['10.0.0.0/8'] });
    expect(await auth.check(httpRequest(BODY, { sourceIp: '10.1.2.3' }))).toMatchObject({ status: 401 });
    expect(await auth.check(httpRequest(BODY, { query: { token: TOKEN }, sourceIp: '10.1.2.3' }))).toEqual({
      ok: true,
      via: 'token-query',
    });
  });
});

describe('HttpAuth: HMAC signatures', () => {
  it('needs a timestamp of Unix seconds next to the signature', async () => {
    const { auth } = setup();
    const noTs = httpRequest(BODY, { headers: { [SIGNATURE_HEADER]: v1() } });
    for (const event of [
      noTs,
      signed(v1(), `${TS}.5`),
      signed(v1(), `x${TS}`),
      signed(v1(), `${TS}x`),
      signed(v1(), '1'.repeat(13)),
    ])
      expect(await auth.check(event)).toMatchObject({
        status: 401,
        reason: `signature without a valid ${TIMESTAMP_HEADER} (Unix seconds)`,
      });
  });

  it('accepts a timestamp up to 5 minutes off either way, and not a millisecond more', async () => {
    for (const [offset, ok] of [
      [SIGNATURE_WINDOW_MS, true],
      [-SIGNATURE_WINDOW_MS, true],
      [SIGNATURE_WINDOW_MS + 1, false],
      [-SIGNATURE_WINDOW_MS - 1, false],
    ] as const) {
      const { auth, clock } = setup();
      clock.advance(offset);
      const v = await auth.check(signed(v1()));
      expect(v.ok, String(offset)).toBe(ok);
      if (!v.ok) expect(v.reason).toBe('signature timestamp outside the 5-minute window');
    }
  });

  it('reads up to four comma-separated v1 signatures, trimmed, and ignores other versions', async () => {
    const junk = `v1=${'0'.repeat(64)}`;
    const accepted = async (header: string) => (await setup().auth.check(signed(header))).ok;
    expect(await accepted(`${junk},  ${v1()} `)).toBe(true);
    expect(await accepted(`${junk},${junk},${junk},${v1()}`)).toBe(true);
    expect(await accepted(`${junk},${junk},${junk},${junk},${v1()}`)).toBe(false);
    expect(await accepted(v1().replace('v1=', 'v0='))).toBe(false);
    expect(await accepted(v1().replace('v1=', 'xv1='))).toBe(false);
    expect(await accepted(`${v1()}0`)).toBe(false);
  });

  it('accepts a signature under any configured secret during a rotation, not under another', async () => {
    const { auth } = setup({ hmacSecrets: [SECRET, ROTATED] });
    expect(await auth.check(signed(v1(ROTATED)))).toEqual({ ok: true, via: 'hmac' });
    expect(await auth.check(signed(v1(SECRET, String(TS + 1)), String(TS + 1)))).toEqual({
      ok: true,
      via: 'hmac',
    });
    expect(await auth.check(signed(v1('some-other-secret-0123456789')))).toMatchObject({
      status: 401,
      reason: 'signature does not match',
    });
  });

  it('refuses a replay, also on an instance that has only the other secret of a rotation', async () => {
    const store = new MemoryStore();
    const before = setup({ hmacSecrets: [SECRET, ROTATED] }, store);
    expect(await before.auth.check(signed(v1(ROTATED)))).toEqual({ ok: true, via: 'hmac' });
    for (const secrets of [[SECRET, ROTATED], [ROTATED], [ROTATED, SECRET]]) {
      const later = setup({ hmacSecrets: secrets }, store);
      expect(await later.auth.check(signed(v1(ROTATED))), secrets.join()).toMatchObject({
        status: 401,
        reason: 'signature already used (replay)',
      });
    }
  });

  it('answers 503 (retry) when the replay cache cannot be reached, and says why in the log', async () => {
    const down = { lease: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const { auth, logs } = setup({}, down);
    const answer = await auth.guard(signed(v1()), 'fc-req-1');
    expect(answer).toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
    expect(answer?.headers).not.toHaveProperty('www-authenticate');
    expect(JSON.parse(answer?.body ?? '')).toEqual({ error: 'Unavailable', fcRequestId: 'fc-req-1' });
    expect(logs().map((l) => l.msg)).toEqual(['auth replay cache unavailable', 'http request refused']);
  });
});

describe('HttpAuth: an over-size request', () => {
  /** An authenticated HTTP event of exactly `bytes` bytes (padded in a header, one byte a character). */
  function eventOf(bytes: number): Buffer {
    const e = JSON.parse(httpRequest(BODY, { query: { token: TOKEN } }).toString()) as {
      headers: Record<string, string>;
    };
    e.headers['x-pad'] = '';
    e.headers['x-pad'] = 'p'.repeat(bytes - Buffer.byteLength(JSON.stringify(e)));
    const event = Buffer.from(JSON.stringify(e));
    expect(event.length).toBe(bytes);
    return event;
  }

  it('is told 413 and the limit once authenticated — one byte over, not at the limit', async () => {
    const { auth } = setup();
    expect(await auth.check(eventOf(MAX_EVENT_BYTES))).toEqual({ ok: true, via: 'token-query' });
    const answer = await auth.guard(eventOf(MAX_EVENT_BYTES + 1), 'fc-req-2');
    expect(answer?.statusCode).toBe(413);
    expect(answer?.headers).not.toHaveProperty('www-authenticate');
    expect(JSON.parse(answer?.body ?? '')).toEqual({
      error: 'Payload Too Large',
      reason: `The request is ${MAX_EVENT_BYTES + 1} bytes as an FC event; the limit is ${MAX_EVENT_BYTES}. Send small alarms or batches.`,
      fcRequestId: 'fc-req-2',
    });
  });

  it('is 401 without a credential, and unread past what FC can deliver', async () => {
    const { auth } = setup();
    const anonymous = httpRequest('x'.repeat(MAX_EVENT_BYTES + 10));
    expect(await auth.check(anonymous)).toMatchObject({ status: 401 });
    // 48 MiB: more than FC delivers. Not even looked at (one byte less is read, and is not HTTP).
    const limit = 48 * 1024 * 1024;
    expect(await auth.check(Buffer.alloc(limit, 0x20))).toEqual({ ok: true, via: 'not-http' });
    expect(await auth.check(Buffer.alloc(limit + 1, 0x20))).toEqual({
      ok: false,
      status: 401,
      reason: 'event too large to authenticate',
    });
  });
});

describe('HttpAuth.guard: the answer and the log line of a refusal', () => {
  it('lets an accepted request proceed with no answer and no log line', async () => {
    const { auth, logs } = setup();
    const before = logs().length;
    expect(await auth.guard(httpRequest(BODY, { query: { token: TOKEN } }), 'fc-req-3')).toBeUndefined();
    expect(logs()).toHaveLength(before);
  });

  it('answers 401 with a challenge and nothing else, and logs who was refused — names, never values', async () => {
    const { auth, logs } = setup();
    const event = httpRequest(BODY, {
      query: { token: 'wrong-token-0123456789' },
      headers: { [TOKEN_HEADER]: 'wrong-header-0123456789', 'user-agent': 'curl/8' },
      sourceIp: '10.9.8.7',
    });
    const answer = await auth.guard(event, 'fc-req-4');
    expect(answer).toEqual({
      statusCode: 401,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate': 'Token realm="sae-rollback"',
      },
      body: JSON.stringify({ error: 'Unauthorized', fcRequestId: 'fc-req-4' }),
    });
    const line = logs().at(-1);
    expect(line).toMatchObject({
      msg: 'http request refused',
      level: 'warn',
      fcRequestId: 'fc-req-4',
      status: 401,
      reason: 'token not accepted',
      sourceIp: '10.9.8.7',
      method: 'POST',
      path: '/alarm',
      userAgent: 'curl/8',
      queryNames: ['token'],
    });
    expect(line?.headerNames).toEqual(expect.arrayContaining([TOKEN_HEADER, 'user-agent']));
    expect(JSON.stringify(logs())).not.toMatch(/wrong-(token|header)/);
  });

  it('answers 403 without a challenge', async () => {
    const { auth } = setup({ sourceCidrs: ['10.0.0.0/8'] });
    const answer = await auth.guard(httpRequest(BODY, { sourceIp: '192.168.0.1' }), 'fc-req-5');
    expect(answer?.statusCode).toBe(403);
    expect(answer?.headers).toEqual({ 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(answer?.body ?? '')).toEqual({ error: 'Forbidden', fcRequestId: 'fc-req-5' });
  });

  it('logs a refusal without a readable request by status and reason only', async () => {
    const { auth, logs } = setup();
    await auth.guard(Buffer.alloc(48 * 1024 * 1024 + 1, 0x20), 'fc-req-6');
    const line = logs().at(-1);
    expect(line).toMatchObject({
      msg: 'http request refused',
      status: 401,
      reason: 'event too large to authenticate',
    });
    expect(line).not.toHaveProperty('sourceIp');
    expect(line).not.toHaveProperty('headerNames');
  });
});

describe('HttpAuth at cold start', () => {
  it('says loudly when the trigger refuses everyone, naming the variables to set', () => {
    const { logs } = setup({ tokens: [], hmacSecrets: [] });
    expect(logs()).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: expect.stringMatching(/ALARM_AUTH_TOKENS.*ALARM_AUTH_REQUIRED=false/),
      }),
    ]);
  });

  it('warns when the trigger is opened on purpose, counting (not showing) what is configured', () => {
    const { logs } = setup({ required: false, sourceCidrs: ['10.0.0.0/8', '::1'] });
    expect(logs()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(/^SECURITY WARNING/),
        acceptedKeys: 1,
        hmacKeys: 1,
        sourceCidrs: 2,
      }),
    ]);
    expect(JSON.stringify(logs())).not.toContain(TOKEN);
  });

  it('says nothing when a credential is required and configured', () => {
    expect(setup().logs()).toEqual([]);
    expect(setup({ tokens: [] }).logs()).toEqual([]);
    expect(setup({ hmacSecrets: [] }).logs()).toEqual([]);
  });
});
