import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DingTalkEmulator, startDingTalkEmulator } from '../../emulators/dingtalk/index.js';
import { ManualClock } from '../../lib/clock.js';

const SIGNED = { accessToken: 'token-signed-0001', secret: 'SEC-emulator-secret-0123456789abcdef' } as const;
const KEYWORD = { accessToken: 'token-keyword-0002', keywords: ['sae-rollback'] } as const;
const NAME = '$Average>=95 & <x> "q" 回滚';

/** Signed by hand, independently of lib/notify/dingtalk.ts. */
function sign(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

const markdown = (text = `alarm ${NAME}`, title = 'sae-rollback') => ({
  msgtype: 'markdown',
  markdown: { title, text },
});

describe('DingTalk robot emulator', () => {
  const clock = new ManualClock();
  let emu: DingTalkEmulator;

  async function send(opts: {
    token?: string;
    timestamp?: number | null;
    sign?: string | null;
    body?: unknown;
    rawQuery?: string;
  }): Promise<{ status: number; json: unknown }> {
    const timestamp = opts.timestamp === undefined ? clock.now() : opts.timestamp;
    const query =
      opts.rawQuery ??
      [
        `access_token=${encodeURIComponent(opts.token ?? SIGNED.accessToken)}`,
        timestamp === null ? '' : `timestamp=${timestamp}`,
        opts.sign === null
          ? ''
          : `sign=${encodeURIComponent(opts.sign ?? sign(timestamp ?? 0, SIGNED.secret))}`,
      ]
        .filter(Boolean)
        .join('&');
    const res = await fetch(`${emu.sendUrl}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body ?? markdown()),
    });
    const text = await res.text();
    return {
      status: res.status,
      json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  }

  beforeAll(async () => {
    emu = await startDingTalkEmulator({ clock, robots: [SIGNED, KEYWORD] });
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  it('accepts a correctly signed markdown message and stores it byte for byte', async () => {
    const res = await send({});
    expect(res).toEqual({ status: 200, json: { errcode: 0, errmsg: 'ok' } });
    expect(emu.messages()).toEqual([
      {
        msgtype: 'markdown',
        title: 'sae-rollback',
        text: `alarm ${NAME}`,
        accessToken: SIGNED.accessToken,
        signed: true,
        receivedAt: clock.now(),
      },
    ]);
  });

  it('refuses a signature with one character altered (310000 sign not match); nothing stored', async () => {
    const good = sign(clock.now(), SIGNED.secret);
    const tampered = `${good[0] === 'A' ? 'B' : 'A'}${good.slice(1)}`;
    const res = await send({ sign: tampered });
    expect(res.json).toEqual({ errcode: 310000, errmsg: 'sign not match' });
    expect(emu.messages()).toEqual([]);
    expect(emu.requests).toEqual([
      { method: 'POST', path: '/robot/send', status: 200, errcode: 310000, signatureValid: false },
    ]);
  });

  it('refuses a Base64 signature that was not URL-encoded when it contains "+"', async () => {
    let timestamp = clock.now();
    while (!sign(timestamp, SIGNED.secret).includes('+')) timestamp += 1;
    const raw = `access_token=${SIGNED.accessToken}&timestamp=${timestamp}&sign=${sign(timestamp, SIGNED.secret)}`;
    expect((await send({ rawQuery: raw })).json).toMatchObject({ errcode: 310000 });
    const encoded = raw.replace(/sign=.*$/, `sign=${encodeURIComponent(sign(timestamp, SIGNED.secret))}`);
    expect((await send({ rawQuery: encoded })).json).toMatchObject({ errcode: 0 });
  });

  it.each([
    ['more than an hour old', -60 * 60 * 1000 - 1],
    ['more than an hour ahead', 60 * 60 * 1000 + 1],
  ])('refuses a timestamp %s (310000 invalid timestamp)', async (_what, offset) => {
    const timestamp = clock.now() + offset;
    const res = await send({ timestamp, sign: sign(timestamp, SIGNED.secret) });
    expect(res.json).toEqual({ errcode: 310000, errmsg: 'invalid timestamp' });
  });

  it('accepts a timestamp just inside the hour', async () => {
    const timestamp = clock.now() - 60 * 60 * 1000;
    expect((await send({ timestamp, sign: sign(timestamp, SIGNED.secret) })).json).toMatchObject({
      errcode: 0,
    });
  });

  it('refuses a signed robot request without timestamp or sign', async () => {
    expect((await send({ timestamp: null })).json).toMatchObject({ errcode: 310000 });
    expect((await send({ sign: null })).json).toMatchObject({ errcode: 310000, errmsg: 'sign not match' });
  });

  it('refuses an unknown access token (300001)', async () => {
    expect((await send({ token: 'nope' })).json).toEqual({ errcode: 300001, errmsg: 'token is not exist' });
  });

  it('enforces keywords on a keyword-secured robot', async () => {
    const base = { token: KEYWORD.accessToken, timestamp: null, sign: null } as const;
    expect((await send({ ...base, body: markdown('no keyword here', 'title') })).json).toEqual({
      errcode: 310000,
      errmsg: 'keywords not in content',
    });
    expect((await send({ ...base, body: markdown('from sae-rollback', 'title') })).json).toMatchObject({
      errcode: 0,
    });
    expect(emu.messages(KEYWORD.accessToken)).toHaveLength(1);
  });

  it('refuses bodies DingTalk would refuse', async () => {
    expect((await send({ body: 'not json' })).json).toMatchObject({ errcode: 40035 });
    expect((await send({ body: { msgtype: 'voice' } })).json).toMatchObject({ errcode: 400105 });
    expect(
      (await send({ body: { msgtype: 'markdown', markdown: { text: 'no title' } } })).json,
    ).toMatchObject({
      errcode: 40035,
    });
    expect((await send({ body: markdown('x'.repeat(20_001)) })).json).toMatchObject({ errcode: 460101 });
    expect(emu.messages()).toEqual([]);
  });

  it('injects errcode, status and reset faults, each once by default', async () => {
    emu.injectFault({ kind: 'errcode', errcode: 130101, errmsg: 'send too fast' });
    emu.injectFault({ kind: 'status', status: 502 });
    expect((await send({})).json).toEqual({ errcode: 130101, errmsg: 'send too fast' });
    expect((await send({})).status).toBe(502);
    expect((await send({})).json).toMatchObject({ errcode: 0 });
    emu.injectFault({ kind: 'reset' });
    await expect(send({})).rejects.toThrow();
    expect(emu.requests.map((r) => [r.status, r.fault])).toEqual([
      [200, 'errcode'],
      [502, 'status'],
      [200, undefined],
      [0, 'reset'],
    ]);
  });

  it('a latency fault delays, then processes; a reset meanwhile drops the sleeping request', async () => {
    emu.injectFault({ kind: 'latency', ms: 50 });
    expect((await send({})).json).toMatchObject({ errcode: 0 });
    expect(emu.requests).toEqual([expect.objectContaining({ status: 200, fault: 'latency' })]);
    emu.reset();
    emu.injectFault({ kind: 'latency', ms: 10_000 });
    const pending = send({}).then(
      () => 'answered',
      () => 'dropped',
    );
    await expect.poll(() => emu.sleeping).toBe(1);
    emu.reset();
    expect(await pending).toBe('dropped');
    expect(emu.messages()).toEqual([]);
    expect(emu.requests).toEqual([]);
  });

  it('never records the token, timestamp or sign in its request log', async () => {
    await send({});
    expect(JSON.stringify(emu.requests)).not.toContain(SIGNED.accessToken);
    expect(JSON.stringify(emu.requests)).not.toContain('sign=');
  });

  it('has an admin surface for out-of-process use', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${emu.url}/__admin/${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    expect(await admin('POST', 'robots', { accessToken: 'token-admin-0003' })).toEqual({
      status: 201,
      json: { ok: true },
    });
    expect((await send({ token: 'token-admin-0003', timestamp: null, sign: null })).json).toMatchObject({
      errcode: 0,
    });
    expect((await admin('GET', 'messages?token=token-admin-0003')).json).toHaveLength(1);
    expect((await admin('POST', 'faults', { kind: 'errcode', errcode: 130101 })).status).toBe(201);
    expect((await send({})).json).toMatchObject({ errcode: 130101 });
    expect((await admin('POST', 'faults', { kind: 'bogus' })).status).toBe(400);
    expect((await admin('GET', 'requests')).json).toHaveLength(2);
    expect((await admin('POST', 'reset')).status).toBe(200);
    expect(emu.messages()).toEqual([]);
    expect((await send({ token: 'token-admin-0003', timestamp: null, sign: null })).json).toMatchObject({
      errcode: 300001,
    });
  });
});
