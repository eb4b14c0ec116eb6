import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { alterOneChar, type RawPublishOptions, rawPublish } from '../../emulators/mns/raw-client.js';
import { ManualClock } from '../../lib/clock.js';

const AK = { accessKeyId: 'LTAI-emu', accessKeySecret: 'emu-secret-0123456789' } as const;
const STS = {
  accessKeyId: 'STS.emu',
  accessKeySecret: 'emu-sts-secret-abcdef',
  securityToken: 'CAIS-emu-token',
} as const;
const TOPIC = 'outcomes';
const XMLNS = 'http://mns.aliyuncs.com/doc/v1/';

const doc = (inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Message xmlns="${XMLNS}">${inner}</Message>`;

function codeOf(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
}

describe('MNS emulator', () => {
  const clock = new ManualClock();
  let emu: MnsEmulator;
  const send = (overrides: Partial<RawPublishOptions> = {}) =>
    rawPublish({
      url: emu.url,
      topic: TOPIC,
      xml: doc('<MessageBody>hello</MessageBody>'),
      credentials: AK,
      date: new Date(clock.now()).toUTCString(),
      ...overrides,
    });

  beforeAll(async () => {
    emu = await startMnsEmulator({ clock, credentials: [AK, STS], topics: [TOPIC] });
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  it('accepts a correctly hand-signed request (SDK header style) and answers like MNS', async () => {
    const res = await send();
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(res.headers['x-mns-version']).toBe('2015-06-06');
    expect(res.headers['x-mns-request-id']).toMatch(/^[0-9A-F]{24}$/);
    expect(res.body).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?><Message xmlns="http:\/\/mns\.aliyuncs\.com\/doc\/v1\/"><MessageId>[0-9A-F]{16}-1-[0-9A-F]+-2\d{8}<\/MessageId><MessageBodyMD5>5D41402ABC4B2A76B9719D911017C592<\/MessageBodyMD5><\/Message>$/,
    );
    expect(emu.messages()).toEqual([
      expect.objectContaining({
        topic: TOPIC,
        body: 'hello',
        accessKeyId: AK.accessKeyId,
        publishedAt: clock.now(),
      }),
    ]);
    expect(emu.requests).toEqual([
      {
        method: 'POST',
        path: `/topics/${TOPIC}/messages`,
        status: 201,
        accessKeyId: AK.accessKeyId,
        signatureValid: true,
      },
    ]);
  });

  it('rejects a signature with one character altered: 403 SignatureDoesNotMatch, nothing stored', async () => {
    const res = await send({ tamperSignature: alterOneChar });
    expect(res.status).toBe(403);
    expect(codeOf(res.body)).toBe('SignatureDoesNotMatch');
    expect(res.body).toMatch(/<RequestId>[0-9A-F]{24}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
    expect(emu.messages()).toHaveLength(0);
    expect(emu.requests[0]).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
      signatureValid: false,
    });
  });

  it('refuses the unescaped body the official SDK sends (raw &): 400, nothing stored', async () => {
    const body = '{"a":"x<y & z"}';
    const res = await send({ xml: doc(`<MessageBody>${body}</MessageBody>`) });
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe('MalformedXML');
    expect(emu.messages()).toHaveLength(0);
    // The same content, escaped, goes through and is stored verbatim.
    const ok = await send({
      xml: doc('<MessageBody>{&quot;a&quot;:&quot;x&lt;y &amp; z&quot;}</MessageBody>'),
    });
    expect(ok.status).toBe(201);
    expect(emu.messages()[0]?.body).toBe(body);
  });

  it.each([
    ['a bare ampersand', '<MessageBody>a & b</MessageBody>'],
    ['a bare less-than', '<MessageBody>a < b</MessageBody>'],
    ['an unknown entity', '<MessageBody>&nbsp;</MessageBody>'],
    ['a reference to NUL', '<MessageBody>&#0;</MessageBody>'],
    ['"]]>" in text', '<MessageBody>a ]]> b</MessageBody>'],
    ['a mismatched tag', '<MessageBody>a</MessageTag>'],
    ['an unterminated element', '<MessageBody>a'],
  ])('refuses %s as MalformedXML', async (_n, inner) => {
    const res = await send({ xml: doc(inner) });
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe('MalformedXML');
    expect(emu.messages()).toHaveLength(0);
  });

  it('refuses DOCTYPE (no custom entities) and trailing content', async () => {
    const dtd = `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "boom">]><Message><MessageBody>&x;</MessageBody></Message>`;
    expect(codeOf((await send({ xml: dtd })).body)).toBe('MalformedXML');
    expect(codeOf((await send({ xml: `${doc('<MessageBody>a</MessageBody>')}<x/>` })).body)).toBe(
      'MalformedXML',
    );
  });

  it.each([
    ['a wrong root', '<?xml version="1.0"?><Msg><MessageBody>a</MessageBody></Msg>'],
    ['no MessageBody', doc('<MessageTag>t</MessageTag>')],
    ['two MessageBody elements', doc('<MessageBody>a</MessageBody><MessageBody>b</MessageBody>')],
    ['an unknown element', doc('<MessageBody>a</MessageBody><Priority>1</Priority>')],
    ['markup inside MessageBody', doc('<MessageBody><b>a</b></MessageBody>')],
  ])('refuses %s as InvalidArgument', async (_n, xml) => {
    const res = await send({ xml });
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe('InvalidArgument');
    expect(emu.messages()).toHaveLength(0);
  });

  it('decodes entities, numeric references and CDATA; normalises raw line ends like an XML parser', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\r\n<Message xmlns="http://mns.aliyuncs.com/doc/v1">\n  ' +
      '<MessageBody>&lt;&gt;&amp;&quot;&apos;&#x4E2D;&#25991;&#13;|a\r\nb\rc|<![CDATA[<raw & text>]]></MessageBody>\n' +
      '  <MessageTag>t&amp;g</MessageTag>\n</Message>\n';
    expect((await send({ xml })).status).toBe(201);
    expect(emu.messages()[0]).toMatchObject({ body: `<>&"'中文\r|a\nb\nc|<raw & text>`, tag: 't&g' });
  });

  it('refuses bytes that are not UTF-8 as MalformedXML', async () => {
    const xml = Buffer.concat([
      Buffer.from(doc('<MessageBody>'), 'utf8').subarray(0, -'</Message>'.length),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('</MessageBody></Message>'),
    ]);
    const res = await send({ xml });
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe('MalformedXML');
  });

  it('refuses an unknown AccessKey with 403 InvalidAccessKeyId', async () => {
    const res = await send({ credentials: { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x-secret' } });
    expect(res.status).toBe(403);
    expect(codeOf(res.body)).toBe('InvalidAccessKeyId');
    expect(emu.requests[0]).toMatchObject({ accessKeyId: 'LTAI-nobody', signatureValid: false });
  });

  it('requires x-mns-version 2015-06-06', async () => {
    for (const version of [null, '2014-01-01']) {
      const res = await send({ version });
      expect(res.status).toBe(400);
      expect(codeOf(res.body)).toBe('InvalidArgument');
    }
    expect(emu.messages()).toHaveLength(0);
  });

  it('checks the Date: missing, malformed, stale, future; x-mns-date alone is enough', async () => {
    expect(codeOf((await send({ date: null })).body)).toBe('MissingDateHeader');
    expect(codeOf((await send({ date: 'yesterday' })).body)).toBe('InvalidDateHeader');
    const stale = await send({ date: new Date(clock.now() - 16 * 60_000).toUTCString() });
    expect(stale.status).toBe(408);
    expect(codeOf(stale.body)).toBe('TimeExpired');
    expect((await send({ date: new Date(clock.now() + 16 * 60_000).toUTCString() })).status).toBe(408);
    expect((await send({ date: new Date(clock.now() - 14 * 60_000).toUTCString() })).status).toBe(201);
    expect(emu.messages()).toHaveLength(1);
  });

  it('uses the emulator clock, not the wall clock', async () => {
    clock.advance(60 * 60_000);
    try {
      expect((await send({ date: new Date().toUTCString() })).status).toBe(408);
    } finally {
      clock.advance(-60 * 60_000);
    }
  });

  it('requires the exact security-token for STS credentials', async () => {
    expect(codeOf((await send({ credentials: STS, securityToken: null })).body)).toBe('InvalidSecurityToken');
    const wrong = await send({ credentials: STS, securityToken: 'CAIS-other' });
    expect(wrong.status).toBe(403);
    expect(codeOf(wrong.body)).toBe('InvalidSecurityToken');
    expect(emu.messages()).toHaveLength(0);
    expect((await send({ credentials: STS })).status).toBe(201);
    expect(emu.messages()[0]?.accessKeyId).toBe(STS.accessKeyId);
  });

  it('checks Content-MD5 when present (Base64 of the hex digest) and tolerates its absence', async () => {
    const raw = Buffer.from('0123456789abcdef').toString('base64');
    const bad = await send({ contentMd5: raw });
    expect(bad.status).toBe(400);
    expect(codeOf(bad.body)).toBe('InvalidDegist');
    expect((await send({ contentMd5: null })).status).toBe(201);
  });

  it('answers 404 TopicNotExist with the documented message', async () => {
    const res = await send({ topic: 'ghost' });
    expect(res.status).toBe(404);
    expect(codeOf(res.body)).toBe('TopicNotExist');
    expect(res.body).toContain('<Message>The topic you provided does not exist.</Message>');
  });

  it('refuses other routes with InvalidRequestURL', async () => {
    const res = await fetch(`${emu.url}/queues/q/messages`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect(codeOf(await res.text())).toBe('InvalidRequestURL');
  });

  it('applies injected faults in order and only the given number of times', async () => {
    emu.injectFault({ kind: 'status', status: 503, times: 2 });
    expect((await send()).status).toBe(503);
    const second = await send();
    expect(second.status).toBe(503);
    expect(codeOf(second.body)).toBe('InternalError');
    expect((await send()).status).toBe(201);
    expect(emu.requests.map((r) => r.fault ?? null)).toEqual(['status', 'status', null]);
  });

  it('drops the connection for a reset fault', async () => {
    emu.injectFault({ kind: 'reset', times: 1 });
    await expect(send()).rejects.toThrow();
    expect(emu.requests[0]).toMatchObject({ status: 0, fault: 'reset' });
    expect(emu.messages()).toHaveLength(0);
  });

  it('processes a delayed request after the latency', async () => {
    emu.injectFault({ kind: 'latency', ms: 120, times: 1 });
    const started = Date.now();
    expect((await send()).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(emu.requests[0]).toMatchObject({ status: 201, fault: 'latency' });
  });

  it('clearFaults removes pending faults; reset restores the initial topics and credentials', async () => {
    emu.injectFault({ kind: 'status', status: 500 });
    emu.clearFaults();
    expect((await send()).status).toBe(201);
    emu.createTopic('extra');
    emu.addCredential({ accessKeyId: 'LTAI-extra', accessKeySecret: 'extra-secret' });
    expect(
      (
        await send({
          topic: 'extra',
          credentials: { accessKeyId: 'LTAI-extra', accessKeySecret: 'extra-secret' },
        })
      ).status,
    ).toBe(201);
    emu.reset();
    expect(emu.messages()).toHaveLength(0);
    expect(emu.requests).toHaveLength(0);
    expect((await send({ topic: 'extra' })).status).toBe(404);
    expect(
      (await send({ credentials: { accessKeyId: 'LTAI-extra', accessKeySecret: 'extra-secret' } })).status,
    ).toBe(403);
  });

  it('exposes the same controls over the admin HTTP surface', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emu.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    expect((await post('/__admin/topics', { name: 'via-admin' })).status).toBe(201);
    expect((await post('/__admin/topics', { name: '9bad' })).status).toBe(400);
    expect((await send({ topic: 'via-admin' })).status).toBe(201);
    const listed = (await (await fetch(`${emu.url}/__admin/messages?topic=via-admin`)).json()) as Array<{
      body: string;
    }>;
    expect(listed.map((m) => m.body)).toEqual(['hello']);
    expect((await post('/__admin/faults', { kind: 'status', status: 503, times: 1 })).status).toBe(201);
    expect((await post('/__admin/faults', { kind: 'explode' })).status).toBe(400);
    expect((await send()).status).toBe(503);
    expect((await post('/__admin/reset', {})).status).toBe(200);
    expect(emu.messages()).toHaveLength(0);
    expect((await send({ topic: 'via-admin' })).status).toBe(404);
  });
});
