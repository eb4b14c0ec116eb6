import { describe, expect, it } from 'vitest';
import type { NormalizedRequest } from '../../lib/events/index.js';
import { APP, APP2, CO, only, parse } from '../helpers/parse.js';

const STARTS = '2026-11-29T02:58:15.578Z';
const HINT =
  'Add an appId (or changeOrderId) label or annotation to the ARMS / Prometheus alert rule (names read: appId, AppId, app_id, appid, sae_app_id, saeAppId, sae_appid, changeOrderId, ChangeOrderId, change_order_id, sae_change_order_id, saeChangeOrderId; see ALERT_APP_ID_KEYS).';

/** An Alertmanager webhook v4 notification (what ARMS sends with the $alertmanager_content body). */
function webhook(alerts: unknown[], group: Record<string, unknown> = {}) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    status: 'firing',
    receiver: 'sae-rollback',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
    ...group,
  };
}
const alert = (labels: Record<string, unknown> | undefined, more: Record<string, unknown> = {}) => ({
  status: 'firing',
  ...(labels ? { labels } : {}),
  annotations: {},
  startsAt: STARTS,
  fingerprint: 'bec72890cc2c7b4a',
  ...more,
});
const records = (v: object): NormalizedRequest[] => parse(v).records;

describe('Alertmanager: what counts as a webhook', () => {
  it('an object merely carrying "status" or a non-array "alerts" is still a direct request', () => {
    expect(only({ appId: APP, status: 'deploying' })).toMatchObject({ source: 'direct', disposition: 'act' });
    expect(only({ appId: APP, alerts: 'email' })).toMatchObject({ source: 'direct', disposition: 'act' });
  });

  it('a body with commonAnnotations but no status is still a webhook', () => {
    expect(only({ commonAnnotations: {}, alerts: null })).toMatchObject({
      source: 'alertmanager',
      disposition: 'reject',
    });
  });

  it('a webhook without an alerts array is refused, saying which body to configure', () => {
    expect(only({ status: 'firing', alerts: null })).toMatchObject({
      source: 'alertmanager',
      disposition: 'reject',
      reason:
        'The Alertmanager webhook in the event has no alerts array; use the $alertmanager_content body in the ARMS webhook.',
    });
    expect(only(webhook([])).reason).toBe(
      'The Alertmanager webhook in the event has an empty alerts array; use the $alertmanager_content body in the ARMS webhook.',
    );
  });
});

describe('Alertmanager: each alert', () => {
  it('says which alert is not an object, and still reads the others', () => {
    const [bad, good] = records(webhook([null, alert({ alertname: 'HighErrorRate', appId: APP })]));
    expect(bad).toMatchObject({
      disposition: 'reject',
      path: '.alerts[0]',
      reason: 'The alert at .alerts[0] is not an object.',
    });
    expect(good).toMatchObject({ disposition: 'act', appId: APP, path: '.alerts[1]' });
  });

  it('acts on a firing alert, saying why in words', () => {
    const r = only(webhook([alert({ alertname: 'HighErrorRate', appId: APP })]));
    expect(r).toMatchObject({ disposition: 'act', appId: APP, changeOrderId: null });
    expect(r.reason).toBe(
      `Alert "HighErrorRate" is firing and names app ${APP}; its running change order will be looked up.`,
    );
  });

  it('acts on an alert without labels when an annotation names the target', () => {
    const r = only(webhook([alert(undefined, { annotations: { changeOrderId: CO } })]));
    expect(r).toMatchObject({ disposition: 'act', changeOrderId: CO });
    expect(r.reason).toBe(`Alert "?" is firing and names change order ${CO}.`);
  });

  it('ignores a resolved alert, saying so', () => {
    const r = only(webhook([alert({ alertname: 'HighErrorRate', appId: APP }, { status: 'resolved' })]));
    expect(r).toMatchObject({ disposition: 'ignore', appId: APP });
    expect(r.reason).toBe('Alert "HighErrorRate" is resolved: nothing to roll back.');
    expect(only(webhook([alert({ appId: APP }, { status: 'resolved' })])).reason).toBe(
      'Alert "?" is resolved: nothing to roll back.',
    );
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['pending', 'pending', '"pending"'],
  ])('refuses an alert whose status is %s', (_what, status, said) => {
    const a = { ...alert({ alertname: 'HighErrorRate', appId: APP }), status };
    const r = only(webhook([a], { status: undefined }));
    expect(r).toMatchObject({ disposition: 'reject', changeOrderId: null, appId: null });
    expect(r.reason).toBe(`Alert at .alerts[0] has status ${said}; expected firing or resolved.`);
  });

  it('takes the group status when the alert has none', () => {
    const a = { ...alert({ appId: APP }), status: undefined };
    expect(only(webhook([a], { status: 'RESOLVED' })).disposition).toBe('ignore');
  });

  it('refuses a firing alert with no target, naming the alert and the label names it read', () => {
    expect(only(webhook([alert({ alertname: 'HighErrorRate' })])).reason).toBe(
      `No change order ID or app ID in alert at .alerts[0]. ${HINT}`,
    );
  });

  it('names the place of a bad ID: labels, annotations, commonLabels or commonAnnotations', () => {
    expect(only(webhook([alert({ appId: 'bad id' })])).reason).toMatch(
      /^labels\.appId: the app ID is not valid:/,
    );
    expect(only(webhook([alert({}, { annotations: { appId: 'bad id' } })])).reason).toMatch(
      /^annotations\.appId: the app ID is not valid:/,
    );
    expect(only(webhook([alert({})], { commonLabels: { appId: 'bad id' } })).reason).toMatch(
      /^commonLabels\.appId: the app ID is not valid:/,
    );
    expect(only(webhook([alert({})], { commonAnnotations: { appId: 'bad id' } })).reason).toMatch(
      /^commonAnnotations\.appId: the app ID is not valid:/,
    );
  });

  it('finds the target in commonLabels and in commonAnnotations', () => {
    expect(only(webhook([alert({})], { commonLabels: { appId: APP } }))).toMatchObject({ appId: APP });
    expect(only(webhook([alert({})], { commonAnnotations: { changeOrderId: CO } }))).toMatchObject({
      changeOrderId: CO,
    });
  });

  it('says the default names when a deployment configured none', () => {
    const r = only(webhook([alert({})]), { alertKeys: { appId: [], changeOrderId: [] } });
    expect(r.reason).toContain('Add an appId (or changeOrderId) label or annotation');
  });
});

describe('Alertmanager: the alarm a record carries', () => {
  it('takes the value from `value`, else ARMS now-value, else ARMS value', () => {
    const value = (annotations: Record<string, string>) =>
      only(webhook([alert({ appId: APP }, { annotations })])).alarm.value;
    expect(
      value({ value: '1.5', _aliyun_arms_alert_now_value: '2.5', _aliyun_arms_alert_value: '3.5' }),
    ).toBe('1.5');
    expect(value({ _aliyun_arms_alert_now_value: '2.5', _aliyun_arms_alert_value: '3.5' })).toBe('2.5');
    expect(value({ _aliyun_arms_alert_value: '3.5' })).toBe('3.5');
  });

  it('takes severity, ARMS level and rule ID from the labels', () => {
    const labels = {
      appId: APP,
      alertname: 'HighErrorRate',
      _aliyun_arms_alert_level: 'P1',
      _aliyun_arms_alert_rule_id: '42',
    };
    expect(only(webhook([alert(labels)])).alarm).toMatchObject({
      severity: 'P1',
      ruleId: '42',
      name: 'HighErrorRate',
    });
  });
});

describe('Alertmanager: dedupe keys', () => {
  it('keys an alert by fingerprint and start, or by fingerprint alone', () => {
    expect(only(webhook([alert({ appId: APP })])).dedupeKey).toBe(`alert:bec72890cc2c7b4a@${STARTS}`);
    expect(only(webhook([alert({ appId: APP }, { startsAt: undefined })])).dedupeKey).toBe(
      'alert:bec72890cc2c7b4a@',
    );
  });

  it('without a fingerprint, keys by labels and start: a re-fire is a new key, a redelivery the same', () => {
    const key = (startsAt: string) =>
      only(webhook([alert({ appId: APP }, { fingerprint: undefined, startsAt })])).dedupeKey;
    expect(key(STARTS)).toBe(key(STARTS));
    expect(key(STARTS)).not.toBe(key('2026-11-29T04:00:00.000Z'));
  });
});

describe('Alertmanager: alerts naming one target fold into one decision', () => {
  it('does not fold alerts that are not acted on', () => {
    const resolved = alert({ alertname: 'HighErrorRate', appId: APP }, { status: 'resolved' });
    expect(records(webhook([resolved, resolved])).map((r) => r.disposition)).toEqual(['ignore', 'ignore']);
    const noTarget = alert({ alertname: 'HighErrorRate' });
    expect(records(webhook([noTarget, noTarget])).map((r) => r.disposition)).toEqual(['reject', 'reject']);
  });

  it('says how many alerts one decision covers, and says nothing for a single alert', () => {
    const a = alert({ alertname: 'HighErrorRate', appId: APP });
    const [one, other] = records(webhook([a, a, a, alert({ alertname: 'HighErrorRate', appId: APP2 })]));
    expect(one?.reason).toBe(
      `Alert "HighErrorRate" is firing and names app ${APP}; its running change order will be looked up. 2 more alerts of this notification name the same target; this decision covers them.`,
    );
    expect(other?.reason).toBe(
      `Alert "HighErrorRate" is firing and names app ${APP2}; its running change order will be looked up.`,
    );
  });
});
