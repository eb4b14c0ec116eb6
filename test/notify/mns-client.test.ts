import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { ManualClock } from '../../lib/clock.js';
import { isNotifyError, NotifyError } from '../../lib/notify/errors.js';
import {
  buildPublishXml,
  defaultMnsEndpoint,
  type MnsCredentials,
  MnsTopicClient,
  type MnsTopicClientOptions,
} from '../../lib/notify/mns-client.js';
import { mnsBodyMd5 } from '../../lib/notify/mns-signature.js';

const AK = { accessKeyId: 'LTAI-test-plain', accessKeySecret: 'plain-secret-DO-NOT-LEAK-1234' } as const;
const STS = {
  accessKeyId: 'STS.test-key',
  accessKeySecret: 'sts-secret-DO-NOT-LEAK-5678',
  securityToken: 'CAIS-token-DO-NOT-LEAK-9abc',
} as const;
const TOPIC = 'sae-rollback-outcomes';

const BODIES: Array<[string, string]> = [
  ['xml metacharacters and Chinese', `回滚 <SAE> & "发布单" 'ok'`],
  ['emoji', 'rollback done 🚀🔥 — 👍🏽'],
  ['newlines, CRLF, lone CR and tabs', 'line1\nline2\r\nline3\rline4\tend\n'],
  [
    'a JSON document',
    JSON.stringify({
      app: 'cart<svc>',
      note: 'a && b',
      quote: `"x" 'y'`,
      nested: { cdata: ']]>', zh: '发布单' },
    }),
  ],
  ['text that looks like markup', '<![CDATA[x]]> &amp; &#x41; </MessageBody><MessageBody>'],
];

async function expectNotifyError(p: Promise<unknown>): Promise<NotifyError> {
  try {
    await p;
  } catch (e) {
    expect(isNotifyError(e)).toBe(true);
    return e as NotifyError;
  }
  throw new Error('expected the publish to fail');
}

function expectNoSecrets(err: NotifyError): void {
  const dump = `${err.message}\n${JSON.stringify(err)}\n${String(err)}`;
  for (const s of [AK.accessKeySecret, STS.accessKeySecret, STS.securityToken]) expect(dump).not.toContain(s);
}

describe('MnsTopicClient against the MNS emulator', () => {
  const clock = new ManualClock();
  let emu: MnsEmulator;
  const client = (overrides: Partial<MnsTopicClientOptions> = {}): MnsTopicClient =>
    new MnsTopicClient({ endpoint: emu.url, credentials: () => AK, clock, timeoutMs: 2000, ...overrides });

  beforeAll(async () => {
    emu = await startMnsEmulator({ clock, credentials: [AK, STS], topics: [TOPIC] });
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  describe.each([
    ['long-term AccessKey', AK as MnsCredentials],
    ['STS token', STS as MnsCredentials],
  ])('round-trips bodies unchanged with %s', (_label, creds) => {
    it.each(BODIES)('%s', async (_name, body) => {
      const result = await client({ credentials: () => creds }).publish(TOPIC, {
        body,
        tag: 'tag <&> "回滚"',
      });
      const stored = emu.messages(TOPIC);
      expect(stored).toHaveLength(1);
      expect(stored[0]?.body).toBe(body);
      expect(stored[0]?.tag).toBe('tag <&> "回滚"');
      expect(stored[0]?.accessKeyId).toBe(creds.accessKeyId);
      expect(stored[0]?.messageId).toBe(result.messageId);
      expect(result.bodyMd5).toBe(mnsBodyMd5(body));
      expect(stored[0]?.bodyMd5).toBe(result.bodyMd5);
      expect(result.requestId).toMatch(/^[0-9A-F]{24}$/);
      expect(result.messageId).toMatch(/^[0-9A-F]{16}-1-[0-9A-F]+-\d+$/);
    });
  });

  it('omits MessageTag when no tag (or an empty tag) is given', async () => {
    await client().publish(TOPIC, { body: 'a' });
    await client().publish(TOPIC, { body: 'b', tag: '' });
    expect(emu.messages(TOPIC).map((m) => 'tag' in m)).toEqual([false, false]);
    expect(buildPublishXml('a')).not.toContain('MessageTag');
  });

  it('asks for credentials on every publish, so rotated STS credentials are used', async () => {
    const handed = [STS, AK];
    let calls = 0;
    const c = client({ credentials: async () => handed[calls++] ?? AK });
    await c.publish(TOPIC, { body: 'one' });
    await c.publish(TOPIC, { body: 'two' });
    expect(calls).toBe(2);
    expect(emu.messages(TOPIC).map((m) => m.accessKeyId)).toEqual([STS.accessKeyId, AK.accessKeyId]);
  });

  it('reports an unknown topic as permanent TopicNotExist 404', async () => {
    const err = await expectNotifyError(client().publish('no-such-topic', { body: 'x' }));
    expect(err).toMatchObject({
      channel: 'mns',
      kind: 'http',
      code: 'TopicNotExist',
      httpStatus: 404,
      retryable: false,
    });
    expect(err.requestId).toMatch(/^[0-9A-F]{24}$/);
    expect(err.message).toContain('The topic you provided does not exist.');
    expect(emu.messages()).toHaveLength(0);
    expectNoSecrets(err);
  });

  it('reports a wrong secret as permanent SignatureDoesNotMatch 403', async () => {
    const err = await expectNotifyError(
      client({ credentials: () => ({ ...AK, accessKeySecret: `${AK.accessKeySecret}-wrong` }) }).publish(
        TOPIC,
        {
          body: 'x',
        },
      ),
    );
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 403, retryable: false });
    expect(emu.messages()).toHaveLength(0);
    expectNoSecrets(err);
  });

  it('reports a wrong STS token as a permanent 403 and stores nothing', async () => {
    const err = await expectNotifyError(
      client({ credentials: () => ({ ...STS, securityToken: 'CAIS-some-other-token' }) }).publish(TOPIC, {
        body: 'x',
      }),
    );
    expect(err).toMatchObject({ code: 'InvalidSecurityToken', httpStatus: 403, retryable: false });
    expect(emu.messages()).toHaveLength(0);
    expectNoSecrets(err);
  });

  it('reports a stale Date as TimeExpired (408 per the MNS error table), retryable because the retry re-dates', async () => {
    const lagging = new ManualClock(clock.now() - 16 * 60 * 1000);
    const err = await expectNotifyError(client({ clock: lagging }).publish(TOPIC, { body: 'x' }));
    expect(err).toMatchObject({ code: 'TimeExpired', httpStatus: 408, retryable: true });
    expect(emu.messages()).toHaveLength(0);
    lagging.set(clock.now() - 14 * 60 * 1000);
    await client({ clock: lagging }).publish(TOPIC, { body: 'within skew' });
    expect(emu.messages()).toHaveLength(1);
  });

  it('marks an injected 503 retryable', async () => {
    emu.injectFault({ kind: 'status', status: 503, code: 'ServiceUnavailable', times: 1 });
    const err = await expectNotifyError(client().publish(TOPIC, { body: 'x' }));
    expect(err).toMatchObject({ kind: 'http', code: 'ServiceUnavailable', httpStatus: 503, retryable: true });
    expect(emu.messages()).toHaveLength(0);
    await client().publish(TOPIC, { body: 'after the fault' });
    expect(emu.messages().map((m) => m.body)).toEqual(['after the fault']);
  });

  it('marks 429 retryable', async () => {
    emu.injectFault({ kind: 'status', status: 429, code: 'Throttling', times: 1 });
    const err = await expectNotifyError(client().publish(TOPIC, { body: 'x' }));
    expect(err).toMatchObject({ httpStatus: 429, retryable: true });
  });

  it('marks a connection reset retryable', async () => {
    emu.injectFault({ kind: 'reset', times: 1 });
    const err = await expectNotifyError(client().publish(TOPIC, { body: 'x' }));
    expect(err).toMatchObject({ kind: 'network', code: 'Client.NetworkError', retryable: true });
    expect(err.httpStatus).toBeUndefined();
    expect(emu.messages()).toHaveLength(0);
    expectNoSecrets(err);
  });

  it('times out when the response is slower than timeoutMs, and says so', async () => {
    emu.injectFault({ kind: 'latency', ms: 1500, times: 1 });
    const started = Date.now();
    const err = await expectNotifyError(client({ timeoutMs: 150 }).publish(TOPIC, { body: 'slow' }));
    const elapsed = Date.now() - started;
    expect(err).toMatchObject({ kind: 'timeout', code: 'Client.Timeout', retryable: true });
    expect(err.message).toContain('150 ms');
    expect(elapsed).toBeLessThan(1000);
    expectNoSecrets(err);
  });

  it('covers connect time too: a listener that never answers times out', async () => {
    // Accepts TCP but never responds to HTTP: the deadline must fire without relying on socket idleness.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as AddressInfo;
      const c = new MnsTopicClient({
        endpoint: `http://127.0.0.1:${port}`,
        credentials: () => AK,
        timeoutMs: 200,
      });
      const err = await expectNotifyError(c.publish(TOPIC, { body: 'x' }));
      expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it.each([
    '',
    '1starts-with-digit',
    'has_underscore',
    'has/slash',
    '../messages',
    'topic?x=1',
    'a'.repeat(256),
    'spaces in name',
  ])('rejects topic name %j before sending anything', async (topic) => {
    const err = await expectNotifyError(client().publish(topic, { body: 'x' }));
    expect(err).toMatchObject({ kind: 'invalid-input', code: 'Client.InvalidTopicName', retryable: false });
    expect(emu.requests).toHaveLength(0);
  });

  it('accepts a 255-character topic name', async () => {
    const long = `t${'a'.repeat(254)}`;
    emu.createTopic(long);
    await client().publish(long, { body: 'x' });
    expect(emu.messages(long)).toHaveLength(1);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['backspace', 'a\u0008b'],
    ['vertical tab', 'a\u000Bb'],
    ['U+FFFF', 'a\uFFFFb'],
    ['lone surrogate', 'a\uD800b'],
  ])('rejects a body with %s (not representable in XML 1.0) before sending', async (_n, body) => {
    const err = await expectNotifyError(client().publish(TOPIC, { body }));
    expect(err).toMatchObject({ kind: 'invalid-input', code: 'Client.InvalidMessage', retryable: false });
    expect(emu.requests).toHaveLength(0);
  });

  it('wraps a failing credentials provider without echoing its message', async () => {
    const err = await expectNotifyError(
      client({
        credentials: () => {
          throw new Error(`could not refresh ${STS.securityToken}`);
        },
      }).publish(TOPIC, { body: 'x' }),
    );
    expect(err).toMatchObject({ kind: 'credentials', retryable: true });
    expect(emu.requests).toHaveLength(0);
    expectNoSecrets(err);
  });

  it('never leaks the secret or token in errors, across failure kinds', async () => {
    const sts = client({ credentials: () => STS });
    const errors: NotifyError[] = [];
    errors.push(await expectNotifyError(sts.publish('missing-topic', { body: 'x' })));
    emu.injectFault({ kind: 'status', status: 500, times: 1 });
    errors.push(await expectNotifyError(sts.publish(TOPIC, { body: 'x' })));
    emu.injectFault({ kind: 'reset', times: 1 });
    errors.push(await expectNotifyError(sts.publish(TOPIC, { body: 'x' })));
    errors.push(await expectNotifyError(sts.publish('bad_name', { body: 'x' })));
    errors.push(
      await expectNotifyError(
        client({ credentials: () => ({ ...STS, accessKeySecret: 'wrong-secret-DO-NOT-LEAK' }) }).publish(
          TOPIC,
          {
            body: 'x',
          },
        ),
      ),
    );
    expect(errors).toHaveLength(5);
    for (const err of errors) {
      expectNoSecrets(err);
      expect(JSON.stringify(err)).not.toContain('wrong-secret-DO-NOT-LEAK');
    }
  });
});

describe('MnsTopicClient against misbehaving servers', () => {
  let server: Server;
  let endpoint: string;
  let reply: { status: number; body: string; contentType?: string } = { status: 200, body: '' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/xml;charset=utf-8' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const c = (): MnsTopicClient => new MnsTopicClient({ endpoint, credentials: () => STS, timeoutMs: 2000 });

  it('refuses a success whose MessageBodyMD5 is not the MD5 of the body sent (not retryable)', async () => {
    reply = {
      status: 201,
      body: `<?xml version="1.0" encoding="utf-8"?><Message xmlns="http://mns.aliyuncs.com/doc/v1/"><MessageId>M-1</MessageId><MessageBodyMD5>${mnsBodyMd5('&amp;')}</MessageBodyMD5></Message>`,
    };
    const err = await expectNotifyError(c().publish(TOPIC, { body: '&' }));
    expect(err).toMatchObject({ kind: 'protocol', code: 'Client.MessageBodyMD5Mismatch', retryable: false });
    expect(err.message).toContain('M-1');
  });

  it('accepts pretty-printed responses with a lower-case MD5', async () => {
    reply = {
      status: 201,
      body: `<?xml version="1.0" encoding="utf-8"?>\n<Message xmlns="http://mns.aliyuncs.com/doc/v1/">\n    <MessageId>D273CD6A89564E54-1-15180395A19-200000001</MessageId>\n    <MessageBodyMD5>${mnsBodyMd5('hi').toLowerCase()}</MessageBodyMD5>\n</Message>\n`,
    };
    await expect(c().publish(TOPIC, { body: 'hi' })).resolves.toEqual({
      messageId: 'D273CD6A89564E54-1-15180395A19-200000001',
      bodyMd5: mnsBodyMd5('hi'),
    });
  });

  it('treats a non-XML error body as retryable with no code', async () => {
    reply = { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' };
    const err = await expectNotifyError(c().publish(TOPIC, { body: 'x' }));
    expect(err).toMatchObject({ kind: 'http', httpStatus: 502, retryable: true });
    expect(err.code).toBeUndefined();
    reply = { status: 403, body: 'Forbidden', contentType: 'text/plain' };
    expect(await expectNotifyError(c().publish(TOPIC, { body: 'x' }))).toMatchObject({ retryable: true });
  });

  it('treats a 2xx without a readable MessageId as retryable protocol error', async () => {
    reply = { status: 201, body: 'ok' };
    const err = await expectNotifyError(c().publish(TOPIC, { body: 'x' }));
    expect(err).toMatchObject({ kind: 'protocol', code: 'Client.MalformedResponse', retryable: true });
  });

  it('redacts credentials even if the server echoes them back', async () => {
    reply = {
      status: 403,
      body: `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>token ${STS.securityToken} and ${STS.accessKeySecret} denied</Message><RequestId>R1</RequestId><HostId>h</HostId></Error>`,
    };
    const err = await expectNotifyError(c().publish(TOPIC, { body: 'x' }));
    expect(err).toMatchObject({ code: 'AccessDenied', httpStatus: 403, requestId: 'R1', retryable: false });
    expectNoSecrets(err);
    expect(err.message).toContain('***');
  });

  it('treats documented throttling and internal codes as retryable even with a 4xx status', async () => {
    reply = {
      status: 400,
      body: '<Error><Code>QpsLimitExceeded</Code><Message>The qps limit is exceeded</Message><RequestId>R2</RequestId><HostId>h</HostId></Error>',
    };
    expect(await expectNotifyError(c().publish(TOPIC, { body: 'x' }))).toMatchObject({ retryable: true });
    reply = {
      status: 400,
      body: '<Error><Code>InvalidArgument</Code><Message>bad</Message><RequestId>R3</RequestId><HostId>h</HostId></Error>',
    };
    expect(await expectNotifyError(c().publish(TOPIC, { body: 'x' }))).toMatchObject({ retryable: false });
  });
});

describe('endpoints', () => {
  it('builds https endpoints for each network', () => {
    expect(defaultMnsEndpoint('1234567890123456', 'cn-hangzhou')).toBe(
      'https://1234567890123456.mns.cn-hangzhou.aliyuncs.com',
    );
    expect(defaultMnsEndpoint('1234567890123456', 'cn-hangzhou', 'internal')).toBe(
      'https://1234567890123456.mns.cn-hangzhou-internal.aliyuncs.com',
    );
    expect(defaultMnsEndpoint('1234567890123456', 'cn-hangzhou', 'vpc')).toBe(
      'https://1234567890123456.mns.cn-hangzhou-internal-vpc.aliyuncs.com',
    );
    expect(() => defaultMnsEndpoint('acct', 'cn-hangzhou')).toThrow(NotifyError);
    expect(() => defaultMnsEndpoint('123', 'cn hangzhou')).toThrow(NotifyError);
  });

  it('refuses plain http except on loopback, and endpoints with paths or credentials', () => {
    const make = (endpoint: string) => () => new MnsTopicClient({ endpoint, credentials: () => AK });
    expect(make('http://1234.mns.cn-hangzhou.aliyuncs.com')).toThrow(/https/);
    expect(make('https://1234.mns.cn-hangzhou.aliyuncs.com/topics')).toThrow(NotifyError);
    expect(make('https://user:pw@1234.mns.cn-hangzhou.aliyuncs.com')).toThrow(NotifyError);
    expect(make('http://127.0.0.1:1')).not.toThrow();
    expect(make('https://1234.mns.cn-hangzhou.aliyuncs.com')).not.toThrow();
  });
});
