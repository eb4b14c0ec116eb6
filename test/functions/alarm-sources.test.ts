import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { fixture, freshFixture } from '../helpers/http-event.js';
import { type Stack, startStack, TOPIC } from '../helpers/stack.js';

type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string };
const CO = (n: number) => `ba386059-69b1-4e65-b1e5-0682d9fa${String(n).padStart(4, '0')}`;
const APP = (n: number) => `0099b7be-5f5b-4512-a7fc-56049ef1${String(n).padStart(4, '0')}`;

describe('alarm function: CloudMonitor and ARMS over the HTTP trigger', () => {
  let s: Stack;
  const published = () => s.mns.messages(TOPIC).map((m) => outcomeSchema.parse(JSON.parse(m.body)));
  const seed = (n: number, changeOrderId = CO(n)) => {
    s.sae.seedApp({ appId: APP(n), versions: ['v1', 'v2'] });
    s.sae.startChangeOrder({ appId: APP(n), changeOrderId, subStatus: 1 });
  };
  beforeAll(async () => {
    s = await startStack({ COOLDOWN_SECONDS: '0' });
    seed(1);
  });
  afterAll(() => s.close());

  it('ignores a CloudMonitor alert back to OK: 200, no SAE call, nothing published', async () => {
    s.sae.clearCalls();
    const res = (await s.invoke(fixture('cloudmonitor-form-ok.json'))) as HttpAnswer;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ outcomes: [], ignored: [{ source: 'cloudmonitor' }] });
    expect(s.sae.calls).toHaveLength(0);
    expect(s.mns.messages(TOPIC)).toHaveLength(0);
  });

  it('rolls back the app named by the appId dimension of a form-encoded CloudMonitor callback', async () => {
    const res = (await s.invoke(freshFixture('cloudmonitor-form.json'))) as HttpAnswer;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).outcomes).toMatchObject([
      { outcome: 'aborted', changeOrderId: CO(1), appId: APP(1) },
    ]);
    expect(s.sae.getChangeOrder(CO(1))?.status).toBe(6);
    expect(published().at(-1)).toMatchObject({
      outcome: 'aborted',
      alarm: { source: 'cloudmonitor', name: 'SAE 应用 5xx 比例过高', state: 'ALERT', severity: 'CRITICAL' },
    });
  });

  it('acts on every firing ARMS alert and ignores the resolved one', async () => {
    seed(5, CO(105));
    seed(6);
    const before = s.mns.messages(TOPIC).length;
    const res = (await s.invoke(freshFixture('arms-alertmanager.json'))) as HttpAnswer;
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(
      body.outcomes.map((o: { outcome: string; changeOrderId: string }) => [o.outcome, o.changeOrderId]),
    ).toEqual([
      ['aborted', CO(105)],
      ['aborted', CO(6)],
    ]);
    expect(body.ignored).toHaveLength(1);
    expect(
      published()
        .slice(before)
        .map((m) => m.alarm?.source),
    ).toEqual(['alertmanager', 'alertmanager']);
  });

  it.each([
    [
      'an HTML page',
      httpTriggerEvent('<html><body>hi</body></html>', { headers: { 'Content-Type': 'text/html' } }),
      /text that is not JSON/,
    ],
    [
      'the CloudMonitor doc sample (an ECS alert)',
      fixture('cloudmonitor-form-doc-sample-ecs.json'),
      /No change order ID or app ID/,
    ],
    [
      'an injected ID',
      httpTriggerEvent(`ChangeOrderId=${encodeURIComponent(`${CO(1)}&RegionId=cn-beijing`)}`),
      /contains "&"/,
    ],
  ])(
    'answers 400 with the reason to %s, reports it, and calls SAE not at all',
    async (_name, event, reason) => {
      s.sae.clearCalls();
      const before = s.mns.messages(TOPIC).length;
      const res = (await s.invoke(event)) as HttpAnswer;
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
      expect(JSON.parse(res.body).outcomes[0]).toMatchObject({
        outcome: 'rejected-input',
        summary: expect.stringMatching(reason),
      });
      expect(s.sae.calls).toHaveLength(0);
      expect(
        published()
          .slice(before)
          .map((m) => m.outcome),
      ).toEqual(['rejected-input']);
    },
  );

  it('answers a timer tick sent to it as a guard tick, doing nothing', async () => {
    s.sae.clearCalls();
    const res = await s.invoke(fixture('timer.json'));
    expect(res).toMatchObject({
      outcomes: [],
      guard: [{ reason: expect.stringMatching(/guard tick/) }],
      retry: false,
    });
    expect(s.sae.calls).toHaveLength(0);
  });
});
