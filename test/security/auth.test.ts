import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmacV1 } from '../../lib/auth/compare.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, TOKEN_HEADER } from '../../lib/auth/http-auth.js';
import { ConfigError, loadConfig } from '../../lib/config.js';
import { type Stack, startStack, TOPIC } from '../helpers/stack.js';
import { httpRequest } from './http-request.js';

const TOKEN = 'tok-A.0123456789abcdefghij';
const ROTATED = 'tok-B.zyxwvutsrqponmlkjih';
const SECRET = 'hmac-secret-0123456789abcdef';

type Answer = { statusCode: number; headers: Record<string, string>; body: string };

let seq = 0;
function newRelease(s: Stack): string {
  const appId = `a0000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  s.sae.seedApp({ appId, appName: `auth${seq}`, versions: ['v1', 'v2'] });
  return s.sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 });
}

const signed = (body: string, secret = SECRET, ts = Math.floor(Date.now() / 1000)) => ({
  [SIGNATURE_HEADER]: `v1=${hmacV1(secret, String(ts), Buffer.from(body))}`,
  [TIMESTAMP_HEADER]: String(ts),
});

describe('HTTP trigger authentication (token, HMAC)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ ALARM_AUTH_TOKENS: `${TOKEN},${ROTATED}`, ALARM_HMAC_SECRETS: SECRET });
  });
  afterAll(() => s.close());
  beforeEach(() => {
    s.sae.clearCalls();
    s.mns.reset();
  });

  /** Sends the request and checks that a refusal did nothing at all, but was logged. */
  async function refused(event: Buffer, status = 401): Promise<Answer> {
    const logsBefore = s.logs.length;
    const res = (await s.invoke(event)) as Answer;
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ error: expect.any(String), fcRequestId: expect.any(String) });
    expect(s.sae.calls).toHaveLength(0);
    expect(s.mns.requests).toHaveLength(0);
    const logged = s.logs.slice(logsBefore).map((l) => JSON.parse(l) as { msg: string; status?: number });
    expect(logged.filter((l) => l.msg === 'http request refused').map((l) => l.status)).toEqual([status]);
    // Refused means not parsed: no decision line, no outcome.
    expect(logged.some((l) => l.msg === 'decision')).toBe(false);
    return res;
  }

  it('refuses a request without a credential: 401, nothing parsed, no SAE call, no publish', async () => {
    const co = newRelease(s);
    const res = await refused(httpRequest(JSON.stringify({ ChangeOrderId: co })));
    expect(res.headers['www-authenticate']).toMatch(/^Token/);
    expect(s.sae.getChangeOrder(co)?.status).toBe(1);
  });

  it('refuses a wrong token, in the query and in the header', async () => {
    const body = JSON.stringify({ ChangeOrderId: newRelease(s) });
    await refused(httpRequest(body, { query: { token: 'tok-A.0123456789abcdefghiX' } }));
    await refused(httpRequest(body, { headers: { [TOKEN_HEADER]: `${TOKEN}x` } }));
    await refused(httpRequest(body, { query: { token: '' } }));
  });

  it('accepts the right token in the query string, and the rotated one in the header', async () => {
    const co1 = newRelease(s);
    const co2 = newRelease(s);
    const a = (await s.invoke(
      httpRequest(JSON.stringify({ ChangeOrderId: co1 }), { query: { token: TOKEN } }),
    )) as Answer;
    const b = (await s.invoke(
      httpRequest(JSON.stringify({ ChangeOrderId: co2 }), { headers: { [TOKEN_HEADER]: ROTATED } }),
    )) as Answer;
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([
      co1,
      co2,
    ]);
    expect(s.mns.messages(TOPIC).map((m) => m.tag)).toEqual(['aborted', 'aborted']);
  });

  it('accepts the token as an Authorization Bearer credential (Alertmanager http_config.authorization)', async () => {
    const co = newRelease(s);
    const res = (await s.invoke(
      httpRequest(JSON.stringify({ ChangeOrderId: co }), { headers: { authorization: `Bearer ${ROTATED}` } }),
    )) as Answer;
    expect(res.statusCode).toBe(200);
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    const lower = (await s.invoke(
      httpRequest(JSON.stringify({ ChangeOrderId: newRelease(s) }), {
        headers: { authorization: `bearer ${TOKEN}` },
      }),
    )) as Answer;
    expect(lower.statusCode).toBe(200);
  });

  it('refuses the right token in the wrong place: the body, another header, another parameter', async () => {
    const co = newRelease(s);
    await refused(httpRequest(JSON.stringify({ ChangeOrderId: co, token: TOKEN })));
    await refused(httpRequest(`token=${TOKEN}&ChangeOrderId=${co}`));
    // Authorization counts only as `Bearer <token>`; another scheme carrying the token does not.
    for (const authorization of [
      `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`,
      `Token ${TOKEN}`,
      TOKEN,
      `Bearer ${TOKEN}x`,
      `Bearer  ${TOKEN}`,
    ]) {
      await refused(httpRequest(JSON.stringify({ ChangeOrderId: co }), { headers: { authorization } }));
    }
    await refused(httpRequest(JSON.stringify({ ChangeOrderId: co }), { headers: { 'x-token': TOKEN } }));
    await refused(httpRequest(JSON.stringify({ ChangeOrderId: co }), { query: { access_token: TOKEN } }));
    // The signature header is not a token header either.
    await refused(
      httpRequest(JSON.stringify({ ChangeOrderId: co }), { headers: { [SIGNATURE_HEADER]: TOKEN } }),
    );
    expect(s.sae.getChangeOrder(co)?.status).toBe(1);
  });

  it('accepts a fresh HMAC signature once; the replayed request is refused', async () => {
    const body = JSON.stringify({ ChangeOrderId: newRelease(s) });
    const request = httpRequest(body, { headers: signed(body) });
    const first = (await s.invoke(request)) as Answer;
    expect(first.statusCode).toBe(200);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
    s.sae.clearCalls();
    s.mns.reset();
    await refused(request);
  });

  it('refuses a stale, tampered, wrongly keyed or malformed signature', async () => {
    const body = JSON.stringify({ ChangeOrderId: newRelease(s) });
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    await refused(httpRequest(body, { headers: signed(body, SECRET, stale) }));
    await refused(httpRequest(body, { headers: signed(`${body} `) }));
    await refused(httpRequest(body, { headers: signed(body, 'another-secret-0123456789') }));
    const { [TIMESTAMP_HEADER]: _ts, ...noTimestamp } = signed(body);
    await refused(httpRequest(body, { headers: noTimestamp }));
    await refused(httpRequest(body, { headers: { ...signed(body), [TIMESTAMP_HEADER]: 'yesterday' } }));
    await refused(httpRequest(body, { headers: { ...signed(body), [SIGNATURE_HEADER]: 'v2=00' } }));
  });

  it('authenticates an envelope the parser would accept with a BOM, and an oversized event', async () => {
    const body = JSON.stringify({ ChangeOrderId: newRelease(s) });
    await refused(Buffer.concat([Buffer.from('\uFEFF'), httpRequest(body)]));
    await refused(httpRequest(`{"appId":"${'x'.repeat(1_200_000)}"}`));
  });

  it('lets direct invocations through (FC checks fc:InvokeFunction for them)', async () => {
    const co = newRelease(s);
    const res = await s.invoke(Buffer.from(JSON.stringify({ ChangeOrderId: co })));
    expect((res as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome).toBe('aborted');
  });

  it('never writes a configured token or secret into the logs', async () => {
    const body = JSON.stringify({ ChangeOrderId: newRelease(s), note: `token ${TOKEN}` });
    await s.invoke(httpRequest(body, { query: { token: TOKEN } }));
    await s.invoke(httpRequest(body, { headers: { authorization: `Token ${ROTATED}`, cookie: SECRET } }));
    const logs = s.logs.join('\n');
    expect(logs).toContain('http request refused');
    for (const secret of [TOKEN, ROTATED, SECRET]) expect(logs).not.toContain(secret);
  });
});

describe('HTTP trigger source-IP allowlist', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ ALARM_AUTH_TOKENS: TOKEN, ALARM_SOURCE_CIDRS: '47.74.206.0/26, 8.222.159.116' });
  });
  afterAll(() => s.close());

  it('refuses a caller outside ALARM_SOURCE_CIDRS with 403, even with the right token', async () => {
    const co = newRelease(s);
    s.sae.clearCalls();
    for (const sourceIp of ['47.74.206.64', '8.222.159.117', '127.0.0.1', '::1', 'not-an-ip']) {
      const res = (await s.invoke(
        httpRequest(JSON.stringify({ ChangeOrderId: co }), { query: { token: TOKEN }, sourceIp }),
      )) as Answer;
      expect(res.statusCode, sourceIp).toBe(403);
    }
    expect(s.sae.calls).toHaveLength(0);
    expect(s.mns.requests).toHaveLength(0);
  });

  it('lets a caller inside the allowlist through (IPv4-mapped IPv6 too), the token still required', async () => {
    const co = newRelease(s);
    const body = JSON.stringify({ ChangeOrderId: co });
    const noToken = (await s.invoke(httpRequest(body, { sourceIp: '47.74.206.1' }))) as Answer;
    expect(noToken.statusCode).toBe(401);
    const ok = (await s.invoke(
      httpRequest(body, { query: { token: TOKEN }, sourceIp: '::ffff:47.74.206.63' }),
    )) as Answer;
    expect(ok.statusCode).toBe(200);
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
  });
});

describe('HTTP trigger authentication settings', () => {
  const base = { SAE_REGION: 'cn-hangzhou', MNS_ENDPOINT: 'http://127.0.0.1:1' };

  it('requires a credential by default, with or without a token or secret set', () => {
    expect(loadConfig(base).auth).toMatchObject({ required: true, tokens: [], hmacSecrets: [] });
    expect(loadConfig({ ...base, ALARM_AUTH_REQUIRED: '' }).auth.required).toBe(true);
    expect(loadConfig({ ...base, ALARM_AUTH_REQUIRED: 'false' }).auth.required).toBe(false);
    expect(loadConfig({ ...base, ALARM_AUTH_TOKENS: TOKEN }).auth).toMatchObject({
      required: true,
      tokens: [TOKEN],
    });
    expect(loadConfig({ ...base, ALARM_HMAC_SECRETS: `${SECRET},` }).auth.hmacSecrets).toEqual([SECRET]);
  });

  it('refuses weak settings, without echoing them', () => {
    // Required without a credential is the secure default (every HTTP request refused), not an error:
    // the consumer and the guard share these variables and must start.
    expect(loadConfig({ ...base, ALARM_AUTH_REQUIRED: 'true' }).auth.required).toBe(true);
    expect(() => loadConfig({ ...base, ALARM_AUTH_REQUIRED: 'yes' })).toThrow(ConfigError);
    const weak = 'short&token';
    let msg = '';
    try {
      loadConfig({ ...base, ALARM_AUTH_TOKENS: weak, ALARM_SOURCE_CIDRS: '10.0.0.0/33' });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/ALARM_AUTH_TOKENS.*16–256/);
    expect(msg).toMatch(/ALARM_SOURCE_CIDRS/);
    expect(msg).not.toContain(weak);
  });

  it('warns loudly at cold start when the trigger is opened on purpose', async () => {
    const s = await startStack({ ALARM_AUTH_REQUIRED: 'false' });
    try {
      const warning = s.logs
        .map((l) => JSON.parse(l) as { level: string; msg: string })
        .find((l) => l.level === 'warn');
      expect(warning?.msg).toMatch(
        /^SECURITY WARNING: the HTTP trigger accepts requests WITHOUT a credential/,
      );
    } finally {
      await s.close();
    }
  });
});
