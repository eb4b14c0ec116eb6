import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { ManualClock, systemClock } from '../../lib/clock.js';
import { SaeAppClient } from '../../lib/sae/app-client.js';
import { SAE_APP_ACTIONS } from '../../lib/sae/app-types.js';
import { SaeError, SaeErrorKind, SaeErrorReason } from '../../lib/sae/errors.js';
import { emulatorClientOptions, STS } from '../helpers/stack.js';

const APP = '0099b7be-5f5b-4512-a7fc-56049ef1b001';
const V1 = 'a0ce266c-d354-423a-9bd6-4083405a0001';
const V2 = 'a0ce266c-d354-423a-9bd6-4083405a0002';
const V3 = 'a0ce266c-d354-423a-9bd6-4083405a0003';

describe('SaeAppClient against the SAE emulator', () => {
  const clock = new ManualClock(Date.parse('2026-11-29T03:00:00Z'));
  let emu: SaeEmulator;
  let client: SaeAppClient;

  beforeAll(async () => {
    emu = await startSaeEmulator({ clock, signatureClock: systemClock, credentials: [STS] });
    client = new SaeAppClient(emulatorClientOptions(emu.endpoint));
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.reset();
    emu.setRollbackCompletion('immediate');
    emu.seedApp({
      appId: APP,
      appName: 'orders',
      namespaceId: 'cn-hangzhou:prod',
      versions: ['v1', 'v2', 'v3'],
      versionIds: [V1, V2, V3],
    });
    emu.seedApp({ appId: '0099b7be-5f5b-4512-a7fc-56049ef1b002', namespaceId: 'cn-hangzhou:dev' });
  });

  const fail = async (p: Promise<unknown>): Promise<SaeError> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof SaeError) return err;
      throw err;
    }
    throw new Error('expected the call to fail');
  };

  it('lists a namespace, finds the previous version and rolls back to it', async () => {
    const apps = await client.listApplications({ namespaceId: 'cn-hangzhou:prod', pageSize: 50 });
    const versions = await client.listAppVersions(APP);
    const previous = versions.data[1];
    const rolled = await client.rollbackApplication({ appId: APP, versionId: previous?.versionId ?? '' });

    expect(apps.data).toMatchObject({ currentPage: 1, pageSize: 50, totalSize: 1 });
    expect(apps.data.applications).toEqual([
      {
        appId: APP,
        appName: 'orders',
        namespaceId: 'cn-hangzhou:prod',
        regionId: 'cn-hangzhou',
        instances: 2,
        runningInstances: 2,
      },
    ]);
    expect(versions.data.map((v) => v.versionId)).toEqual([V3, V2, V1]);
    expect(versions.data[0]).toMatchObject({
      type: 'image',
      createTime: String(clock.now()),
      createdAt: clock.now(),
      imageUrl: expect.stringMatching(/:v3$/),
    });
    expect(rolled.data).toEqual({
      changeOrderId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      isNeedApproval: false,
    });
    expect(emu.getChangeOrder(rolled.data.changeOrderId ?? '')).toMatchObject({
      coTypeCode: 'CoRollback',
      toVersion: 'v2',
      status: 2,
    });
    expect(emu.getApp(APP)?.currentVersionId).toBe(V2);
    expect(emu.calls.map((c) => [c.action, c.method, c.accessKeyId, c.signatureValid, c.status])).toEqual([
      ['ListApplications', 'GET', STS.accessKeyId, true, 200],
      ['ListAppVersions', 'GET', STS.accessKeyId, true, 200],
      ['RollbackApplication', 'PUT', STS.accessKeyId, true, 200],
    ]);
    expect(emu.calls[2]?.query).toEqual({ AppId: APP, VersionId: V2 });
  });

  it('reads IsNeedApproval: where release approval is on, the rollback waits for an approver', async () => {
    emu.setApprovalRequired(APP, true);
    const rolled = await client.rollbackApplication({ appId: APP, versionId: V2 });
    expect(rolled.data).toEqual({ changeOrderId: expect.any(String), isNeedApproval: true });
    expect(emu.getChangeOrder(rolled.data.changeOrderId ?? '')).toMatchObject({ status: 11 });
    expect(emu.getApp(APP)?.currentVersionId).toBe(V3);
  });

  it('sends the rollback options the SDK names', async () => {
    await client.rollbackApplication({
      appId: APP,
      versionId: V1,
      minReadyInstances: 1,
      batchWaitTime: 10,
      updateStrategy:
        '{"type":"BatchUpdate","batchUpdate":{"batch":2,"releaseType":"auto","batchWaitTime":0}}',
      autoEnableApplicationScalingRule: true,
    });

    expect(emu.calls[0]?.query).toMatchObject({
      MinReadyInstances: '1',
      BatchWaitTime: '10',
      AutoEnableApplicationScalingRule: 'true',
      UpdateStrategy: expect.stringContaining('BatchUpdate'),
    });
  });

  it('classifies SAE refusals: serial rule retryable, unknown app/version permanent', async () => {
    emu.startChangeOrder({ appId: APP, toVersion: 'v4' });
    const busy = await fail(client.rollbackApplication({ appId: APP, versionId: V1 }));
    const noApp = await fail(client.listAppVersions('0099b7be-5f5b-4512-a7fc-000000000000'));
    const noVersion = await fail(
      client.rollbackApplication({ appId: APP, versionId: 'a0ce266c-d354-423a-9bd6-999999999999' }),
    );
    const noNamespace = await fail(client.listApplications({ namespaceId: 'cn-hangzhou:gone' }));

    expect([busy.code, busy.kind, busy.httpStatus]).toEqual([
      'Application.ChangerOrderRunning',
      SaeErrorKind.Retryable,
      400,
    ]);
    expect([noApp.code, noApp.kind, noApp.reason]).toEqual([
      'InvalidApplication.NotFound',
      SaeErrorKind.Permanent,
      SaeErrorReason.NotFound,
    ]);
    expect([noVersion.code, noVersion.reason]).toEqual([
      'InvalidParameter.WithMessage',
      SaeErrorReason.InvalidInput,
    ]);
    expect([noNamespace.code, noNamespace.reason]).toEqual([
      'InvalidNamespaceId.NotFound',
      SaeErrorReason.NotFound,
    ]);
    expect(noApp.requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('classifies transport trouble and Success=false answers', async () => {
    emu.injectFault({ kind: 'throttle', action: 'ListApplications' });
    emu.injectFault({ kind: 'html', action: 'ListAppVersions', status: 502 });
    emu.injectFault({ kind: 'success-false', action: 'RollbackApplication', code: 'System.Upgrading' });

    const throttled = await fail(client.listApplications());
    const html = await fail(client.listAppVersions(APP));
    const soft = await fail(client.rollbackApplication({ appId: APP, versionId: V1 }));

    expect([throttled.code, throttled.retryable]).toEqual(['Throttling.User', true]);
    expect([html.code, html.retryable]).toEqual(['NonJsonResponse', true]);
    expect([soft.code, soft.retryable, soft.httpStatus]).toEqual(['System.Upgrading', true, 200]);
    expect(emu.getApp(APP)?.currentVersion).toBe('v3');
  });

  it('refuses unsafe input before any request', async () => {
    const errors = await Promise.all([
      fail(client.listAppVersions('app&AppId=other')),
      fail(client.rollbackApplication({ appId: APP, versionId: '../v1' })),
      fail(client.listApplications({ namespaceId: 'cn-hangzhou:prod&x=1' })),
      fail(client.listApplications({ pageSize: 0 })),
      fail(client.rollbackApplication({ appId: APP, versionId: V1, batchWaitTime: 1.5 })),
    ]);

    expect(errors.map((e) => [e.code, e.reason])).toEqual(
      Array.from({ length: 5 }, () => ['InvalidParameter.Local', SaeErrorReason.InvalidInput]),
    );
    expect(emu.calls).toEqual([]);
  });

  it('exports its action names for the RAM policy', () => {
    expect(SAE_APP_ACTIONS).toEqual(['ListApplications', 'ListAppVersions', 'RollbackApplication']);
  });
});
