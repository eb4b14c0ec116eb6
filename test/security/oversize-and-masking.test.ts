import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmacV1 } from '../../lib/auth/compare.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../lib/auth/http-auth.js';
import { MAX_EVENT_BYTES } from '../../lib/events/types.js';
import { type Stack, startStack, TOPIC } from '../helpers/stack.js';
import { httpRequest } from './http-request.js';

const TOKEN = 'tok-over.0123456789abcdefghij';
const SECRET = 'hmac-secret-over-0123456789abcdef';

type Answer = { statusCode: number; headers: Record<string, string>; body: string };

let seq = 0;
function newRelease(s: Stack): { appId: string; co: string } {
  const appId = `a0000000-0000-4000-8000-${String(++seq + 500).padStart(12, '0')}`;
  s.sae.seedApp({ appId, appName: `over${seq}`, versions: ['v1', 'v2'] });
  return { appId, co: s.sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 }) };
}

describe('HTTP trigger: an over-size request', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ ALARM_AUTH_TOKENS: TOKEN, ALARM_HMAC_SECRETS: SECRET });
  });
  afterAll(() => s.close());
  beforeEach(() => {
    s.sae.clearCalls();
    s.mns.reset();
  });

  const big = (bytes: number) => `{"appId":"${'x'.repeat(bytes)}"}`;

  for (const [label, size] of [
    ['just over the parser limit', MAX_EVENT_BYTES + 10],
    ['over 8 MB', 9 * 1024 * 1024],
  ] as const) {
    it(`with a valid token gets 413 and the reason (${label}); nothing called or published`, async () => {
      const res = (await s.invoke(httpRequest(big(size), { query: { token: TOKEN } }))) as Answer;
      expect(res.statusCode).toBe(413);
      const body = JSON.parse(res.body) as { error: string; reason: string; fcRequestId: string };
      expect(body.reason).toMatch(new RegExp(`limit is ${MAX_EVENT_BYTES}`));
      expect(s.sae.calls).toHaveLength(0);
      expect(s.mns.requests).toHaveLength(0);
    });

    it(`without a credential is still 401, not 413 (${label})`, async () => {
      const res = (await s.invoke(httpRequest(big(size)))) as Answer;
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toMatch(/limit/);
    });
  }

  it('signed with HMAC gets 413 too (authentication first)', async () => {
    const body = big(MAX_EVENT_BYTES + 10);
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = {
      [SIGNATURE_HEADER]: `v1=${hmacV1(SECRET, ts, Buffer.from(body))}`,
      [TIMESTAMP_HEADER]: ts,
    };
    const res = (await s.invoke(httpRequest(body, { headers }))) as Answer;
    expect(res.statusCode).toBe(413);
  });
});

describe('configured secrets in alarm content', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ ALARM_AUTH_TOKENS: TOKEN, ALARM_HMAC_SECRETS: SECRET });
  });
  afterAll(() => s.close());

  it('are masked in the published message as in the logs', async () => {
    const { co } = newRelease(s);
    const event = httpRequest(
      JSON.stringify({ ChangeOrderId: co, alarmName: `leak ${TOKEN} and ${SECRET} too` }),
      { query: { token: TOKEN } },
    );
    const res = (await s.invoke(event)) as Answer;
    expect(res.statusCode).toBe(200);
    const messages = s.mns.messages(TOPIC);
    expect(messages.map((m) => m.tag)).toEqual(['aborted']);
    const published = messages.map((m) => `${m.body}\n${Buffer.from(m.body, 'base64').toString()}`).join();
    expect(published).toContain('[redacted]');
    for (const secret of [TOKEN, SECRET]) {
      expect(published).not.toContain(secret);
      expect(s.logs.join('\n')).not.toContain(secret);
      expect(res.body).not.toContain(secret);
    }
  });

  it('are masked in an Alertmanager alert name carried into the published outcome', async () => {
    s.mns.reset();
    const { appId } = newRelease(s);
    const alert = { status: 'firing', labels: { alertname: `5xx ${SECRET}`, appId } };
    const res = (await s.invoke(
      httpRequest(JSON.stringify({ status: 'firing', alerts: [alert] }), { query: { token: TOKEN } }),
    )) as Answer;
    expect(res.statusCode).toBe(200);
    const messages = s.mns.messages(TOPIC);
    expect(messages.map((m) => m.tag)).toEqual(['aborted']);
    expect(JSON.parse(messages[0]?.body ?? '{}')).toMatchObject({ alarm: { name: '5xx [redacted]' } });
  });
});
