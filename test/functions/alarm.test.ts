import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { RetryLaterError } from '../../lib/handlers/alarm.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';

type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string };
type Body = {
  outcomes: Array<{ outcome: string; summary: string; messageId: string; changeOrderId?: string }>;
  retry: boolean;
};
const body = (r: unknown): Body => JSON.parse((r as HttpAnswer).body) as Body;

let appSeq = 0;
const newApp = (s: Stack) => {
  const appId = `0099b7be-5f5b-4512-a7fc-${String(++appSeq).padStart(12, '0')}`;
  s.sae.seedApp({ appId, appName: `app${appSeq}`, versions: ['v1', 'v2'] });
  const co = s.sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 });
  return { appId, co };
};
const published = (s: Stack) => s.mns.messages(TOPIC).map((m) => outcomeSchema.parse(JSON.parse(m.body)));

describe('alarm function, end to end against the emulators', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(() => s.close());
  afterEach(() => {
    s.sae.clearFaults();
    s.mns.clearFaults();
  });

  it('aborts once for two identical alarms and publishes one outcome', async () => {
    const { appId, co } = newApp(s);
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;
    const alarm = httpTriggerEvent(JSON.stringify({ appId, alarmName: 'RT > 3s <checkout> & "payments"' }));

    const first = (await s.invoke(alarm)) as HttpAnswer;
    const second = (await s.invoke(alarm)) as HttpAnswer;

    expect(first.statusCode).toBe(200);
    expect(body(first).outcomes[0]).toMatchObject({ outcome: 'aborted', changeOrderId: co });
    expect(body(second).outcomes[0]?.outcome).toBe('duplicate');
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
    expect(s.sae.getApp(appId)?.currentVersion).toBe('v2');
    const msgs = published(s).slice(before);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({
      outcome: 'aborted',
      changeOrderId: co,
      appId,
      alarm: { name: 'RT > 3s <checkout> & "payments"' },
    });
    expect(s.mns.messages(TOPIC).at(-1)?.tag).toBe('aborted');
  });

  it('makes zero SAE calls for a duplicate that names the change order', async () => {
    const { co } = newApp(s);
    const alarm = httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }));
    await s.invoke(alarm);
    s.sae.clearCalls();
    const again = await s.invoke(alarm);
    expect(body(again).outcomes[0]?.outcome).toBe('duplicate');
    expect(s.sae.calls).toHaveLength(0);
  });

  it('uses the STS credentials of each invocation', async () => {
    const { co } = newApp(s);
    const rotated = {
      accessKeyId: 'STS.rotated',
      accessKeySecret: 'rotated-secret-xyz',
      securityToken: 'rotated-token-xyz',
    };
    s.sae.addCredential(rotated);
    s.mns.addCredential(rotated);
    s.sae.clearCalls();
    await s.invoke(httpTriggerEvent(JSON.stringify({ ChangeOrderId: co })), rotated);
    expect(new Set(s.sae.calls.map((c) => c.accessKeyId))).toEqual(new Set(['STS.rotated']));
    expect(s.mns.messages(TOPIC).at(-1)?.accessKeyId).toBe('STS.rotated');
  });

  it('answers 400 to input that can never work, reports it, and calls SAE not at all', async () => {
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;
    const res = (await s.invoke(httpTriggerEvent('{"ChangeOrderId":"../../x&y=1"}'))) as HttpAnswer;
    expect(res.statusCode).toBe(400);
    expect(body(res).outcomes[0]?.outcome).toBe('rejected-input');
    expect(body(res).outcomes[0]?.summary).toMatch(/ChangeOrderId/);
    expect(s.sae.calls).toHaveLength(0);
    expect(
      published(s)
        .slice(before)
        .map((o) => o.outcome),
    ).toEqual(['rejected-input']);
  });

  it('answers 503 when SAE keeps throttling, then finishes on the retry with exactly one abort', async () => {
    const { co } = newApp(s);
    s.sae.clearCalls();
    // Throttled attempts are retried with backoff inside the invocation (SAE_MAX_ATTEMPTS, default 4);
    // throttling that outlasts them is answered 503 for the platform to redeliver.
    s.sae.injectFault({ kind: 'throttle', action: 'AbortAndRollbackChangeOrder', times: 10 });
    const alarm = httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }));
    const first = (await s.invoke(alarm)) as HttpAnswer;
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBeDefined();
    expect(body(first).outcomes[0]?.outcome).toBe('failed-retryable');
    s.sae.clearFaults();
    const retry = (await s.invoke(alarm)) as HttpAnswer;
    expect(body(retry).outcomes[0]?.outcome).toBe('aborted');
    const aborts = s.sae.callsTo('AbortAndRollbackChangeOrder');
    expect(aborts.map((c) => c.status)).toEqual([400, 400, 400, 400, 200]);
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
  });

  it('re-sends an unpublished outcome on redelivery without aborting again', async () => {
    const { co } = newApp(s);
    s.sae.clearCalls();
    const before = s.mns.messages(TOPIC).length;
    // MNS stays down for every in-invocation retry of this delivery (NOTIFY_RETRY_ATTEMPTS), then recovers.
    s.mns.injectFault({ kind: 'status', status: 503, code: 'ServiceUnavailable' });
    const alarm = httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }));
    const first = (await s.invoke(alarm)) as HttpAnswer;
    expect(first.statusCode).toBe(503);
    expect(body(first).outcomes[0]?.outcome).toBe('aborted');
    expect(s.mns.messages(TOPIC).length).toBe(before);
    expect((await s.rt.store.get(changeOrderKey(co)))?.notified).toBe(false);
    expect(s.mns.requests.filter((r) => r.status === 503)).toHaveLength(3);
    s.mns.clearFaults();

    const retry = (await s.invoke(alarm)) as HttpAnswer;
    expect(retry.statusCode).toBe(200);
    expect(body(retry).outcomes[0]?.outcome).toBe('duplicate');
    const msgs = published(s).slice(before);
    expect(msgs.map((m) => [m.outcome, m.messageId])).toEqual([
      ['aborted', body(first).outcomes[0]?.messageId],
    ]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
    expect((await s.rt.store.get(changeOrderKey(co)))?.notified).toBe(true);
  });

  it('throws for a direct invocation that should be retried, so FC async retry takes over', async () => {
    const { co } = newApp(s);
    // A look-up is retried inside the invocation (SAE_MAX_ATTEMPTS): SAE stays down for all of them.
    s.sae.injectFault({
      kind: 'http-error',
      status: 503,
      code: 'ServiceUnavailable',
      action: 'DescribeChangeOrder',
      times: 10,
    });
    await expect(s.invoke(Buffer.from(JSON.stringify({ ChangeOrderId: co })))).rejects.toBeInstanceOf(
      RetryLaterError,
    );
    s.sae.clearFaults();
    const ok = await s.invoke(Buffer.from(JSON.stringify({ ChangeOrderId: co })));
    expect((ok as Body).outcomes[0]?.outcome).toBe('aborted');
  });

  it('never writes the secret or the STS token into logs or notifications', async () => {
    const { co } = newApp(s);
    s.sae.injectFault({
      kind: 'http-error',
      status: 403,
      code: 'AccessDenied',
      action: 'AbortAndRollbackChangeOrder',
    });
    await s.invoke(httpTriggerEvent(JSON.stringify({ ChangeOrderId: co })));
    const everything = [...s.logs, ...s.mns.messages().map((m) => m.body)].join('\n');
    expect(everything).toContain('AccessDenied');
    expect(everything).not.toContain(STS.accessKeySecret);
    expect(everything).not.toContain(STS.securityToken);
  });
});

describe('functions/alarm.ts, the deployed entry point', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await s.close();
  });

  it('reads its configuration at cold start and handles an alarm through middy', async () => {
    vi.stubEnv('SAE_REGION', 'cn-hangzhou');
    vi.stubEnv('SAE_ENDPOINT', s.sae.endpoint);
    vi.stubEnv('SAE_PROTOCOL', 'http');
    vi.stubEnv('MNS_ENDPOINT', s.mns.url);
    vi.stubEnv('MNS_TOPIC', TOPIC);
    vi.stubEnv('LOG_LEVEL', 'error');
    // Secure by default: the deployed entry point wants the caller's token.
    const token = 'entry-point-token-0123456789';
    vi.stubEnv('ALARM_AUTH_TOKENS', token);
    vi.resetModules();
    const { handler } = await import('../../functions/alarm.js');
    const { co } = newApp(s);
    const res = (await handler(
      httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }), { headers: { 'x-sae-rollback-token': token } }),
      fakeFcContext({ credentials: STS }),
    )) as HttpAnswer;
    expect(res.statusCode).toBe(200);
    expect(body(res).outcomes[0]?.outcome).toBe('aborted');
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    expect(s.mns.messages(TOPIC)).toHaveLength(1);
  });
});
