// Every documented change type with its title, seeded change-order history, redeploys, and the app's
// own auto scaling starting a CoScaleOut in the middle of a stream of API calls.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CO_TYPES } from '../../emulators/sae/co-types.js';
import { type SaeEmulator, SaeStateError, startSaeEmulator } from '../../emulators/sae/index.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';
import { ManualClock } from '../../lib/clock.js';
import { CHANGE_TYPES } from '../../lib/rollback/release-rules.js';

const AK = { accessKeyId: 'AK', accessKeySecret: 'S' };
const clock = new ManualClock(Date.parse('2026-11-29T03:00:00Z'));
const DAY = 86_400_000;
let emu: SaeEmulator;

async function api(action: string, path: string, query: Record<string, string>) {
  const res = await sendSigned(emu.url, {
    method: 'GET',
    path,
    action,
    query,
    ...AK,
    date: new Date(clock.now()),
  });
  return JSON.parse(res.text).Data;
}
const describeCo = (id: string) =>
  api('DescribeChangeOrder', '/pop/v1/sam/changeorder/DescribeChangeOrder', { ChangeOrderId: id });
const listCos = (appId: string) =>
  api('ListChangeOrders', '/pop/v1/sam/changeorder/ListChangeOrders', { AppId: appId, PageSize: '50' });
const describeStatus = (appId: string) =>
  api('DescribeApplicationStatus', '/pop/v1/sam/app/describeApplicationStatus', { AppId: appId });

beforeAll(async () => {
  emu = await startSaeEmulator({ clock, credentials: [AK] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('change types', () => {
  test('knows every CoTypeCode the product validates against, and no other', () => {
    expect(Object.keys(CO_TYPES).sort()).toEqual([...CHANGE_TYPES].sort());
    emu.seedApp({ appId: 'app-1' });
    expect(() => emu.startChangeOrder({ appId: 'app-1', coTypeCode: 'CoMakeCoffee' })).toThrow(SaeStateError);
  });

  test('answers each with its title: English in DescribeChangeOrder, Chinese in ListChangeOrders', async () => {
    emu.seedApp({ appId: 'app-1' });
    const seen: Array<[string, string, string]> = [];
    for (const code of Object.keys(CO_TYPES)) {
      const id = emu.startChangeOrder({ appId: 'app-1', coTypeCode: code, status: 2 });
      const one = await describeCo(id);
      const listed = (await listCos('app-1')).ChangeOrderList[0];
      seen.push([one.CoTypeCode, one.CoType, listed.CoType]);
    }
    expect(seen).toContainEqual(['CoRestartInstances', 'Restart Instances', '重启实例']);
    expect(seen).toContainEqual(['CoCreateApp', 'Create Application', '创建应用']);
    expect(seen).toContainEqual(['CoScaleOut', 'Scale Out Application', '应用扩容']);
    expect(seen.every(([code, en, zh]) => en !== code && zh !== code)).toBe(true);
  });
});

describe('history and redeploys', () => {
  test('history: the change orders that installed each seeded version, back-dated with their records', async () => {
    emu.seedApp({ appId: 'app-1', versions: ['v1', 'v2'], versionIds: ['ver-1', 'ver-2'], history: true });
    const list = (await listCos('app-1')).ChangeOrderList;
    expect(list.map((c: { CoTypeCode: string; Status: number }) => [c.CoTypeCode, c.Status])).toEqual([
      ['CoDeploy', 2],
      ['CoCreateApp', 2],
    ]);
    expect(emu.getAppVersions('app-1')).toMatchObject([
      { versionId: 'ver-2', createTime: clock.now() - 3_600_000 },
      { versionId: 'ver-1', createTime: clock.now() - 3_600_000 - DAY },
    ]);
    expect((await describeStatus('app-1')).LastChangeOrderStatus).toBe('SUCCESS');
  });

  test('a redeploy of a historical version (CoDeployHistroy) gets a record of its own; RollbackApplication none', () => {
    emu.seedApp({ appId: 'app-1', versions: ['v1', 'v2'], versionIds: ['ver-1', 'ver-2'] });
    clock.advance(60_000);
    const redeploy = emu.startChangeOrder({
      appId: 'app-1',
      coTypeCode: 'CoDeployHistroy',
      toVersion: 'v1',
      status: 2,
    });
    const versions = emu.getAppVersions('app-1') ?? [];
    expect(versions.map((v) => [v.label, v.createTime === clock.now()])).toEqual([
      ['v1', true],
      ['v2', false],
      ['v1', false],
    ]);
    expect(emu.getApp('app-1')).toMatchObject({
      currentVersion: 'v1',
      currentVersionId: versions[0]?.versionId,
    });
    expect(emu.getChangeOrder(redeploy)).toMatchObject({ fromVersion: 'v2', toVersion: 'v1' });
  });
});

describe('auto scaling', () => {
  test('autoScaleOut now: an executing CoScaleOut from the system, more instances, the app busy', async () => {
    emu.seedApp({ appId: 'app-1', runningInstances: 2 });
    const id = emu.autoScaleOut('app-1', { instances: 3 });
    expect(emu.getChangeOrder(id ?? '')).toMatchObject({
      coTypeCode: 'CoScaleOut',
      status: 1,
      source: 'system',
    });
    expect(emu.getApp('app-1')?.runningInstances).toBe(5);
    expect(await describeStatus('app-1')).toMatchObject({
      LastChangeOrderId: id,
      LastChangeOrderRunning: true,
    });
  });

  test('afterCalls: starts as that request arrives, so the request itself already sees it', async () => {
    emu.seedApp({ appId: 'app-1' });
    expect(emu.autoScaleOut('app-1', { afterCalls: 3 })).toBeUndefined();
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await describeStatus('app-1')).LastChangeOrderRunning);
    expect(seen).toEqual([false, false, true, true]);
    expect(emu.snapshot().changeOrders.map((c) => c.coTypeCode)).toEqual(['CoScaleOut']);
  });

  test('a due scale-out waits for a running change order to end (serial rule)', async () => {
    emu.seedApp({ appId: 'app-1' });
    const release = emu.startChangeOrder({ appId: 'app-1' });
    emu.autoScaleOut('app-1', { afterCalls: 1 });
    await describeStatus('app-1');
    emu.finishChangeOrder(release);
    await describeStatus('app-1');
    expect(emu.snapshot().changeOrders.map((c) => c.coTypeCode)).toEqual(['CoDeploy', 'CoScaleOut']);
  });

  test('over /__admin/: POST apps/<id>/auto-scale-out, now (201) or scheduled (202)', async () => {
    emu.seedApp({ appId: 'app-1' });
    const post = (body: unknown) =>
      fetch(`${emu.url}/__admin/apps/app-1/auto-scale-out`, { method: 'POST', body: JSON.stringify(body) });
    const later = await post({ afterCalls: 5 });
    const now = await post({});
    const bad = await post({ instances: 0 });
    expect([later.status, now.status, bad.status]).toEqual([202, 201, 400]);
    expect(await now.json()).toMatchObject({ changeOrderId: expect.any(String) });
  });
});
