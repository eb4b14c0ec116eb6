import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CmsEmulator, startCmsEmulator } from '../../emulators/cms/index.js';
import { ApiErrorKind, ApiErrorReason } from '../../lib/aliyun/errors.js';
import {
  AlertLevel,
  AlertState,
  CMS_ACTIONS,
  CmsClient,
  CmsError,
  SAE_METRIC_NAMESPACE,
} from '../../lib/cms/index.js';
import { emulatorClientOptions, STS } from '../helpers/stack.js';

const APP = '0099b7be-5f5b-4512-a7fc-56049ef1b001';
const HEALTHY = '0099b7be-5f5b-4512-a7fc-56049ef1b002';

describe('CmsClient against the CMS emulator', () => {
  let emu: CmsEmulator;
  let client: CmsClient;

  beforeAll(async () => {
    emu = await startCmsEmulator({ credentials: [STS] });
    client = new CmsClient(emulatorClientOptions(emu.endpoint));
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.reset();
    emu.seedRule({ ruleId: 'rule-cpu', ruleName: 'orders cpu', appId: APP, level: 'CRITICAL' });
    emu.seedRule({ ruleId: 'rule-mem', appId: APP, metricName: 'memoryPercent', level: 'WARN' });
    emu.seedRule({ ruleId: 'rule-healthy', appId: HEALTHY });
  });

  const fail = async (p: Promise<unknown>): Promise<CmsError> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof CmsError) return err;
      throw err;
    }
    throw new Error('expected the call to fail');
  };
  const alarming = (appId: string) =>
    client.describeMetricRuleList({
      namespace: SAE_METRIC_NAMESPACE,
      dimensions: { appId },
      alertState: AlertState.Alarm,
      page: 1,
      pageSize: 50,
    });

  it('returns the app’s ALARM rules, with parsed dimensions and levels; none for a healthy app', async () => {
    emu.setAlertState('rule-cpu', 'ALARM');
    emu.setAlertState('rule-mem', 'ALARM');

    const firing = await alarming(APP);
    const healthy = await alarming(HEALTHY);

    expect(firing.data).toMatchObject({ page: 1, pageSize: 50, total: 2 });
    expect(firing.data.rules).toEqual([
      {
        ruleId: 'rule-cpu',
        ruleName: 'orders cpu',
        namespace: 'acs_serverless',
        metricName: 'cpu',
        alertState: 'ALARM',
        enableState: true,
        dimensions: [{ appId: APP }],
        levels: [AlertLevel.Critical],
      },
      expect.objectContaining({ ruleId: 'rule-mem', levels: [AlertLevel.Warn] }),
    ]);
    expect(firing.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(healthy.data).toMatchObject({ total: 0, rules: [] });
    expect(emu.calls.map((c) => [c.action, c.method, c.accessKeyId, c.signatureValid, c.status])).toEqual([
      ['DescribeMetricRuleList', 'POST', STS.accessKeyId, true, 200],
      ['DescribeMetricRuleList', 'POST', STS.accessKeyId, true, 200],
    ]);
    expect(emu.calls[0]?.query).toEqual({
      Namespace: 'acs_serverless',
      Dimensions: JSON.stringify({ appId: APP }),
      AlertState: 'ALARM',
      Page: '1',
      PageSize: '50',
    });
  });

  it('classifies failures: throttling and 5xx retryable, RAM denial forbidden, Success=false by code', async () => {
    emu.injectFault({ kind: 'throttle' });
    emu.injectFault({ kind: 'http-error', status: 503, code: 'ServiceUnavailable', shape: 'pop' });
    emu.injectFault({ kind: 'success-false', code: '500', message: 'internal' });
    emu.injectFault({ kind: 'http-error', status: 403, code: 'Forbidden.RAM', shape: 'pop' });
    emu.injectFault({ kind: 'html', status: 502 });
    emu.injectFault({ kind: 'reset' });

    const got: CmsError[] = [];
    for (let i = 0; i < 6; i++) got.push(await fail(alarming(APP)));

    expect(got.map((e) => [e.code, e.kind, e.reason])).toEqual([
      ['Throttling.User', ApiErrorKind.Retryable, undefined],
      ['ServiceUnavailable', ApiErrorKind.Retryable, undefined],
      ['500', ApiErrorKind.Retryable, undefined],
      ['Forbidden.RAM', ApiErrorKind.Permanent, ApiErrorReason.Forbidden],
      ['NonJsonResponse', ApiErrorKind.Retryable, undefined],
      ['ECONNRESET', ApiErrorKind.Retryable, undefined],
    ]);
    expect(got[1]).toMatchObject({ httpStatus: 503, action: 'DescribeMetricRuleList' });
    expect(got[1]?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(got[2]?.httpStatus).toBe(200);
  });

  it('refuses queries CMS would refuse, before any request', async () => {
    const base = { page: 1, pageSize: 10 };
    const errors = await Promise.all([
      fail(client.describeMetricRuleList({ ...base, dimensions: { appId: APP } })),
      fail(
        client.describeMetricRuleList({
          ...base,
          namespace: 'acs_serverless',
          dimensions: { 'app&Id': APP },
        }),
      ),
      fail(client.describeMetricRuleList({ ...base, page: 0 })),
      fail(
        client.describeMetricRuleList({ ...base, ruleIds: Array.from({ length: 21 }, (_, i) => `r${i}`) }),
      ),
    ]);

    expect(errors.map((e) => [e.code, e.reason])).toEqual(
      Array.from({ length: 4 }, () => ['InvalidParameter.Local', ApiErrorReason.InvalidInput]),
    );
    expect(emu.calls).toEqual([]);
  });

  it('exports its action names for the RAM policy', () => {
    expect(CMS_ACTIONS).toEqual(['DescribeMetricRuleList']);
  });
});
