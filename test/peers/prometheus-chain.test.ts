import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenLocal } from '../../emulators/http.js';
import { type AlarmServer, startAlarmServer } from '../helpers/alarm-server.js';
import { type Peer, startAlertmanager, startPrometheus, until } from '../helpers/peers.js';
import { TOPIC } from '../helpers/stack.js';

const TOKEN = 'prom-chain.0123456789abcdefghij';
const APP = 'a0000000-0000-4000-8000-00000000b222';

/** The app's metrics endpoint, as the test controls it: the 5xx ratio it reports, and who scraped. */
function exporter() {
  const state = { ratio: 0, scrapes: 0 };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    state.scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# HELP checkout_http_5xx_ratio Share of requests answered 5xx.',
        '# TYPE checkout_http_5xx_ratio gauge',
        `checkout_http_5xx_ratio{appId="${APP}"} ${state.ratio}`,
        '',
      ].join('\n'),
    );
  });
  return { state, server };
}

/**
 * The chain a user runs, no hand-written payload anywhere: Prometheus scrapes the app's exporter, an
 * alerting rule fires, Alertmanager routes it to the alarm function, the function aborts the release.
 */
describe('Prometheus → Alertmanager → alarm function → SAE', () => {
  const app = exporter();
  let target = '';
  let fn: AlarmServer;
  let am: Peer;
  let prom: Peer;
  beforeAll(async () => {
    target = `127.0.0.1:${await listenLocal(app.server, 0)}`;
    fn = await startAlarmServer({ ALARM_AUTH_TOKENS: TOKEN });
    am = await startAlertmanager({ webhookUrl: fn.url, bearerToken: TOKEN });
    prom = await startPrometheus({
      target,
      alertmanager: new URL(am.url).host,
      rules: [
        {
          alert: 'CheckoutHigh5xx',
          expr: 'checkout_http_5xx_ratio > 0.05',
          for: '0s',
          labels: { severity: 'critical' },
          annotations: { summary: '5xx ratio is {{ $value }}' },
        },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await prom?.close();
    await am?.close();
    await fn?.close();
    await closeServer(app.server);
  });

  it('a healthy release is left alone; when its 5xx ratio rises, the rule fires and the release is aborted', async () => {
    const { sae, mns } = fn.stack;
    sae.seedApp({ appId: APP, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = sae.startChangeOrder({ appId: APP, toVersion: 'v3', subStatus: 1 });

    // Healthy: Prometheus scrapes and evaluates the rule several times; nothing reaches the function.
    await until('Prometheus to scrape the exporter three times', 30_000, () =>
      app.state.scrapes >= 3 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(fn.deliveries, prom.output()).toEqual([]);
    expect(sae.getChangeOrder(co)?.status).toBe(1);

    // The release goes bad.
    app.state.ratio = 0.4;
    const delivery = await until('the alert to reach the function through Alertmanager', 45_000, () =>
      fn.deliveries.find((d) => d.status === 'firing'),
    );
    expect(delivery.userAgent, `${prom.output()}\n${am.output()}`).toMatch(/^Alertmanager\//);
    expect(delivery.alerts).toEqual([
      expect.objectContaining({ alertname: 'CheckoutHigh5xx', appId: APP, severity: 'critical', job: 'app' }),
    ]);
    expect(delivery.statusCode).toBe(200);
    await until('the abort', 10_000, () =>
      sae.callsTo('AbortAndRollbackChangeOrder').length > 0 ? true : undefined,
    );
    expect(sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
    expect(sae.getChangeOrder(co)?.status).toBe(6);
    const aborted = mns.messages(TOPIC).filter((m) => m.tag === 'aborted');
    expect(aborted).toHaveLength(1);
    expect(JSON.parse(aborted[0]?.body ?? '{}')).toMatchObject({
      outcome: 'aborted',
      changeOrderId: co,
      appId: APP,
      alarm: { name: 'CheckoutHigh5xx', state: 'firing', severity: 'critical' },
    });
  }, 90_000);
});
