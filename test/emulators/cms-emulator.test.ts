// The CMS emulator against the official openapi-client with the official SDK's RPC Params: signed with
// ACS3-HMAC-SHA256 (parameters in the query string), filtered like DescribeMetricRuleList, faults.
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type CmsEmulator, type EmulatorCredential, startCmsEmulator } from '../../emulators/cms/index.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';
import { ManualClock, systemClock } from '../../lib/clock.js';

type ClientCtor = typeof OpenApi.default;
const OpenApiClient: ClientCtor =
  (OpenApi as unknown as { default?: ClientCtor }).default ?? (OpenApi as unknown as ClientCtor);

const AK: EmulatorCredential = { accessKeyId: 'LTAI_CMS', accessKeySecret: 'cms-secret' };
const STS: EmulatorCredential = {
  accessKeyId: 'STS.CMS',
  accessKeySecret: 'sts-secret',
  securityToken: 'tok-cms',
};
const DENIED: EmulatorCredential = {
  accessKeyId: 'LTAI_NO',
  accessKeySecret: 'no',
  deniedActions: ['DescribeMetricRuleList'],
};
const APP = '0099b7be-5f5b-4512-a7fc-56049ef1b001';
const OTHER_APP = '0099b7be-5f5b-4512-a7fc-56049ef1b002';

interface Alarm {
  RuleId: string;
  AlertState: string;
  Dimensions: string;
  Namespace: string;
  Escalations: Record<string, unknown>;
}
interface Body {
  RequestId: string;
  Success: boolean;
  Code: number;
  Total: string;
  Alarms: { Alarm: Alarm[] };
}
interface SdkError extends Error {
  code?: string;
  statusCode?: number;
}

const clock = new ManualClock(Date.parse('2026-11-29T03:00:00Z'));
let emu: CmsEmulator;

async function describeRules(query: Record<string, string>, cred = AK) {
  const client = new OpenApiClient(
    new $OpenApi.Config({
      accessKeyId: cred.accessKeyId,
      accessKeySecret: cred.accessKeySecret,
      ...(cred.securityToken ? { securityToken: cred.securityToken } : {}),
      endpoint: emu.endpoint,
      protocol: 'http',
      readTimeout: 3000,
      connectTimeout: 3000,
    }),
  );
  const params = new $OpenApi.Params({
    action: 'DescribeMetricRuleList',
    version: '2019-01-01',
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const res = await client.callApi(
    params,
    new $OpenApi.OpenApiRequest({ query }),
    new $Util.RuntimeOptions({}),
  );
  return res as { statusCode: number; body: Body };
}

async function describeError(query: Record<string, string>, cred = AK) {
  try {
    await describeRules(query, cred);
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('DescribeMetricRuleList unexpectedly succeeded');
}

beforeAll(async () => {
  emu = await startCmsEmulator({ clock, signatureClock: systemClock, credentials: [AK, STS, DENIED] });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.seedRule({ ruleId: 'rule-cpu', appId: APP, metricName: 'cpu', level: 'CRITICAL' });
  emu.seedRule({ ruleId: 'rule-mem', appId: APP, metricName: 'memoryPercent', level: 'WARN' });
  emu.seedRule({ ruleId: 'rule-other', appId: OTHER_APP });
  emu.seedRule({ ruleId: 'rule-ecs', namespace: 'acs_ecs_dashboard', dimensions: { instanceId: 'i-1' } });
});

describe('DescribeMetricRuleList through openapi-client (RPC, ACS3)', () => {
  test.each([
    ['plain AccessKey', AK],
    ['STS token', STS],
  ])('returns the ALARM rules for an app dimension (%s)', async (_name, cred) => {
    emu.setAlertState('rule-cpu', 'ALARM');

    const res = await describeRules(
      {
        Namespace: 'acs_serverless',
        Dimensions: JSON.stringify({ appId: APP }),
        AlertState: 'ALARM',
        Page: '1',
        PageSize: '50',
      },
      cred,
    );

    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ Success: true, Code: 200, Total: '1' });
    expect(res.body.Alarms.Alarm).toHaveLength(1);
    expect(res.body.Alarms.Alarm[0]).toMatchObject({
      RuleId: 'rule-cpu',
      AlertState: 'ALARM',
      Namespace: 'acs_serverless',
      Dimensions: JSON.stringify([{ appId: APP }]),
      Escalations: { Critical: expect.any(Object) },
    });
    // The SDK sends POST / with the parameters in the query string and an empty body.
    expect(emu.calls.at(-1)).toMatchObject({
      action: 'DescribeMetricRuleList',
      method: 'POST',
      path: '/',
      status: 200,
      signatureValid: true,
      accessKeyId: cred.accessKeyId,
      query: { AlertState: 'ALARM', Namespace: 'acs_serverless' },
    });
  });

  test('without AlertState every rule of the app comes back, each with its own state; pages work', async () => {
    emu.setAlertState('rule-mem', 'INSUFFICIENT_DATA');
    const all = await describeRules({
      Namespace: 'acs_serverless',
      Dimensions: JSON.stringify({ appId: APP }),
    });
    const page2 = await describeRules({ Page: '2', PageSize: '3' });
    const ok = await describeRules({ AlertState: 'OK' });

    expect(all.body.Alarms.Alarm.map((a) => [a.RuleId, a.AlertState])).toEqual([
      ['rule-cpu', 'OK'],
      ['rule-mem', 'INSUFFICIENT_DATA'],
    ]);
    expect([page2.body.Total, page2.body.Alarms.Alarm.map((a) => a.RuleId)]).toEqual(['4', ['rule-ecs']]);
    expect(ok.body.Alarms.Alarm.map((a) => a.RuleId)).toEqual(['rule-cpu', 'rule-other', 'rule-ecs']);
  });

  test('disabled rules, rule IDs and names filter too', async () => {
    emu.setEnableState('rule-other', false);
    const enabled = await describeRules({ EnableState: 'true' });
    const byIds = await describeRules({ RuleIds: 'rule-ecs,rule-mem' });

    expect(enabled.body.Alarms.Alarm.map((a) => a.RuleId)).toEqual(['rule-cpu', 'rule-mem', 'rule-ecs']);
    expect(byIds.body.Alarms.Alarm.map((a) => a.RuleId)).toEqual(['rule-mem', 'rule-ecs']);
  });

  test('refuses bad parameters: unknown AlertState (there is no ALERT), Dimensions without Namespace', async () => {
    const alert = await describeError({ AlertState: 'ALERT' });
    const noNs = await describeError({ Dimensions: JSON.stringify({ appId: APP }) });
    const notJson = await describeError({ Namespace: 'acs_serverless', Dimensions: 'appId=1' });

    expect([alert.code, alert.statusCode]).toEqual(['InvalidParameter', 400]);
    expect([noNs.code, notJson.code]).toEqual(['InvalidParameter', 'InvalidParameter']);
  });

  test('a RAM-denied key gets Forbidden.RAM (403)', async () => {
    const err = await describeError({}, DENIED);
    expect([err.code, err.statusCode]).toEqual(['Forbidden.RAM', 403]);
  });
});

describe('gateway checks and faults', () => {
  const raw = (mutate?: (h: Record<string, string>) => void, version = '2019-01-01') =>
    sendSigned(emu.url, {
      method: 'POST',
      path: '/',
      action: 'DescribeMetricRuleList',
      version,
      query: { AlertState: 'ALARM' },
      ...AK,
      ...(mutate ? { mutate } : {}),
    });

  test('a tampered signature is refused with 403 SignatureDoesNotMatch; a wrong version is refused', async () => {
    const good = await raw();
    const tampered = await raw((h) => {
      h['x-acs-signature-nonce'] = 'another-nonce-than-signed';
    });
    const wrongVersion = await raw(undefined, '2018-03-08');

    expect(good.status).toBe(200);
    expect([tampered.status, JSON.parse(tampered.text).Code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(JSON.parse(tampered.text).HostId).toBe('metrics.cn-hangzhou.aliyuncs.com');
    expect(JSON.parse(wrongVersion.text).Code).toBe('InvalidVersion');
    expect(emu.calls.map((c) => c.signatureValid)).toEqual([true, false, true]);
  });

  test('form-encoded parameters are read, and covered by the payload hash', async () => {
    emu.setAlertState('rule-ecs', 'ALARM');
    const form = (sentBody?: string) =>
      sendSigned(emu.url, {
        method: 'POST',
        path: '/',
        action: 'DescribeMetricRuleList',
        version: '2019-01-01',
        ...AK,
        body: 'AlertState=ALARM&Namespace=acs_ecs_dashboard',
        contentType: 'application/x-www-form-urlencoded',
        ...(sentBody === undefined ? {} : { sentBody }),
      });

    const res = await form();
    const altered = await form('AlertState=OK&Namespace=acs_ecs_dashboard');

    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).Alarms.Alarm.map((a: Alarm) => a.RuleId)).toEqual(['rule-ecs']);
    expect(emu.calls[0]?.query).toEqual({ AlertState: 'ALARM', Namespace: 'acs_ecs_dashboard' });
    expect([altered.status, JSON.parse(altered.text).Code]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  test('faults: throttling, Success=false and an HTML 502 are served once each, in order', async () => {
    emu.injectFault({ kind: 'throttle', action: 'DescribeMetricRuleList' });
    emu.injectFault({ kind: 'success-false', code: 'InternalError', message: 'busy' });
    emu.injectFault({ kind: 'html', status: 502 });

    const throttled = await describeError({});
    const soft = await describeRules({});
    const html = await describeError({});
    const fine = await describeRules({});

    expect([throttled.code, throttled.statusCode]).toEqual(['Throttling.User', 400]);
    expect(soft.body).toMatchObject({ Success: false, Code: 'InternalError', Message: 'busy' });
    expect(html).toBeInstanceOf(SyntaxError);
    expect(fine.body.Success).toBe(true);
  });
});

describe('admin surface and clock', () => {
  test('seeds rules, flips alert state, lists calls; times come from the clock', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emu.url}/__admin/${path}`, { method: 'POST', body: JSON.stringify(body) });
    emu.reset();
    const seeded = await post('rules', { ruleId: 'r-admin', appId: APP });
    clock.advance(120_000);
    const flipped = await post('rules/r-admin/alert-state', { alertState: 'ALARM' });
    const bad = await post('rules/r-admin/alert-state', { alertState: 'ALERT' });
    const missing = await post('rules/nope/alert-state', { alertState: 'OK' });
    await describeRules({ AlertState: 'ALARM' });
    const calls = (await (await fetch(`${emu.url}/__admin/calls?action=DescribeMetricRuleList`)).json()) as {
      calls: unknown[];
    };

    expect(seeded.status).toBe(201);
    expect(await flipped.json()).toMatchObject({ alertState: 'ALARM', alertStateSince: clock.now() });
    expect([bad.status, missing.status]).toEqual([400, 404]);
    expect(calls.calls).toHaveLength(1);
    expect(emu.getRule('r-admin')).toMatchObject({
      createTime: clock.now() - 120_000,
      updateTime: clock.now(),
    });
  });
});
