import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { type Stack, startStack, TOPIC } from '../helpers/stack.js';

type HttpAnswer = { statusCode: number; body: string };
type Body = { outcomes: Array<{ outcome: string; appId?: string }> };
const body = (r: unknown): Body => JSON.parse((r as HttpAnswer).body) as Body;

let seq = 0;
const released = (s: Stack) => {
  const appId = `0099b7be-5f5b-4512-a7fc-a1e000${String(++seq).padStart(6, '0')}`;
  s.sae.seedApp({ appId, versions: ['v1', 'v2'] });
  return { appId, co: s.sae.startChangeOrder({ appId, toVersion: 'v3' }) };
};
let fp = 0;
const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
  status: 'firing',
  labels: { alertname: 'Checkout5xx', severity: 'critical', ...labels },
  annotations,
  startsAt: new Date().toISOString(),
  fingerprint: `f${(++fp).toString(16).padStart(15, '0')}`,
});
const notification = (alerts: unknown[]) =>
  httpTriggerEvent(JSON.stringify({ version: '4', status: 'firing', receiver: 'sae-rollback', alerts }));

describe('Alertmanager / ARMS alerts through the alarm function', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ ALERT_APP_ID_KEYS: 'service_app_id,sae_app_id' });
  });
  afterAll(() => s.close());

  it('finds the app under a configured label and carries summary and description into the outcome', async () => {
    const { appId, co } = released(s);
    const res = await s.invoke(
      notification([
        alert(
          { service_app_id: appId },
          { summary: 'checkout 5xx above 5 %', description: '12 % of requests fail' },
        ),
      ]),
    );

    expect(body(res).outcomes).toMatchObject([{ outcome: 'aborted', appId }]);
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    const msg = outcomeSchema.parse(JSON.parse(s.mns.messages(TOPIC).at(-1)?.body ?? '{}'));
    expect(msg.alarm).toMatchObject({
      source: 'alertmanager',
      name: 'Checkout5xx',
      summary: 'checkout 5xx above 5 %',
      description: '12 % of requests fail',
    });
  });

  it('acts on every alert of a notification past 500 alerts: the release named at #650 is stopped too', async () => {
    const a = released(s);
    const b = released(s);
    const alerts = [
      ...Array.from({ length: 649 }, (_, i) => alert({ sae_app_id: a.appId, instance: `i-${i}` })),
      alert({ sae_app_id: b.appId }),
    ];

    const res = (await s.invoke(notification(alerts))) as HttpAnswer;

    expect(res.statusCode).toBe(200);
    expect(body(res).outcomes.map((o) => [o.outcome, o.appId])).toEqual([
      ['aborted', a.appId],
      ['aborted', b.appId],
    ]);
    expect([a.co, b.co].map((co) => s.sae.getChangeOrder(co)?.status)).toEqual([6, 6]);
  });
});

describe('ALERT_APP_ID_KEYS / ALERT_CHANGE_ORDER_ID_KEYS', () => {
  const base = {
    SAE_REGION: 'cn-hangzhou',
    MNS_ENDPOINT: 'http://127.0.0.1:1',
    ALARM_AUTH_REQUIRED: 'false',
  };
  it('default to the common spellings and take a comma-separated list', () => {
    expect(loadConfig(base).alertKeys.appId).toEqual(
      expect.arrayContaining(['appId', 'app_id', 'sae_app_id']),
    );
    expect(
      loadConfig({ ...base, ALERT_CHANGE_ORDER_ID_KEYS: 'release, co_id' }).alertKeys.changeOrderId,
    ).toEqual(['release', 'co_id']);
  });
  it('refuse a name that is not a label name, naming the variable', () => {
    expect(() => loadConfig({ ...base, ALERT_APP_ID_KEYS: 'app id' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ALERT_APP_ID_KEYS: 'app id' })).toThrow(/ALERT_APP_ID_KEYS/);
  });
});
