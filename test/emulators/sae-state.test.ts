// The state machine in-process, plus the exact bytes of the non-JSON faults on the wire.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type SaeEmulator, SaeStateError, startSaeEmulator } from '../../emulators/sae/index.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';
import { formatSaeTime } from '../../emulators/sae/render.js';
import { ManualClock } from '../../lib/clock.js';

const AK = { accessKeyId: 'AK', accessKeySecret: 'S' };
let emu: SaeEmulator;
const clock = new ManualClock();

const describeCo = (changeOrderId: string) =>
  sendSigned(emu.url, {
    method: 'GET',
    path: '/pop/v1/sam/changeorder/DescribeChangeOrder',
    action: 'DescribeChangeOrder',
    query: { ChangeOrderId: changeOrderId },
    ...AK,
    date: new Date(clock.now()),
  });

beforeAll(async () => {
  emu = await startSaeEmulator({ clock, credentials: [AK], regionId: 'cn-shanghai' });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.clearFaults();
  emu.seedApp({ appId: 'app-1', versions: ['v1', 'v2'] });
});

describe('SAE emulator state machine', () => {
  test('one non-terminal change order per app; a finished one frees the app', () => {
    const first = emu.startChangeOrder({ appId: 'app-1' });

    expect(() => emu.startChangeOrder({ appId: 'app-1' })).toThrow(SaeStateError);
    emu.setChangeOrderStatus(first, 3);
    const second = emu.startChangeOrder({ appId: 'app-1', coTypeCode: 'CoRestartApplication', status: 8 });
    expect(() => emu.setChangeOrderStatus(first, 1)).toThrow(/only one may run/);

    expect(emu.getChangeOrder(second)).toMatchObject({ status: 8, fromVersion: 'v3', toVersion: 'v3' });
    expect(emu.getApp('app-1')?.currentVersion).toBe('v3');
  });

  test('undocumented statuses and unknown apps are refused', () => {
    expect(() => emu.startChangeOrder({ appId: 'app-1', status: 4 })).toThrow(SaeStateError);
    expect(() => emu.startChangeOrder({ appId: 'nope' })).toThrow(/AppId does not exist/);
    expect(emu.snapshot().changeOrders).toEqual([]);
  });

  test('views are copies: mutating one does not change the emulator', () => {
    const app = emu.getApp('app-1');
    app?.versions.push('hacked');

    expect(emu.getApp('app-1')?.versions).toEqual(['v1', 'v2']);
  });

  test('times come from the injected clock, formatted as SAE does (UTC+8)', async () => {
    clock.set(Date.parse('2026-11-29T03:00:00Z'));
    const id = emu.startChangeOrder({ appId: 'app-1', batchCount: 2 });

    const res = await describeCo(id);
    const data = (JSON.parse(res.text) as { Data: Record<string, unknown> }).Data;

    expect(formatSaeTime(Date.parse('2026-11-29T03:00:00Z'))).toBe('2026-11-29 11:00:00');
    expect(data).toMatchObject({ CreateTime: '2026-11-29 11:00:00', BatchCount: 2 });
    expect(data.Pipelines).toMatchObject([
      { PipelineName: 'Batch 1 Change', Status: 1, StartTime: clock.now() },
      { PipelineName: 'Batch 2 Change', Status: 0 },
    ]);
    expect(data.CurrentPipelineId).toBe((data.Pipelines as Array<{ PipelineId: string }>)[0]?.PipelineId);
  });
});

describe('non-JSON faults on the wire', () => {
  test('html: the gateway page with text/html and the chosen status', async () => {
    const id = emu.startChangeOrder({ appId: 'app-1' });
    emu.injectFault({ kind: 'html' });
    emu.injectFault({ kind: 'html', status: 504 });

    const first = await describeCo(id);
    const second = await describeCo(id);
    const third = await describeCo(id);

    expect(first.status).toBe(502);
    expect(first.headers['content-type']).toBe('text/html');
    expect(first.text).toBe('<html><body><h1>502 Bad Gateway</h1></body></html>');
    expect(second.status).toBe(504);
    expect(third.status).toBe(200);
  });

  test('throttle: region in HostId, status override', async () => {
    const id = emu.startChangeOrder({ appId: 'app-1' });
    emu.injectFault({ kind: 'throttle', status: 429 });

    const res = await describeCo(id);

    expect(res.status).toBe(429);
    expect(JSON.parse(res.text)).toMatchObject({
      Code: 'Throttling.User',
      HostId: 'sae.cn-shanghai.aliyuncs.com',
    });
  });

  test('a fault scoped to one action leaves others alone, and a bad signature does not consume it', async () => {
    const id = emu.startChangeOrder({ appId: 'app-1' });
    emu.injectFault({ kind: 'reset', action: 'DescribeChangeOrder' });

    const forged = await sendSigned(emu.url, {
      method: 'GET',
      path: '/pop/v1/sam/changeorder/DescribeChangeOrder',
      action: 'DescribeChangeOrder',
      query: { ChangeOrderId: id },
      accessKeyId: 'AK',
      accessKeySecret: 'wrong',
      date: new Date(clock.now()),
    });
    const reset = describeCo(id);

    expect(forged.status).toBe(403);
    await expect(reset).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emu.calls.map((c) => [c.status, c.signatureValid])).toEqual([
      [403, false],
      [0, true],
    ]);
  });
});
