import { describe, expect, it } from 'vitest';
import { lastedMs } from '../../lib/events/cloudmonitor.js';
import { APP, CO, only } from '../helpers/event-records.js';

/** A CloudMonitor threshold-alert callback (reference §4a) on an SAE app metric, sent as JSON. */
const ALERT = {
  alertName: 'SAE 5xx',
  alertState: 'ALERT',
  curValue: '7.52',
  metricName: 'http_status_5xx_ratio',
  namespace: 'acs_serverless',
  ruleId: 'rule-1',
  triggerLevel: 'CRITICAL',
  dimensions: `{appId=${APP}, userId=12****}`,
  timestamp: '1795921195',
};
const SENT = '2026-11-29T02:59:55.000Z';
const callback = (fields: Record<string, unknown>) => only({ ...ALERT, ...fields });
/** The same callback as CloudMonitor sends it today: a form body (values are strings). */
const form = (fields: Record<string, string>) =>
  only(new URLSearchParams({ ...ALERT, ...fields }).toString());
/** A callback whose only way to name the app is its dimensions (undefined fields are left out). */
const withDims = (dimensions: unknown, extra: Record<string, unknown> = {}) =>
  callback({ dimensions, ...extra });

describe('what is a CloudMonitor callback', () => {
  it.each([['ruleId'], ['metricName'], ['curValue']])(
    'alertName with %s (no alertState) is one, rejected for its missing alertState',
    (field) => {
      const r = only({ alertName: 'SAE 5xx', [field]: 'x', appId: APP });
      expect(r).toMatchObject({ source: 'cloudmonitor', disposition: 'reject', changeOrderId: null });
      expect(r.reason).toBe(
        'CloudMonitor alert in the event has alertState missing; expected ALERT (or ALARM), OK or INSUFFICIENT_DATA.',
      );
    },
  );

  it('alertName alone, or the metric fields without alertName, are not', () => {
    expect(only({ alertName: 'SAE 5xx' }).source).toBe('unknown');
    expect(only({ ruleId: 'r', metricName: 'm', curValue: '1' }).source).toBe('unknown');
  });

  it('an unknown alertState is rejected, quoted', () => {
    expect(callback({ alertState: 'PENDING' }).reason).toMatch(
      /^CloudMonitor alert in the event has alertState "PENDING"; expected ALERT/,
    );
  });
});

describe('the alarm a CloudMonitor callback describes', () => {
  it('an ALERT on an SAE app acts on the app, with the alarm as CloudMonitor sent it', () => {
    const r = form({});
    expect(r).toMatchObject({ source: 'cloudmonitor', disposition: 'act', appId: APP, changeOrderId: null });
    expect(r.reason).toBe(
      `CloudMonitor alert "SAE 5xx" is ALERT and names app ${APP}; its running change order will be looked up.`,
    );
    expect(r.alarm).toEqual({
      source: 'cloudmonitor',
      name: 'SAE 5xx',
      state: 'ALERT',
      value: '7.52',
      metric: 'acs_serverless/http_status_5xx_ratio',
      ruleId: 'rule-1',
      severity: 'CRITICAL',
      firedAt: SENT,
    });
  });

  it('an unnamed alert is called "?" in the reason', () => {
    expect(callback({ alertName: undefined }).reason).toMatch(
      /^CloudMonitor alert "\?" is ALERT and names app/,
    );
    expect(only({ alertState: 'OK' }).reason).toBe('CloudMonitor alert "?" is OK: nothing to roll back.');
  });

  it('OK is ignored, naming the alert', () => {
    const r = form({ alertState: 'OK' });
    expect(r).toMatchObject({ disposition: 'ignore', appId: APP });
    expect(r.reason).toBe('CloudMonitor alert "SAE 5xx" is OK: nothing to roll back.');
  });

  it('the metric is namespace/metric, from metricProject when there is no namespace', () => {
    expect(callback({ namespace: undefined, metricProject: 'acs_serverless' }).alarm.metric).toBe(
      'acs_serverless/http_status_5xx_ratio',
    );
    expect(callback({ namespace: undefined }).alarm.metric).toBe('http_status_5xx_ratio');
    expect(callback({ metricName: undefined }).alarm).not.toHaveProperty('metric');
  });

  it('an alert that names no app says where and how to add one', () => {
    const r = callback({ dimensions: '{userId=12****, instanceId=i-1}' });
    expect(r).toMatchObject({ source: 'cloudmonitor', disposition: 'reject' });
    expect(r.reason).toBe(
      'No change order ID or app ID in the CloudMonitor alert in the event. Alert on an SAE application metric (namespace acs_serverless), whose dimensions include appId, or add appId to the callback.',
    );
  });

  it('takes the IDs from the callback itself when the dimensions have none', () => {
    expect(withDims(undefined, { appId: APP })).toMatchObject({ disposition: 'act', appId: APP });
    expect(withDims(undefined, { appId: 12345 }).reason).toMatch(/^appId must be a string, not number \(/);
  });

  it('names a bad ID in the dimensions as dimensions.<key>', () => {
    expect(withDims('{"appId": 12345}').reason).toMatch(/^dimensions\.appId must be a string, not number \(/);
  });
});

describe('when the alarm fired (firedAt)', () => {
  const firedAt = (timestamp: unknown, lastTime?: string) =>
    callback({ timestamp, ...(lastTime === undefined ? {} : { lastTime }) }).alarm.firedAt;

  it('reads seconds and milliseconds, as text or as a JSON number, trimmed', () => {
    expect(firedAt('1795921195')).toBe(SENT);
    expect(firedAt('1795921195000')).toBe(SENT);
    expect(firedAt(1795921195)).toBe(SENT);
    expect(firedAt(' 1795921195 ')).toBe(SENT);
  });

  it('takes 1e11 and above as milliseconds', () => {
    expect(firedAt(100_000_000_000)).toBe('1973-03-03T09:46:40.000Z');
  });

  it.each([
    ['zero', 0],
    ['a negative number', -5],
    ['null', null],
    ['a signed number', '+1795921195'],
    ['a fraction', '1795921195.5'],
    ['hex', '0x1234567890'],
    ['too many digits', '17959211950000000000'],
    ['beyond the last date JavaScript can show', '8640000000000000'],
  ])('dates nothing from %s, and still acts', (_what, timestamp) => {
    const r = callback({ timestamp });
    expect(r).toMatchObject({ disposition: 'act', appId: APP });
    expect(r.alarm).not.toHaveProperty('firedAt');
  });

  it('goes back by lastTime, how long the alert has lasted when the callback was sent', () => {
    expect(firedAt('1795921195', '27分钟')).toBe('2026-11-29T02:32:55.000Z');
    expect(firedAt('1795921195', '2天16小时27分钟')).toBe('2026-11-26T10:32:55.000Z');
  });

  it('ignores a lastTime it cannot read whole', () => {
    for (const lastTime of ['null', '', 'about 5 min', '5 weeks', '27'])
      expect(firedAt('1795921195', lastTime)).toBe(SENT);
  });
});

describe('lastedMs: CloudMonitor lastTime', () => {
  it.each([
    ['27分钟', 27 * 60_000],
    ['2天16小时27分钟', 2 * 86_400_000 + 16 * 3_600_000 + 27 * 60_000],
    ['30秒', 30_000],
    ['3 min', 180_000],
    ['  3 Min ', 180_000],
    ['1h 5m', 3_900_000],
    ['1.25h', 4_500_000],
    ['1 day 2 hours', 93_600_000],
  ])('%j is %i ms', (text, ms) => {
    expect(lastedMs(text)).toBe(ms);
  });

  it.each([['null'], [''], ['27'], ['5 weeks'], ['about 5 min'], ['5 min ago'], [27]])(
    '%j is unknown',
    (text) => {
      expect(lastedMs(text)).toBeUndefined();
    },
  );
});

describe('the dedupe key: one per alert notification', () => {
  it('is the transId, else ruleId@timestamp (ms), else the content', () => {
    expect(callback({ transId: 'T-1' }).dedupeKey).toBe('cms:T-1');
    expect(callback({}).dedupeKey).toBe('cms:rule-1@1795921195000');
    expect(callback({ ruleId: undefined }).dedupeKey).toMatch(/^cloudmonitor:sha256:[0-9a-f]{32}$/);
    expect(callback({ timestamp: undefined }).dedupeKey).toMatch(/^cloudmonitor:sha256:[0-9a-f]{32}$/);
  });
});

describe('dimensions, in every shape CloudMonitor sends', () => {
  it.each([
    ['a Java map', `{appId=${APP}, userId=12****}`],
    ['a Java map, app not first', `{userId=12****, appId=${APP}}`],
    ['a Java map with spaces', `{ appId = ${APP} }`],
    ['a Java map with a JSON value', `{appId=${APP}, tags={"env":"prod"}}`],
    ['padded text', `  {appId=${APP}}  `],
    ['JSON', `{"appId":"${APP}"}`],
    ['JSON with spaces', `{ "appId": "${APP}" }`],
    ['a JSON array', `[{"userId":"12"},{"appId":"${APP}"}]`],
    ['a JSON array with spaces', `[ {"appId":"${APP}"} ]`],
    ['an object', { appId: APP }],
    ['an array', [{ userId: '12' }, { appId: APP }]],
  ])('as %s', (_what, dims) => {
    expect(withDims(dims)).toMatchObject({ disposition: 'act', appId: APP });
  });

  it.each([['null'], [''], [12345]])('%j is no dimensions (not an error)', (dims) => {
    expect(withDims(dims).reason).toMatch(/^No change order ID or app ID in the CloudMonitor alert/);
  });

  it.each([
    ['no braces', `appId=${APP}`],
    ['no opening brace', `x=1, appId=${APP}}`],
    ['no closing brace', `{appId=${APP}`],
  ])('with %s are unreadable, and the rejection says so', (_what, dims) => {
    expect(withDims(dims).reason).toMatch(
      /^dimensions is neither \{k=v, …\} nor JSON \(in the CloudMonitor alert/,
    );
  });

  it('broken JSON is named as such', () => {
    expect(withDims(`{"appId": "${APP}`).reason).toMatch(/^dimensions is not valid JSON \(/);
  });

  it('unreadable dimensions do not matter when the callback names the target itself', () => {
    expect(withDims('garbage', { appId: APP })).toMatchObject({ disposition: 'act', appId: APP });
    expect(withDims('garbage', { ChangeOrderId: CO })).toMatchObject({
      disposition: 'act',
      changeOrderId: CO,
    });
  });
});
