import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DingTalkEmulator, startDingTalkEmulator } from '../../emulators/dingtalk/index.js';
import { startWebhookEmulator, type WebhookEmulator } from '../../emulators/webhook/index.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';

const DINGTALK = {
  accessToken: 'dt-token-0123456789abcdef',
  secret: 'SECdingtalk-signing-secret-0123456789',
};
const WEBHOOK_SECRET = 'webhook-signing-secret-0123456789';
const TRICKY = '$Average>=95 & <x> "q" 回滚';

describe('every channel, through the alarm function (outbox per channel)', () => {
  let s: Stack;
  let dingtalk: DingTalkEmulator;
  let webhook: WebhookEmulator;
  let seq = 0;

  beforeAll(async () => {
    dingtalk = await startDingTalkEmulator({ robots: [DINGTALK] });
    webhook = await startWebhookEmulator({ secrets: [WEBHOOK_SECRET] });
    s = await startStack({
      DINGTALK_ACCESS_TOKEN: DINGTALK.accessToken,
      DINGTALK_SECRET: DINGTALK.secret,
      DINGTALK_ENDPOINT: dingtalk.sendUrl,
      WEBHOOK_URL: `${webhook.url}/hooks/sae-rollback`,
      WEBHOOK_SECRET,
      NOTIFY_RETRY_BASE_MS: '5',
      NOTIFY_RETRY_MAX_MS: '20',
      COOLDOWN_SECONDS: '0',
    });
  });
  afterAll(async () => {
    await Promise.all([s.close(), dingtalk.close(), webhook.close()]);
  });

  const newChangeOrder = () => {
    const appId = `channels-app-${String(++seq).padStart(4, '0')}`;
    s.sae.seedApp({ appId, versions: ['v1', 'v2'] });
    return s.sae.startChangeOrder({ appId });
  };

  it('delivers the same outcome, signed, with the alarm name unchanged, on MNS, DingTalk and the webhook', async () => {
    const co = newChangeOrder();
    const res = await s.invoke(httpTriggerEvent(JSON.stringify({ ChangeOrderId: co, alarmName: TRICKY })));
    expect((res as { statusCode: number }).statusCode).toBe(200);

    const mns = outcomeSchema.parse(JSON.parse(s.mns.messages(TOPIC).at(-1)?.body ?? '{}'));
    expect(mns).toMatchObject({ outcome: 'aborted', changeOrderId: co, alarm: { name: TRICKY } });
    const hook = webhook.deliveries().at(-1);
    expect(hook?.outcome).toEqual(mns);
    expect(hook?.headers.messageId).toBe(mns.messageId);
    const ding = dingtalk.messages(DINGTALK.accessToken).at(-1);
    expect(ding?.signed).toBe(true);
    expect(ding?.msgtype).toBe('markdown');
    expect(ding?.text).toContain(TRICKY);
    expect(ding?.text).toContain(co);
  });

  it('re-sends only the undelivered channel on redelivery, never aborting again', async () => {
    const co = newChangeOrder();
    const mnsBefore = s.mns.messages(TOPIC).length;
    const dingBefore = dingtalk.messages().length;
    webhook.injectFault({ kind: 'status', status: 503, times: 100 });
    const alarm = httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }));

    const first = (await s.invoke(alarm)) as { statusCode: number };
    expect(first.statusCode).toBe(503);
    expect(s.mns.messages(TOPIC).length).toBe(mnsBefore + 1);
    expect(dingtalk.messages().length).toBe(dingBefore + 1);
    expect((await s.rt.store.get(changeOrderKey(co)))?.delivered.sort()).toEqual(['dingtalk', 'mns']);

    webhook.clearFaults();
    const second = (await s.invoke(alarm)) as { statusCode: number; body: string };
    expect(second.statusCode).toBe(200);
    expect(JSON.parse(second.body).outcomes[0].outcome).toBe('duplicate');
    expect(s.mns.messages(TOPIC).length).toBe(mnsBefore + 1);
    expect(dingtalk.messages().length).toBe(dingBefore + 1);
    const delivered = webhook.deliveries().filter((d) => d.outcome.changeOrderId === co);
    expect(delivered.map((d) => d.outcome.outcome)).toEqual(['aborted']);
    expect(delivered[0]?.headers.messageId).toBe(
      JSON.parse(s.mns.messages(TOPIC).at(-1)?.body ?? '{}').messageId,
    );
    expect(
      s.sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.query.ChangeOrderId === co),
    ).toHaveLength(1);
    expect((await s.rt.store.get(changeOrderKey(co)))?.notified).toBe(true);

    const third = await s.invoke(alarm);
    expect(JSON.parse((third as { body: string }).body).outcomes[0].outcome).toBe('duplicate');
    expect(webhook.deliveries().filter((d) => d.outcome.changeOrderId === co)).toHaveLength(1);
  });

  it('never writes the webhook secret, the DingTalk token or secret, or the STS secret into the logs', () => {
    const logs = s.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      WEBHOOK_SECRET,
      DINGTALK.accessToken,
      DINGTALK.secret,
      STS.accessKeySecret,
      STS.securityToken,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
