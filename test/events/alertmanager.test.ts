import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_KEYS } from '../../lib/events/alert-keys.js';
import { parseEvent } from '../../lib/events/index.js';

const T = Date.parse('2026-11-29T03:00:00Z');
const APP = '0099b7be-5f5b-4512-a7fc-56049ef1a001';
const APP_B = '0099b7be-5f5b-4512-a7fc-56049ef1b002';
const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0001';

let fp = 0;
const alert = (
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
  status = 'firing',
) => ({
  status,
  labels: { alertname: 'Checkout5xx', severity: 'critical', ...labels },
  annotations,
  startsAt: '2026-11-29T02:58:15Z',
  fingerprint: (++fp).toString(16).padStart(16, '0'),
});
const payload = (alerts: unknown[]) =>
  Buffer.from(JSON.stringify({ version: '4', status: 'firing', receiver: 'sae-rollback', alerts }));

describe('Alertmanager / ARMS alerts: where the IDs are', () => {
  it.each(['appId', 'AppId', 'app_id', 'sae_app_id', 'saeAppId'])(
    'finds the app under the common spelling %s by default',
    (key) => {
      const [r] = parseEvent(payload([alert({ [key]: APP })]), T).records;
      expect(r).toMatchObject({ disposition: 'act', appId: APP });
    },
  );

  it.each(['changeOrderId', 'change_order_id', 'sae_change_order_id'])(
    'finds the change order under %s',
    (key) => {
      const [r] = parseEvent(payload([alert({}, { [key]: CO })]), T).records;
      expect(r).toMatchObject({ disposition: 'act', changeOrderId: CO });
    },
  );

  it('uses the configured names instead, for labels and annotations alike', () => {
    const alertKeys = { appId: ['service_app'], changeOrderId: ['release'] };
    const rs = parseEvent(
      payload([alert({ service_app: APP }), alert({}, { release: CO }), alert({ appId: APP_B })]),
      T,
      { alertKeys },
    ).records;
    expect(rs.map((r) => [r.disposition, r.appId, r.changeOrderId])).toEqual([
      ['act', APP, null],
      ['act', null, CO],
      ['reject', null, null], // appId is not among the configured names
    ]);
    expect(rs[2]?.reason).toMatch(/service_app/);
  });

  it('carries the summary and description annotations into the alarm', () => {
    const [r] = parseEvent(
      payload([
        alert({ appId: APP }, { summary: 'checkout 5xx above 5 %', description: '12 % of requests fail' }),
      ]),
      T,
    ).records;
    expect(r?.alarm).toMatchObject({
      summary: 'checkout 5xx above 5 %',
      description: '12 % of requests fail',
    });
  });

  it('defaults include every spelling the README promises', () => {
    expect(DEFAULT_ALERT_KEYS.appId).toEqual(
      expect.arrayContaining(['appId', 'AppId', 'app_id', 'sae_app_id']),
    );
  });
});

describe('Alertmanager payloads larger than one batch', () => {
  it('handles every alert of a 1,200-alert notification: none dropped, one record per target', () => {
    // 1,150 alerts for one app (e.g. one per instance), then 50 for another, past the old 500 cut-off.
    const alerts = [
      ...Array.from({ length: 1150 }, (_, i) => alert({ appId: APP, instance: `10.0.${i >> 8}.${i & 255}` })),
      ...Array.from({ length: 50 }, () => alert({ appId: APP_B })),
    ];
    const { records } = parseEvent(payload(alerts), T);
    expect(records.filter((r) => r.disposition === 'reject')).toEqual([]);
    expect(records.filter((r) => r.disposition === 'act').map((r) => r.appId)).toEqual([APP, APP_B]);
    expect(records[0]?.reason).toMatch(/1149 more alerts/);
  });

  it('keeps distinct targets apart, however many there are', () => {
    const ids = Array.from(
      { length: 700 },
      (_, i) => `0099b7be-5f5b-4512-a7fc-${String(i).padStart(12, '0')}`,
    );
    const { records } = parseEvent(payload(ids.map((appId) => alert({ appId }))), T);
    expect(records.map((r) => r.appId)).toEqual(ids);
    expect(records.every((r) => r.disposition === 'act')).toBe(true);
  });
});
