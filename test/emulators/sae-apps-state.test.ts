// App-level state in-process and over /__admin/: namespaces, version records, rollback, and the clock
// behind CreateTime/FinishTime (so "succeeded N minutes ago" is a matter of moving a ManualClock).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type SaeEmulator, SaeStateError, startSaeEmulator } from '../../emulators/sae/index.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';
import { formatSaeTime } from '../../emulators/sae/render.js';
import { ManualClock } from '../../lib/clock.js';

const AK = { accessKeyId: 'AK', accessKeySecret: 'S' };
const clock = new ManualClock(Date.parse('2026-11-29T03:00:00Z'));
let emu: SaeEmulator;

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/__admin/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  // The signature clock follows the same ManualClock: raw requests are stamped with clock.now().
  emu = await startSaeEmulator({ clock, credentials: [AK] });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.setRollbackCompletion('immediate');
});

describe('apps, namespaces and versions', () => {
  test('apps carry their namespace; listApps filters by it; reset forgets namespaces', () => {
    emu.seedApp({ appId: 'app-1', namespaceId: 'cn-hangzhou:prod' });
    emu.seedApp({ appId: 'app-2', namespaceId: 'cn-hangzhou:dev' });
    emu.seedApp({ appId: 'app-3', namespaceId: 'cn-hangzhou:prod' });
    emu.seedNamespace('cn-hangzhou:empty');

    expect(emu.listApps('cn-hangzhou:prod').map((a) => a.appId)).toEqual(['app-1', 'app-3']);
    expect(emu.listApps().map((a) => a.appId)).toEqual(['app-1', 'app-2', 'app-3']);
    expect(emu.snapshot().namespaces.sort()).toEqual([
      'cn-hangzhou:dev',
      'cn-hangzhou:empty',
      'cn-hangzhou:prod',
    ]);
    emu.reset();
    expect(emu.snapshot().namespaces).toEqual([]);
  });

  test('a deploy of a new label adds a version record, created at the clock time, and becomes current', () => {
    emu.seedApp({ appId: 'app-1', versions: ['v1'], versionIds: ['ver-1111-aaaa'] });
    clock.advance(5 * 60_000);
    const co = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v2', toVersionId: 'ver-2222-bbbb' });

    expect(emu.getAppVersions('app-1')).toMatchObject([
      { versionId: 'ver-2222-bbbb', label: 'v2', createTime: clock.now() },
      { versionId: 'ver-1111-aaaa', label: 'v1' },
    ]);
    expect(emu.getApp('app-1')?.currentVersionId).toBe('ver-2222-bbbb');
    expect(emu.getChangeOrder(co)).toMatchObject({ fromVersion: 'v1', toVersion: 'v2' });
    expect(emu.getAppVersions('nope')).toBeUndefined();
  });

  test('versionIds must line up with versions', () => {
    expect(() =>
      emu.seedApp({ appId: 'app-1', versions: ['v1', 'v2'], versionIds: ['only-one-id'] }),
    ).toThrow(SaeStateError);
  });
});

describe('the clock drives CreateTime and FinishTime', () => {
  test('finishChangeOrder stamps now, or back-dates with `at`; ListChangeOrders shows both', async () => {
    emu.seedApp({ appId: 'app-1', versions: ['v1'] });
    const created = clock.now();
    const co = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v2' });
    clock.advance(10 * 60_000);
    const finished = emu.finishChangeOrder(co, { at: created + 3 * 60_000 });

    expect(finished).toMatchObject({ status: 2, createTime: created, finishTime: created + 3 * 60_000 });
    const res = await sendSigned(emu.url, {
      method: 'GET',
      path: '/pop/v1/sam/changeorder/ListChangeOrders',
      action: 'ListChangeOrders',
      query: { AppId: 'app-1' },
      ...AK,
      date: new Date(clock.now()),
    });
    expect(JSON.parse(res.text).Data.ChangeOrderList[0]).toMatchObject({
      CreateTime: formatSaeTime(created),
      FinishTime: formatSaeTime(created + 3 * 60_000),
    });
  });

  test('finishChangeOrder without `at` uses the clock; a non-terminal status is refused', () => {
    emu.seedApp({ appId: 'app-1' });
    const co = emu.startChangeOrder({ appId: 'app-1' });
    clock.advance(42_000);

    expect(() => emu.finishChangeOrder(co, { status: 1 as 2 })).toThrow(/does not finish/);
    expect(emu.finishChangeOrder(co, { status: 3 })).toMatchObject({ status: 3, finishTime: clock.now() });
  });

  test('a rollback made with manual completion finishes when the test says, at the clock time', async () => {
    emu.seedApp({ appId: 'app-1', versions: ['v1', 'v2'], versionIds: ['ver-1111-aaaa', 'ver-2222-bbbb'] });
    emu.setRollbackCompletion('manual');
    const res = await sendSigned(emu.url, {
      method: 'PUT',
      path: '/pop/v1/sam/app/rollbackApplication',
      action: 'RollbackApplication',
      query: { AppId: 'app-1', VersionId: 'ver-1111-aaaa' },
      ...AK,
      date: new Date(clock.now()),
    });
    const coId = JSON.parse(res.text).Data.ChangeOrderId as string;
    const started = clock.now();
    clock.advance(2 * 60_000);

    expect(emu.getChangeOrder(coId)).toMatchObject({ status: 1, createTime: started });
    expect(emu.getChangeOrder(coId)?.finishTime).toBeUndefined();
    expect(emu.setChangeOrderStatus(coId, 2)).toMatchObject({ finishTime: started + 2 * 60_000 });
  });
});

describe('admin surface for the app APIs', () => {
  test('seeds apps with namespaces and version IDs, lists them, finishes change orders, sets the mode', async () => {
    const seeded = await admin('POST', 'apps', {
      appId: 'app-9',
      namespaceId: 'cn-hangzhou:prod',
      versions: ['v1', 'v2'],
      versionIds: ['ver-9991-aaaa', 'ver-9992-bbbb'],
    });
    await admin('POST', 'namespaces', { namespaceId: 'cn-hangzhou:other' });
    const listed = await admin('GET', 'apps?namespaceId=cn-hangzhou:prod');
    const versions = await admin('GET', 'apps/app-9/versions');
    const started = await admin('POST', 'change-orders', { appId: 'app-9', toVersion: 'v3' });
    const finished = await admin('POST', `change-orders/${started.json.changeOrderId}/finish`, {
      at: clock.now() - 60_000,
    });
    const mode = await admin('POST', 'rollback-completion', { mode: 'manual' });
    const missing = await admin('GET', 'apps/nope/versions');
    const bad = await admin('POST', 'rollback-completion', { mode: 'later' });
    const shape = await admin('POST', 'error-shape', { shape: 'legacy' });
    const badShape = await admin('POST', 'error-shape', { shape: 'both' });

    expect(seeded.status).toBe(201);
    expect(seeded.json).toMatchObject({ currentVersionId: 'ver-9992-bbbb' });
    expect(listed.json.apps.map((a: { appId: string }) => a.appId)).toEqual(['app-9']);
    expect(versions.json.versions.map((v: { versionId: string }) => v.versionId)).toEqual([
      'ver-9992-bbbb',
      'ver-9991-aaaa',
    ]);
    expect(finished.json).toMatchObject({ status: 2, finishTime: clock.now() - 60_000 });
    expect(mode.json).toEqual({ rollbackCompletion: 'manual' });
    expect(emu.snapshot()).toMatchObject({
      rollbackCompletion: 'manual',
      errorShape: 'legacy',
      namespaces: ['cn-hangzhou:prod', 'cn-hangzhou:other'],
    });
    expect([missing.status, bad.status, shape.status, badShape.status]).toEqual([404, 400, 200, 400]);
    emu.setErrorShape('documented');
  });
});
