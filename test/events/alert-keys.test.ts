import { describe, expect, it } from 'vitest';
import { alertKeysEnvSchema, alertKeysFrom, DEFAULT_ALERT_KEYS } from '../../lib/events/alert-keys.js';
import { parseEvent } from '../../lib/events/index.js';
import { APP, CO, NOW } from '../helpers/event-records.js';

/** The alert keys a deployment gets from these environment variables. */
const keysFrom = (env: Record<string, string>) => alertKeysFrom(alertKeysEnvSchema.parse(env));
/** Why these environment variables are refused. */
const refusal = (env: Record<string, string>) => {
  const r = alertKeysEnvSchema.safeParse(env);
  if (r.success) throw new Error(`accepted: ${JSON.stringify(r.data)}`);
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('ALERT_APP_ID_KEYS / ALERT_CHANGE_ORDER_ID_KEYS', () => {
  it('unset, keep the common spellings', () => {
    expect(keysFrom({})).toEqual(DEFAULT_ALERT_KEYS);
  });

  it('set, replace the defaults: comma-separated, spaces and empty items dropped', () => {
    expect(
      keysFrom({ ALERT_APP_ID_KEYS: ' service_app , app ,, ', ALERT_CHANGE_ORDER_ID_KEYS: 'release' }),
    ).toEqual({ appId: ['service_app', 'app'], changeOrderId: ['release'] });
  });

  it('each is independent of the other', () => {
    expect(keysFrom({ ALERT_APP_ID_KEYS: 'service_app' })).toEqual({
      appId: ['service_app'],
      changeOrderId: DEFAULT_ALERT_KEYS.changeOrderId,
    });
    expect(keysFrom({ ALERT_CHANGE_ORDER_ID_KEYS: 'release' })).toEqual({
      appId: DEFAULT_ALERT_KEYS.appId,
      changeOrderId: ['release'],
    });
  });

  it('refuse a name that is not a label name, saying what a name may be', () => {
    expect(refusal({ ALERT_APP_ID_KEYS: 'app, 1st' })).toEqual([
      'ALERT_APP_ID_KEYS.1: each name must be a label name: letters, digits and "_", not starting with a digit',
    ]);
  });

  it('refuse a list with no names', () => {
    expect(refusal({ ALERT_CHANGE_ORDER_ID_KEYS: ' , ' })).toEqual([
      'ALERT_CHANGE_ORDER_ID_KEYS: name at least one label',
    ]);
  });

  it('refuse more than 16 names', () => {
    const many = Array.from({ length: 17 }, (_, i) => `k${i}`).join(',');
    expect(refusal({ ALERT_APP_ID_KEYS: many })).toEqual(['ALERT_APP_ID_KEYS: at most 16 names']);
  });

  it('the configured names are where an alert is looked at for its IDs', () => {
    const alertKeys = keysFrom({ ALERT_APP_ID_KEYS: 'service_app', ALERT_CHANGE_ORDER_ID_KEYS: 'release' });
    const alert = (labels: Record<string, string>, fingerprint: string) => ({
      status: 'firing',
      labels: { alertname: 'Checkout5xx', ...labels },
      startsAt: '2026-11-29T02:58:15Z',
      fingerprint,
    });
    const event = {
      version: '4',
      status: 'firing',
      alerts: [alert({ service_app: APP }, 'a1'), alert({ release: CO }, 'a2')],
    };
    const rs = parseEvent(Buffer.from(JSON.stringify(event)), NOW, { alertKeys }).records;
    expect(rs.map((r) => [r.disposition, r.appId, r.changeOrderId])).toEqual([
      ['act', APP, null],
      ['act', null, CO],
    ]);
  });
});
