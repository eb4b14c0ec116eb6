import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlarmServer, startAlarmServer } from '../helpers/alarm-server.js';
import { type Peer, startAlertmanager, until } from '../helpers/peers.js';
import { TOPIC } from '../helpers/stack.js';

const TOKEN = 'am-bearer.0123456789abcdefghij';
const APP = 'a0000000-0000-4000-8000-00000000a111';

/**
 * The real Alertmanager's own webhook notifier calling the alarm function (bearer token through
 * `http_config.authorization`): its repeated notifications of one firing alert end in exactly one
 * abort, and its `resolved` notification is ignored.
 */
describe('Alertmanager → alarm function', () => {
  let fn: AlarmServer;
  let am: Peer;
  beforeAll(async () => {
    fn = await startAlarmServer({ ALARM_AUTH_TOKENS: TOKEN });
    am = await startAlertmanager({ webhookUrl: fn.url, bearerToken: TOKEN });
  }, 60_000);
  afterAll(async () => {
    await am?.close();
    await fn?.close();
  });

  const post = async (alerts: unknown[]) => {
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status, await res.text()).toBe(200);
  };

  it('repeated notifications end in exactly one abort; the resolved one is ignored', async () => {
    const { sae, mns } = fn.stack;
    sae.seedApp({ appId: APP, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = sae.startChangeOrder({ appId: APP, toVersion: 'v3', subStatus: 1 });
    const startsAt = new Date().toISOString();
    const alert = {
      labels: { alertname: 'Checkout5xx', appId: APP, severity: 'critical' },
      annotations: { summary: 'checkout 5xx ratio above 5 %' },
      startsAt,
    };
    await post([alert]);

    const firing = () => fn.deliveries.filter((d) => d.status === 'firing');
    await until('three firing notifications from Alertmanager', 45_000, () =>
      firing().length >= 3 ? true : undefined,
    );
    expect(
      firing().every((d) => d.userAgent.startsWith('Alertmanager/')),
      am.output(),
    ).toBe(true);
    expect(firing().map((d) => d.statusCode)).toEqual(firing().map(() => 200));
    expect(firing()[0]?.alerts).toEqual([expect.objectContaining({ appId: APP, alertname: 'Checkout5xx' })]);
    expect(sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
    expect(sae.getChangeOrder(co)?.status).toBe(6);
    expect(mns.messages(TOPIC).filter((m) => m.tag === 'aborted')).toHaveLength(1);
    expect(
      firing()
        .flatMap((d) => d.answer.outcomes ?? [])
        .map((o) => o.outcome),
    ).toContain('aborted');

    // Resolve it: Alertmanager sends one `resolved` notification, which must do nothing.
    await post([{ ...alert, endsAt: new Date().toISOString() }]);
    const resolved = await until('the resolved notification', 45_000, () =>
      fn.deliveries.find((d) => d.status === 'resolved'),
    );
    expect(resolved.statusCode).toBe(200);
    expect(resolved.answer.outcomes).toEqual([]);
    expect(resolved.answer.ignored).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/resolved/) }),
    ]);
    expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
  }, 90_000);
});
