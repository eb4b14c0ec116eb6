// ListApplications, ListAppVersions and RollbackApplication through the official openapi-client, with
// the Params of the official SDK: the emulator must accept what the SDK sends and answer like SAE.
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type EmulatorCredential, type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';
import { ManualClock, systemClock } from '../../lib/clock.js';

type ClientCtor = typeof OpenApi.default;
const OpenApiClient: ClientCtor =
  (OpenApi as unknown as { default?: ClientCtor }).default ?? (OpenApi as unknown as ClientCtor);

const AK: EmulatorCredential = { accessKeyId: 'LTAI_APPS', accessKeySecret: 'apps-secret' };
const RESTRICTED: EmulatorCredential = {
  accessKeyId: 'LTAI_R',
  accessKeySecret: 'r',
  allowedAppIds: ['app-a1'],
};
const NO_ROLLBACK: EmulatorCredential = {
  accessKeyId: 'LTAI_NR',
  accessKeySecret: 'nr',
  deniedActions: ['RollbackApplication'],
};

const APIS = {
  apps: { action: 'ListApplications', method: 'GET', pathname: '/pop/v1/sam/app/listApplications' },
  versions: { action: 'ListAppVersions', method: 'GET', pathname: '/pop/v1/sam/app/listAppVersions' },
  rollback: { action: 'RollbackApplication', method: 'PUT', pathname: '/pop/v1/sam/app/rollbackApplication' },
} as const;

interface Body<D> {
  RequestId: string;
  Success: boolean;
  Code: string;
  ErrorCode?: string;
  Message: string;
  Data: D;
}
type Item = Record<string, unknown>;
interface DataOf {
  apps: {
    CurrentPage: number;
    PageSize: number;
    TotalSize: number;
    Applications: Array<Item & { AppId: string }>;
  };
  versions: Array<Item & { Id: string; CreateTime: string }>;
  rollback: { ChangeOrderId: string };
}
interface SdkError extends Error {
  code?: string;
  statusCode?: number;
  data?: { ErrorCode?: string };
}

/** The error code: in the documented shape `code` is the HTTP status and the code is in ErrorCode. */
const codeOf = (err: SdkError) => (/^\d+$/.test(err.code ?? '') ? err.data?.ErrorCode : err.code);

const clock = new ManualClock(Date.parse('2026-11-29T03:00:00Z'));
let emu: SaeEmulator;

async function call<A extends keyof typeof APIS>(api: A, query: Record<string, string>, cred = AK) {
  const client = new OpenApiClient(
    new $OpenApi.Config({
      accessKeyId: cred.accessKeyId,
      accessKeySecret: cred.accessKeySecret,
      endpoint: emu.endpoint,
      protocol: 'http',
      readTimeout: 3000,
      connectTimeout: 3000,
    }),
  );
  const params = new $OpenApi.Params({
    ...APIS[api],
    version: '2019-05-06',
    protocol: 'HTTPS',
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const res = await client.callApi(
    params,
    new $OpenApi.OpenApiRequest({ query }),
    new $Util.RuntimeOptions({}),
  );
  return res as { statusCode: number; body: Body<DataOf[A]> };
}

async function callError(api: keyof typeof APIS, query: Record<string, string>, cred = AK) {
  try {
    await call(api, query, cred);
  } catch (err) {
    return err as SdkError;
  }
  throw new Error(`${api} unexpectedly succeeded`);
}

beforeAll(async () => {
  emu = await startSaeEmulator({
    clock,
    signatureClock: systemClock,
    credentials: [AK, RESTRICTED, NO_ROLLBACK],
    regionId: 'cn-shanghai',
  });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.setRollbackCompletion('immediate');
  emu.seedApp({
    appId: 'app-a1',
    appName: 'orders',
    namespaceId: 'cn-shanghai:prod',
    versions: ['v1', 'v2', 'v3'],
    versionIds: ['ver-0001-aaaa', 'ver-0002-bbbb', 'ver-0003-cccc'],
  });
  emu.seedApp({ appId: 'app-a2', appName: 'billing', namespaceId: 'cn-shanghai:prod' });
  emu.seedApp({ appId: 'app-b1', appName: 'orders-staging', namespaceId: 'cn-shanghai:staging' });
});

describe('ListApplications', () => {
  test('filters by namespace and pages, in the SDK model shape', async () => {
    const prod = await call('apps', { NamespaceId: 'cn-shanghai:prod', CurrentPage: '1', PageSize: '10' });
    const all = await call('apps', {});
    const page2 = await call('apps', { PageSize: '2', CurrentPage: '2' });

    expect(prod.body).toMatchObject({ Success: true, Code: '200' });
    expect(prod.body.Data).toMatchObject({ CurrentPage: 1, PageSize: 10, TotalSize: 2 });
    expect(prod.body.Data.Applications.map((a) => a.AppId)).toEqual(['app-a1', 'app-a2']);
    expect(prod.body.Data.Applications[0]).toMatchObject({
      AppId: 'app-a1',
      AppName: 'orders',
      NamespaceId: 'cn-shanghai:prod',
      RegionId: 'cn-shanghai',
      RunningInstances: 2,
      AppDeletingStatus: false,
    });
    expect(all.body.Data.TotalSize).toBe(3);
    expect(page2.body.Data.Applications.map((a) => a.AppId)).toEqual(['app-b1']);
    expect(emu.callsTo('ListApplications').map((c) => [c.method, c.status, c.signatureValid])).toEqual([
      ['GET', 200, true],
      ['GET', 200, true],
      ['GET', 200, true],
    ]);
  });

  test('an unknown namespace is InvalidNamespaceId.NotFound (404); a restricted key sees only its apps', async () => {
    const err = await callError('apps', { NamespaceId: 'cn-shanghai:nope' });
    const restricted = await call('apps', {}, RESTRICTED);

    expect([codeOf(err), err.statusCode]).toEqual(['InvalidNamespaceId.NotFound', 404]);
    expect(restricted.body.Data.Applications.map((a) => a.AppId)).toEqual(['app-a1']);
  });
});

describe('ListAppVersions', () => {
  test('returns distinct versions newest first with Id, Type, CreateTime (epoch ms) and the image', async () => {
    const res = await call('versions', { AppId: 'app-a1' });

    expect(res.body.Data.map((v) => v.Id)).toEqual(['ver-0003-cccc', 'ver-0002-bbbb', 'ver-0001-aaaa']);
    expect(res.body.Data[0]).toEqual({
      Id: 'ver-0003-cccc',
      Type: 'image',
      CreateTime: String(clock.now()),
      WarUrl: expect.stringMatching(/orders:v3$/),
    });
    expect(Number(res.body.Data[1]?.CreateTime)).toBe(clock.now() - 60_000);
  });

  test('an unknown app is InvalidApplication.NotFound (400), as the API page documents', async () => {
    const err = await callError('versions', { AppId: 'app-zzz' });
    const missing = await callError('versions', {});

    expect([codeOf(err), err.statusCode]).toEqual(['InvalidApplication.NotFound', 400]);
    expect([codeOf(missing), missing.statusCode]).toEqual(['InvalidParameter.NotEmpty', 400]);
  });
});

describe('RollbackApplication', () => {
  test('creates a CoRollback change order and moves the app to the requested version', async () => {
    const res = await call('rollback', {
      AppId: 'app-a1',
      VersionId: 'ver-0001-aaaa',
      MinReadyInstances: '1',
    });

    const coId = res.body.Data.ChangeOrderId;
    expect(res.body).toMatchObject({ Success: true, Code: '200' });
    expect(emu.getChangeOrder(coId)).toMatchObject({
      coTypeCode: 'CoRollback',
      status: 2,
      fromVersion: 'v3',
      toVersion: 'v1',
      createTime: clock.now(),
      finishTime: clock.now(),
    });
    expect(emu.getApp('app-a1')).toMatchObject({ currentVersion: 'v1', currentVersionId: 'ver-0001-aaaa' });
    expect(emu.callsTo('RollbackApplication')[0]).toMatchObject({ method: 'PUT', status: 200 });
  });

  test('respects the serial rule: Application.ChangerOrderRunning while a change order runs', async () => {
    const running = emu.startChangeOrder({ appId: 'app-a1', toVersion: 'v4' });

    const err = await callError('rollback', { AppId: 'app-a1', VersionId: 'ver-0002-bbbb' });

    expect([codeOf(err), err.statusCode]).toEqual(['Application.ChangerOrderRunning', 400]);
    expect(emu.getApp('app-a1')?.currentVersion).toBe('v4');
    expect(emu.snapshot().changeOrders.map((c) => c.changeOrderId)).toEqual([running]);
  });

  test('manual completion leaves the rollback executing, so a second one is refused until it ends', async () => {
    emu.setRollbackCompletion('manual');
    const first = await call('rollback', { AppId: 'app-a1', VersionId: 'ver-0002-bbbb' });
    const second = await callError('rollback', { AppId: 'app-a1', VersionId: 'ver-0001-aaaa' });
    const coId = first.body.Data.ChangeOrderId;

    expect(emu.getChangeOrder(coId)).toMatchObject({ status: 1, toVersion: 'v2' });
    expect(codeOf(second)).toBe('Application.ChangerOrderRunning');
    clock.advance(90_000);
    expect(emu.finishChangeOrder(coId)).toMatchObject({ status: 2, finishTime: clock.now() });
  });

  test('refuses unknown apps, unknown or missing versions, bad options and denied keys', async () => {
    const cases = [
      [{ AppId: 'app-zzz', VersionId: 'ver-0001-aaaa' }, AK],
      [{ AppId: 'app-a1', VersionId: 'ver-9999-zzzz' }, AK],
      [{ AppId: 'app-a1' }, AK],
      [{ AppId: 'app-a1', VersionId: 'ver-0001-aaaa', BatchWaitTime: 'soon' }, AK],
      [{ AppId: 'app-a1', VersionId: 'ver-0001-aaaa' }, NO_ROLLBACK],
    ] as const;
    const got = [];
    for (const [query, cred] of cases) {
      const err = await callError('rollback', query, cred);
      got.push([codeOf(err), err.statusCode]);
    }

    expect(got).toEqual([
      ['InvalidApplication.NotFound', 400],
      ['InvalidParameter.WithMessage', 400],
      ['InvalidParameter.NotEmpty', 400],
      ['InvalidParameter.Obviously', 400],
      ['AccessDenied', 403],
    ]);
    expect(emu.snapshot().changeOrders).toEqual([]);
    expect(emu.getApp('app-a1')?.currentVersion).toBe('v3');
  });

  test('a tampered signature is refused with 403 and changes nothing', async () => {
    const res = await sendSigned(emu.url, {
      method: 'PUT',
      path: '/pop/v1/sam/app/rollbackApplication',
      action: 'RollbackApplication',
      query: { AppId: 'app-a1', VersionId: 'ver-0001-aaaa' },
      ...AK,
      mutate: (h) => {
        h.authorization = (h.authorization ?? '').replace(/Signature=(.)/, (_m, c: string) =>
          c === '0' ? 'Signature=1' : 'Signature=0',
        );
      },
    });

    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).Code).toBe('SignatureDoesNotMatch');
    expect(emu.snapshot().changeOrders).toEqual([]);
    expect(emu.calls.at(-1)).toMatchObject({
      action: 'RollbackApplication',
      signatureValid: false,
      status: 403,
    });
  });
});
