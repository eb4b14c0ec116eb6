import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../emulators/eventbridge/index.js';
import { matchesPattern } from '../../emulators/eventbridge/pattern.js';
import { ManualClock } from '../../lib/clock.js';
import {
  eventBridgeContentMd5,
  eventBridgeSignature,
  eventBridgeStringToSign,
} from '../../lib/notify/eventbridge-signature.js';
import { postOnce } from '../../lib/notify/http-post.js';

const STS = {
  accessKeyId: 'STS.ebEmulatorKey',
  accessKeySecret: 'eb-secret-0123456789',
  securityToken: 'eb-sts-token-xyz',
};
const BUS = 'sae-rollback';
const TOPIC = 'sae-rollback-outcomes';
const PATTERN = { source: ['sae-rollback'], type: [{ prefix: 'sae-rollback:Outcome:' }] };

const event = (overrides: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: 'sr-0123456789abcdef',
  source: 'sae-rollback',
  type: 'sae-rollback:Outcome:aborted',
  subject: 'acs:sae:cn-hangzhou:1234567890123456:app/0099b7be-5f5b/changeorder/ba386059-69b1',
  time: '2026-11-29T03:00:00.412Z',
  datacontenttype: 'application/json',
  aliyuneventbusname: BUS,
  data: { outcome: 'aborted' },
  ...overrides,
});

interface SendOptions {
  body?: string;
  /** Changes applied after signing: the tampering. */
  tamper?: (headers: Record<string, string>) => void;
  tamperBody?: (body: string) => string;
  creds?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  date?: string;
  nonce?: string;
  authStyle?: 'colon' | 'space';
  contentType?: string;
}

describe('EventBridge emulator', () => {
  let eb: EventBridgeEmulator;
  const clock = new ManualClock();
  let seq = 0;

  /** A PutEvents request signed by hand with the client's signer, optionally tampered with after signing. */
  const send = async (o: SendOptions = {}) => {
    const creds = o.creds ?? STS;
    const body = o.body ?? JSON.stringify([event()]);
    const contentType = o.contentType ?? 'application/cloudevents-batch+json; charset=utf-8';
    const headers: Record<string, string> = {
      date: o.date ?? new Date(clock.now()).toUTCString(),
      'content-type': contentType,
      'content-md5': eventBridgeContentMd5(body),
      'x-acs-signature-method': 'HMAC-SHA1',
      'x-acs-signature-version': '1.0',
      'x-acs-signature-nonce': o.nonce ?? `nonce-${++seq}-${Date.now()}`,
      ...(creds.securityToken
        ? { 'x-acs-accesskey-id': creds.accessKeyId, 'x-acs-security-token': creds.securityToken }
        : {}),
    };
    const sts = eventBridgeStringToSign({
      method: 'POST',
      contentMd5: headers['content-md5'],
      contentType,
      date: headers.date ?? '',
      headers,
      path: '/openapi/putEvents',
    });
    const sep = o.authStyle === 'space' ? ' ' : ':';
    headers.authorization = `acs${sep}${creds.accessKeyId}:${eventBridgeSignature(sts, creds.accessKeySecret)}`;
    o.tamper?.(headers);
    const payload = Buffer.from(o.tamperBody ? o.tamperBody(body) : body, 'utf8');
    const res = await postOnce(new URL('/openapi/putEvents', eb.url), headers, payload, 2000);
    return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
  };

  beforeAll(async () => {
    eb = await startEventBridgeEmulator({
      clock,
      credentials: [STS, { accessKeyId: 'LTAIplainKey', accessKeySecret: 'plain-secret-0123456789' }],
      buses: [BUS],
      rules: [
        {
          bus: BUS,
          name: 'outcomes-to-rocketmq',
          pattern: PATTERN,
          targets: [{ type: 'rocketmq', topic: TOPIC }],
        },
      ],
    });
  });
  afterAll(() => eb.close());
  beforeEach(() => eb.reset());

  it('accepts a correctly signed batch, stores the event on its bus and routes it to the RocketMQ topic', async () => {
    const received: string[] = [];
    const unsubscribe = eb.sink.subscribe(TOPIC, (m) => received.push(m.keys));

    const res = await send();

    unsubscribe();
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ FailedEntryCount: 0, EntryList: [{ EventId: 'sr-0123456789abcdef' }] });
    expect(eb.events(BUS).map((e) => e.event.id)).toEqual(['sr-0123456789abcdef']);
    expect(eb.events(BUS)[0]?.routedTo).toEqual([`outcomes-to-rocketmq → ${TOPIC}`]);
    const [message] = eb.sink.messages(TOPIC);
    expect(message).toMatchObject({ keys: 'sr-0123456789abcdef', tags: 'sae-rollback:Outcome:aborted' });
    expect(JSON.parse(message?.body ?? '{}')).toEqual(event());
    expect(received).toEqual(['sr-0123456789abcdef']);
    expect(eb.requests.at(-1)).toMatchObject({
      status: 200,
      signatureValid: true,
      accessKeyId: STS.accessKeyId,
    });
  });

  it('accepts the documented "acs <id>:<sig>" form and plain AccessKeys without a token', async () => {
    expect((await send({ authStyle: 'space' })).status).toBe(200);
    const plain = { accessKeyId: 'LTAIplainKey', accessKeySecret: 'plain-secret-0123456789' };
    expect((await send({ creds: plain })).status).toBe(200);
    expect(eb.events()).toHaveLength(2);
  });

  const changedBody = (b: string) => b.replace('aborted', 'refused');
  const tampered: Array<[string, SendOptions]> = [
    [
      'a changed signed header',
      {
        tamper: (h) => {
          h['x-acs-signature-nonce'] = 'other-nonce-1';
        },
      },
    ],
    [
      'a forged signature',
      {
        tamper: (h) => {
          h.authorization = `acs:${STS.accessKeyId}:AAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
        },
      },
    ],
    ['a wrong secret', { creds: { ...STS, accessKeySecret: 'not-the-secret-0123' } }],
    [
      'a changed body with a recomputed Content-MD5',
      {
        tamperBody: changedBody,
        tamper: (h) => {
          h['content-md5'] = eventBridgeContentMd5(changedBody(JSON.stringify([event()])));
        },
      },
    ],
  ];
  it.each(tampered)('refuses %s with 403 SignatureDoesNotMatch and stores nothing', async (_name, opts) => {
    const res = await send(opts);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('SignatureDoesNotMatch');
    expect(eb.events()).toHaveLength(0);
    expect(eb.sink.messages()).toHaveLength(0);
    expect(eb.requests.at(-1)?.signatureValid).toBe(false);
  });

  it('refuses a changed body under the original signature (Content-MD5), a replayed nonce, a stale date and a wrong token', async () => {
    const body = await send({ tamperBody: changedBody });
    expect([body.status, body.json.code]).toEqual([400, 'InvalidContentMD5']);

    expect((await send({ nonce: 'nonce-replayed-1' })).status).toBe(200);
    const replay = await send({ nonce: 'nonce-replayed-1' });
    expect([replay.status, replay.json.code]).toEqual([403, 'SignatureNonceUsed']);

    const stale = await send({ date: new Date(clock.now() - 16 * 60_000).toUTCString() });
    expect([stale.status, stale.json.code]).toEqual([403, 'RequestTimeTooSkewed']);

    const token = await send({ creds: { ...STS, securityToken: 'someone-elses-token' } });
    expect([token.status, token.json.code]).toEqual([403, 'SecurityTokenInvalid']);

    const unknown = await send({ creds: { accessKeyId: 'LTAIunknown', accessKeySecret: 'x-0123456789' } });
    expect([unknown.status, unknown.json.code]).toEqual([403, 'InvalidAccessKeyId']);
    expect(eb.events()).toHaveLength(1);
  });

  it('never echoes a secret or token in its answers', async () => {
    const res = await send({ creds: { ...STS, securityToken: 'someone-elses-token' } });
    const text = JSON.stringify(res.json);
    for (const s of [STS.accessKeySecret, STS.securityToken, 'someone-elses-token'])
      expect(text).not.toContain(s);
  });

  it.each([
    ['specversion 0.3', [event({ specversion: '0.3' })], 'events[0].specversion'],
    ['a missing id', [event({ id: undefined })], 'events[0].id'],
    ['a bad time', [event({ time: 'yesterday' })], 'events[0].time'],
    ['an upper-case extension name', [event({ Trace: 'x' })], 'events[0].Trace'],
    ['data and data_base64', [event({ data_base64: 'e30=' })], 'events[0].data_base64'],
    ['no bus attribute', [event({ aliyuneventbusname: undefined })], 'events[0].aliyuneventbusname'],
    ['an empty batch', [], 'array of 1-100'],
  ])('refuses an envelope with %s (400 InvalidArgument, naming the field)', async (_name, events, where) => {
    const res = await send({ body: JSON.stringify(events) });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('InvalidArgument');
    expect(String(res.json.message)).toContain(where);
  });

  it('fails an event for an unknown bus alone, and answers injected entry errors per event', async () => {
    eb.injectFault({ kind: 'entry-error', code: 'Throttling', times: 1 });
    const res = await send({
      body: JSON.stringify([
        event({ id: 'a-1' }),
        event({ id: 'b-2', aliyuneventbusname: 'nope' }),
        event({ id: 'c-3' }),
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.json.FailedEntryCount).toBe(2);
    expect(res.json.EntryList).toMatchObject([
      { EventId: 'a-1', ErrorCode: 'Throttling' },
      { EventId: 'b-2', ErrorCode: 'EventBusNotExist' },
      { EventId: 'c-3' },
    ]);
    expect(eb.events().map((e) => e.event.id)).toEqual(['c-3']);
  });

  it('routes only events the rule pattern matches', async () => {
    await send({
      body: JSON.stringify([
        event({ id: 'other-source', source: 'someone-else' }),
        event({ id: 'other-type', type: 'sae-rollback:Heartbeat' }),
        event({ id: 'matched', type: 'sae-rollback:Outcome:refused' }),
      ]),
    });
    expect(eb.events()).toHaveLength(3);
    expect(eb.sink.messages(TOPIC).map((m) => m.keys)).toEqual(['matched']);
  });

  it('takes buses, rules and faults over the admin surface', async () => {
    const admin = (path: string, body: unknown) =>
      postOnce(
        new URL(path, eb.url),
        { 'content-type': 'application/json' },
        Buffer.from(JSON.stringify(body)),
        2000,
      );
    expect((await admin('/__admin/buses', { name: 'audit' })).status).toBe(201);
    const rule = { bus: 'audit', name: 'all-aborts', pattern: { type: ['sae-rollback:Outcome:aborted'] } };
    expect(
      (await admin('/__admin/rules', { ...rule, targets: [{ type: 'rocketmq', topic: 'aborts' }] })).status,
    ).toBe(201);
    expect((await admin('/__admin/rules', { ...rule, pattern: { detail: ['x'] }, targets: [] })).status).toBe(
      400,
    );
    expect(
      (await admin('/__admin/faults', { kind: 'error', status: 429, code: 'TooManyRequests' })).status,
    ).toBe(201);

    const throttled = await send({ body: JSON.stringify([event({ aliyuneventbusname: 'audit' })]) });
    expect([throttled.status, throttled.json.code]).toEqual([429, 'TooManyRequests']);
    expect((await send({ body: JSON.stringify([event({ aliyuneventbusname: 'audit' })]) })).status).toBe(200);
    expect(eb.sink.messages('aborts')).toHaveLength(1);
  });
});

describe('event patterns (subset)', () => {
  const e = {
    source: 'sae-rollback',
    type: 'sae-rollback:Outcome:aborted',
    subject: 'acs:sae:cn-hangzhou::app/x',
  };
  it.each([
    [{ source: ['sae-rollback'] }, true],
    [{ source: ['other', 'sae-rollback'] }, true],
    [{ source: ['sae-rollback'], type: [{ prefix: 'sae-rollback:Outcome:' }] }, true],
    [{ source: ['sae-rollback'], type: [{ prefix: 'sae:ChangeOrder:' }] }, false],
    [{ subject: [{ suffix: 'app/x' }] }, true],
    [{ type: ['sae-rollback:Outcome:aborted '] }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesPattern(pattern, e)).toBe(expected);
  });
});
