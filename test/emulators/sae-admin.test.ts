// The /__admin/ surface, driven over HTTP the way another process (`sae-rollback dev`) would.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type {
  AppView,
  CallRecord,
  ChangeOrderView,
  EmulatorSnapshot,
  SaeEmulator,
} from '../../emulators/sae/index.js';
import { startSaeEmulator } from '../../emulators/sae/index.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';

let emu: SaeEmulator;

async function admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${emu.url}/__admin/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

const abortAs = (accessKeyId: string, accessKeySecret: string, changeOrderId: string) =>
  sendSigned(emu.url, {
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
    action: 'AbortAndRollbackChangeOrder',
    query: { ChangeOrderId: changeOrderId },
    accessKeyId,
    accessKeySecret,
  });

beforeAll(async () => {
  emu = await startSaeEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

describe('SAE emulator admin surface', () => {
  test('seed, act through the API, read state and calls, reset', async () => {
    const cred = await admin('POST', 'credentials', { accessKeyId: 'LTAI_DEV', accessKeySecret: 'dev' });
    const app = await admin<AppView>('POST', 'apps', {
      appId: 'app-1',
      appName: 'shop',
      versions: ['v1', 'v2'],
    });
    const co = await admin<{ changeOrderId: string; changeOrder: ChangeOrderView }>('POST', 'change-orders', {
      appId: 'app-1',
      changeOrderId: 'co-1',
      toVersion: 'v3',
    });
    const during = await admin<EmulatorSnapshot>('GET', 'state');

    const api = await abortAs('LTAI_DEV', 'dev', 'co-1');
    const after = await admin<EmulatorSnapshot>('GET', 'state');
    const calls = await admin<{ calls: CallRecord[] }>('GET', 'calls?action=AbortAndRollbackChangeOrder');
    const reset = await admin('POST', 'reset');
    const empty = await admin<EmulatorSnapshot>('GET', 'state');

    expect(cred.status).toBe(201);
    expect(app).toMatchObject({ status: 201, json: { appId: 'app-1', currentVersion: 'v2' } });
    expect(co).toMatchObject({
      status: 201,
      json: { changeOrderId: 'co-1', changeOrder: { status: 1, fromVersion: 'v2' } },
    });
    expect(during.json.apps[0]?.currentVersion).toBe('v3');
    expect(api.status).toBe(200);
    expect(after.json.apps[0]?.currentVersion).toBe('v2');
    expect(after.json.changeOrders[0]).toMatchObject({ changeOrderId: 'co-1', status: 6 });
    expect(after.json.accessKeyIds).toEqual(['LTAI_DEV']);
    expect(JSON.stringify(after.json)).not.toContain('"dev"');
    expect(calls.json.calls).toMatchObject([
      { action: 'AbortAndRollbackChangeOrder', status: 200, accessKeyId: 'LTAI_DEV' },
    ]);
    expect(reset.status).toBe(204);
    expect(empty.json).toMatchObject({ apps: [], changeOrders: [], faults: [] });
    expect(emu.calls).toEqual([]);
  });

  test('faults injected over HTTP fire on API calls and are listed until used up', async () => {
    emu.addCredential({ accessKeyId: 'AK', accessKeySecret: 'S' });
    emu.seedApp({ appId: 'app-1' });
    const id = emu.startChangeOrder({ appId: 'app-1' });

    const added = await admin<{ faults: unknown[] }>('POST', 'faults', {
      kind: 'http-error',
      status: 500,
      code: 'InternalError',
      action: 'AbortAndRollbackChangeOrder',
      shape: 'pop',
    });
    const faulted = await abortAs('AK', 'S', id);
    const listed = await admin<EmulatorSnapshot>('GET', 'state');

    expect(added.json.faults).toEqual([
      expect.objectContaining({ kind: 'http-error', code: 'InternalError', remaining: 1 }),
    ]);
    expect(faulted.status).toBe(500);
    expect(JSON.parse(faulted.text)).toMatchObject({
      Code: 'InternalError',
      HostId: 'sae.cn-hangzhou.aliyuncs.com',
    });
    expect(listed.json.faults).toEqual([]);
    expect(emu.getChangeOrder(id)?.status).toBe(1);
  });

  test('change-order status can be driven over HTTP; the serial rule answers 409', async () => {
    emu.seedApp({ appId: 'app-1' });
    await admin('POST', 'change-orders', { appId: 'app-1', changeOrderId: 'co-1' });

    const second = await admin<{ error: string }>('POST', 'change-orders', { appId: 'app-1' });
    const finished = await admin<ChangeOrderView>('POST', 'change-orders/co-1/status', { status: 2 });
    const third = await admin('POST', 'change-orders', { appId: 'app-1', changeOrderId: 'co-2' });

    expect(second).toMatchObject({ status: 409, json: { error: 'Application.ChangerOrderRunning' } });
    expect(finished).toMatchObject({ status: 200, json: { status: 2 } });
    expect(finished.json.finishTime).toBeTypeOf('number');
    expect(third.status).toBe(201);
  });

  test('bad input is refused with 400/404 and does not change state', async () => {
    const badFault = await admin<{ error: string }>('POST', 'faults', { kind: 'explode' });
    const badApp = await admin('POST', 'apps', { appName: 'no id' });
    const notJson = await fetch(`${emu.url}/__admin/apps`, { method: 'POST', body: '{' });
    const unknownApp = await admin('POST', 'change-orders', { appId: 'ghost' });
    const unknownRoute = await admin('GET', 'nothing');

    expect(badFault).toMatchObject({ status: 400, json: { error: 'BadRequest' } });
    expect(badApp.status).toBe(400);
    expect(notJson.status).toBe(400);
    expect(unknownApp.status).toBe(404);
    expect(unknownRoute.status).toBe(404);
    expect(emu.snapshot()).toMatchObject({ apps: [], changeOrders: [], faults: [] });
  });
});
