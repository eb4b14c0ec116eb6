// The official SDK against the emulator: it must accept what openapi-client sends and answer in a
// shape the SDK turns into the same results and errors as the real service.
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type EmulatorCredential, type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';

type ClientCtor = typeof OpenApi.default;
// Node hands an ESM importer the CJS exports object (class on `.default`); vitest hands the class itself.
const OpenApiClient: ClientCtor =
  (OpenApi as unknown as { default?: ClientCtor }).default ?? (OpenApi as unknown as ClientCtor);

const AK: EmulatorCredential = { accessKeyId: 'LTAI_PLAIN', accessKeySecret: 'plain-secret' };
const STS: EmulatorCredential = {
  accessKeyId: 'STS.TEMP',
  accessKeySecret: 'sts-secret',
  securityToken: 'tok-123',
};
const RESTRICTED: EmulatorCredential = {
  accessKeyId: 'LTAI_R',
  accessKeySecret: 'r',
  allowedAppIds: ['app-x'],
};
const NO_ABORT: EmulatorCredential = {
  accessKeyId: 'LTAI_D',
  accessKeySecret: 'd',
  deniedActions: ['AbortAndRollbackChangeOrder'],
};

const APIS = {
  abort: {
    action: 'AbortAndRollbackChangeOrder',
    method: 'PUT',
    pathname: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
  },
  describe: {
    action: 'DescribeChangeOrder',
    method: 'GET',
    pathname: '/pop/v1/sam/changeorder/DescribeChangeOrder',
  },
  appStatus: {
    action: 'DescribeApplicationStatus',
    method: 'GET',
    pathname: '/pop/v1/sam/app/describeApplicationStatus',
  },
  list: { action: 'ListChangeOrders', method: 'GET', pathname: '/pop/v1/sam/changeorder/ListChangeOrders' },
} as const;
type Api = keyof typeof APIS;

interface SaeBody {
  RequestId: string;
  Success: boolean;
  Code: string;
  ErrorCode?: string;
  Message: string;
  TraceId: string;
  Data: Record<string, unknown>;
}
interface SdkError extends Error {
  code?: string;
  statusCode?: number;
  data?: Record<string, unknown>;
}

let emu: SaeEmulator;
const client = (cred: EmulatorCredential, timeoutMs = 3000) =>
  new OpenApiClient(
    new $OpenApi.Config({
      accessKeyId: cred.accessKeyId,
      accessKeySecret: cred.accessKeySecret,
      ...(cred.securityToken ? { securityToken: cred.securityToken } : {}),
      endpoint: emu.endpoint,
      protocol: 'http',
      readTimeout: timeoutMs,
      connectTimeout: timeoutMs,
    }),
  );

async function call(api: Api, query: Record<string, string>, cred = AK, timeoutMs = 3000) {
  const params = new $OpenApi.Params({
    ...APIS[api],
    version: '2019-05-06',
    protocol: 'HTTPS',
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const res = await client(cred, timeoutMs).callApi(
    params,
    new $OpenApi.OpenApiRequest({ query }),
    new $Util.RuntimeOptions({}),
  );
  return res as { statusCode: number; body: SaeBody };
}

async function callError(api: Api, query: Record<string, string>, cred = AK, timeoutMs = 3000) {
  try {
    await call(api, query, cred, timeoutMs);
  } catch (err) {
    return err as SdkError;
  }
  throw new Error(`${api} unexpectedly succeeded`);
}

beforeAll(async () => {
  emu = await startSaeEmulator({ credentials: [AK, STS, RESTRICTED, NO_ABORT] });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.seedApp({ appId: 'app-1', appName: 'orders', versions: ['v1', 'v2'] });
});

describe('openapi-client against the SAE emulator', () => {
  test.each([
    ['plain AccessKey', AK],
    ['STS token', STS],
  ])('all four APIs accept a %s; abort-and-rollback restores the previous version', async (_name, cred) => {
    const done = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v3', status: 2 });
    const coId = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v4', subStatus: 1 });

    const status = await call('appStatus', { AppId: 'app-1' }, cred);
    const described = await call('describe', { ChangeOrderId: coId }, cred);
    const listed = await call('list', { AppId: 'app-1', CurrentPage: '1', PageSize: '10' }, cred);
    const aborted = await call('abort', { ChangeOrderId: coId }, cred);
    const after = await call('appStatus', { AppId: 'app-1' }, cred);

    expect(status.statusCode).toBe(200);
    expect(status.body).toMatchObject({ Success: true, Code: '200', Message: 'success' });
    expect(status.body.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(status.body.TraceId).toMatch(/^[0-9a-f]{30}$/);
    expect(status.body.Data).toMatchObject({
      AppId: 'app-1',
      CurrentStatus: 'RUNNING',
      LastChangeOrderId: coId,
      LastChangeOrderRunning: true,
      LastChangeOrderStatus: 'RUNNING',
      SubStatus: 'RUNNING_BUT_HAS_ERROR',
    });
    expect(described.body.Data).toMatchObject({
      ChangeOrderId: coId,
      AppName: 'orders',
      Status: 1,
      SubStatus: 1,
    });
    expect(described.body.Data.CreateTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(listed.body.Data).toMatchObject({ CurrentPage: 1, PageSize: 10, TotalSize: 2 });
    const ids = (listed.body.Data.ChangeOrderList as Array<{ ChangeOrderId: string }>).map(
      (c) => c.ChangeOrderId,
    );
    expect(ids).toEqual([coId, done]);
    expect(aborted.body).toMatchObject({ Success: true, Data: { ChangeOrderId: coId } });
    expect(after.body.Data).toMatchObject({ LastChangeOrderRunning: false, LastChangeOrderStatus: 'ABORT' });
    expect(emu.getChangeOrder(coId)).toMatchObject({ status: 6, subStatus: 0 });
    expect(emu.getChangeOrder(coId)?.finishTime).toBeTypeOf('number');
    expect(emu.getApp('app-1')?.currentVersion).toBe('v3');
    expect(emu.calls.map((c) => [c.action, c.status, c.signatureValid, c.accessKeyId])).toEqual([
      ['DescribeApplicationStatus', 200, true, cred.accessKeyId],
      ['DescribeChangeOrder', 200, true, cred.accessKeyId],
      ['ListChangeOrders', 200, true, cred.accessKeyId],
      ['AbortAndRollbackChangeOrder', 200, true, cred.accessKeyId],
      ['DescribeApplicationStatus', 200, true, cred.accessKeyId],
    ]);
  });

  test("IDs with . : _ - and query values with spaces and !'()*~+ are signed and verified alike", async () => {
    const coId = emu.startChangeOrder({ appId: 'app-1', changeOrderId: 'co:2026.11_29-a' });

    const described = await call('describe', { ChangeOrderId: coId });
    const listed = await call('list', { AppId: 'app-1', Key: "a b!'()*~+%/é" });

    expect(described.body.Data.ChangeOrderId).toBe(coId);
    expect(listed.body.Data.TotalSize).toBe(1);
    expect(emu.calls.at(-1)?.query.Key).toBe("a b!'()*~+%/é");
  });

  test('ListChangeOrders filters by CoStatus and pages', async () => {
    const first = emu.startChangeOrder({ appId: 'app-1', status: 2 });
    emu.startChangeOrder({ appId: 'app-1', status: 3 });
    const third = emu.startChangeOrder({ appId: 'app-1', status: 2 });

    const succeeded = await call('list', { AppId: 'app-1', CoStatus: '2' });
    const page2 = await call('list', { AppId: 'app-1', PageSize: '2', CurrentPage: '2' });

    const ids = (r: typeof succeeded) =>
      (r.body.Data.ChangeOrderList as Array<{ ChangeOrderId: string }>).map((c) => c.ChangeOrderId);
    expect(ids(succeeded)).toEqual([third, first]);
    expect(succeeded.body.Data.TotalSize).toBe(2);
    expect(ids(page2)).toEqual([first]);
    expect(page2.body.Data.TotalSize).toBe(3);
  });
});

describe('documented SAE errors, as openapi-client surfaces them', () => {
  const cases: Array<[string, () => Promise<SdkError>, number, string, RegExp]> = [
    [
      'unknown change order',
      () => callError('describe', { ChangeOrderId: 'nope' }),
      400,
      'InvalidChangeOrder.NotFound',
      /does not exist/,
    ],
    [
      'missing ChangeOrderId',
      () => callError('abort', {}),
      400,
      'InvalidParameter.NotEmpty',
      /You must specify the parameter ChangeOrderId\./,
    ],
    [
      'malformed ChangeOrderId',
      () => callError('abort', { ChangeOrderId: 'a b/c' }),
      400,
      'InvalidParameter.Obviously',
      /ChangeOrderId/,
    ],
    ['missing AppId', () => callError('list', {}), 400, 'InvalidParameter.NotEmpty', /parameter AppId\./],
    [
      'unknown app',
      () => callError('appStatus', { AppId: 'app-missing' }),
      404,
      'InvalidAppId.NotFound',
      /AppId does not exist/,
    ],
  ];
  test.each(cases)('%s', async (_name, act, status, code, message) => {
    const err = await act();

    // The documented shape: Code is the HTTP status (so openapi-client's `code` is "400"), ErrorCode the code.
    expect(err.code).toBe(String(status));
    expect(err.statusCode).toBe(status);
    expect(err.message).toMatch(message);
    const last = emu.calls.at(-1);
    expect(err.data?.RequestId).toBe(last?.requestId);
    expect(err.data).toMatchObject({ Success: false, Code: String(status), ErrorCode: code });
    expect(last).toMatchObject({ status, code, signatureValid: true });
  });

  test('aborting a finished change order: Application.ChangerOrder.Not.Running, nothing changes', async () => {
    const coId = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v3' });
    emu.setChangeOrderStatus(coId, 2);

    const err = await callError('abort', { ChangeOrderId: coId });

    expect(err).toMatchObject({
      code: '400',
      statusCode: 400,
      data: { ErrorCode: 'Application.ChangerOrder.Not.Running' },
    });
    expect(err.message).toMatch(/not running and cannot be terminated/);
    expect(emu.getChangeOrder(coId)?.status).toBe(2);
    expect(emu.getApp('app-1')?.currentVersion).toBe('v3');
  });

  test('a key limited to other apps gets Resouce.no.permission and changes nothing', async () => {
    const coId = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v3' });

    const abort = await callError('abort', { ChangeOrderId: coId }, RESTRICTED);
    const status = await callError('appStatus', { AppId: 'app-1' }, RESTRICTED);

    expect(abort).toMatchObject({
      code: '400',
      statusCode: 400,
      data: { ErrorCode: 'Resouce.no.permission' },
    });
    expect(status).toMatchObject({
      code: '400',
      statusCode: 400,
      data: { ErrorCode: 'Resouce.no.permission' },
    });
    expect(emu.getChangeOrder(coId)?.status).toBe(1);
  });

  test('a denied action gets 403 AccessDenied; other actions still work', async () => {
    const coId = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v3' });

    const err = await callError('abort', { ChangeOrderId: coId }, NO_ABORT);
    const described = await call('describe', { ChangeOrderId: coId }, NO_ABORT);

    expect(err).toMatchObject({ code: '403', statusCode: 403, data: { ErrorCode: 'AccessDenied' } });
    expect(err.data?.Message).toMatch(/^AccessDenied: .*sae:AbortAndRollbackChangeOrder/);
    expect(described.body.Data.Status).toBe(1);
    expect(emu.getChangeOrder(coId)?.status).toBe(1);
  });
});

describe('the legacy error shape (Code == ErrorCode), on request', () => {
  test('puts the error code in Code too; success and gateway bodies are unchanged', async () => {
    emu.setErrorShape('legacy');
    try {
      const err = await callError('describe', { ChangeOrderId: 'nope' });
      expect(err).toMatchObject({ code: 'InvalidChangeOrder.NotFound', statusCode: 400 });
      expect(err.data).toMatchObject({
        Code: 'InvalidChangeOrder.NotFound',
        ErrorCode: 'InvalidChangeOrder.NotFound',
      });
      expect((await call('appStatus', { AppId: 'app-1' })).body).toMatchObject({
        Code: '200',
        Success: true,
      });
    } finally {
      emu.setErrorShape('documented');
    }
  });
});

describe('faults, as openapi-client sees them', () => {
  test('throttle answers the gateway body `times` times, then stops; other actions unaffected', async () => {
    const coId = emu.startChangeOrder({ appId: 'app-1' });
    emu.injectFault({ kind: 'throttle', action: 'AbortAndRollbackChangeOrder', times: 2 });

    const describe = await call('describe', { ChangeOrderId: coId });
    const first = await callError('abort', { ChangeOrderId: coId });
    const second = await callError('abort', { ChangeOrderId: coId });
    const third = await call('abort', { ChangeOrderId: coId });

    expect(describe.statusCode).toBe(200);
    for (const err of [first, second]) {
      expect(err).toMatchObject({ code: 'Throttling.User', statusCode: 400 });
      expect(Object.keys(err.data ?? {}).sort()).toEqual([
        'Code',
        'HostId',
        'Message',
        'Recommend',
        'RequestId',
        'statusCode',
      ]);
      expect(err.data).toMatchObject({
        Message: 'Request was denied due to user flow control.',
        Recommend: 'https://next.api.aliyun.com/troubleshoot?q=Throttling.User&product=sae',
        HostId: 'sae.cn-hangzhou.aliyuncs.com',
      });
    }
    expect(third.body.Success).toBe(true);
    expect(emu.callsTo('AbortAndRollbackChangeOrder').map((c) => c.status)).toEqual([400, 400, 200]);
  });

  test('html 502 reaches the SDK as a JSON parse error without a code', async () => {
    emu.injectFault({ kind: 'html' });

    const err = await callError('appStatus', { AppId: 'app-1' });

    expect(err.name).toBe('SyntaxError');
    expect(err.code).toBeUndefined();
    expect(emu.calls.at(-1)).toMatchObject({ status: 502, signatureValid: true });
  });

  test('reset drops the connection before SAE acts', async () => {
    const coId = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v3' });
    emu.injectFault({ kind: 'reset', action: 'AbortAndRollbackChangeOrder' });

    const err = await callError('abort', { ChangeOrderId: coId });

    expect(err.message).toMatch(/socket hang up|ECONNRESET/);
    expect(emu.getChangeOrder(coId)?.status).toBe(1);
    expect(emu.calls.at(-1)).toMatchObject({ action: 'AbortAndRollbackChangeOrder', status: 0 });
  });

  test('latency longer than the client timeout times out; the fault is used up after one call', async () => {
    emu.injectFault({ kind: 'latency', ms: 1500 });

    const err = await callError('appStatus', { AppId: 'app-1' }, AK, 300);
    const next = await call('appStatus', { AppId: 'app-1' }, AK, 300);

    expect(err.name).toBe('RequestTimeoutError');
    expect(next.statusCode).toBe(200);
  });

  test('success-false is HTTP 200 with Success false; http-error carries status and code', async () => {
    emu.injectFault({ kind: 'success-false', code: 'System.Upgrading' });
    emu.injectFault({ kind: 'http-error', status: 503, code: 'ServiceUnavailable', message: 'busy' });

    const soft = await call('appStatus', { AppId: 'app-1' });
    const hard = await callError('appStatus', { AppId: 'app-1' });

    expect(soft.statusCode).toBe(200);
    expect(soft.body).toMatchObject({
      Success: false,
      Code: '400',
      ErrorCode: 'System.Upgrading',
    });
    expect(hard).toMatchObject({ code: '503', statusCode: 503, data: { ErrorCode: 'ServiceUnavailable' } });
    expect(hard.message).toMatch(/busy/);
  });
});
