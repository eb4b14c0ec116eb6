// SAE's progress after an abort, on the emulator's controllable clock: terminating, then rolled back,
// failed, or never done.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';
import { ManualClock } from '../../lib/clock.js';

const AK = { accessKeyId: 'AK', accessKeySecret: 'S' };
const clock = new ManualClock();
let emu: SaeEmulator;

const abort = (changeOrderId: string) =>
  sendSigned(emu.url, {
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
    action: 'AbortAndRollbackChangeOrder',
    query: { ChangeOrderId: changeOrderId },
    ...AK,
    date: new Date(clock.now()),
  });

beforeAll(async () => {
  emu = await startSaeEmulator({ clock, credentials: [AK] });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.setAbortProgress({ mode: 'immediate' });
  emu.seedApp({ appId: 'app-1', versions: ['v1'] });
});

describe('SAE emulator: progress after an abort', () => {
  test('immediate (default): terminated and the previous version back at once', async () => {
    const co = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v2' });
    expect((await abort(co)).status).toBe(200);
    expect(emu.getChangeOrder(co)?.status).toBe(6);
    expect(emu.getApp('app-1')?.currentVersion).toBe('v1');
  });

  test('terminating, then rolled back when the clock has passed terminatingMs', async () => {
    emu.setAbortProgress({ mode: 'terminating', terminatingMs: 60_000, end: 'rolled-back' });
    const co = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v2' });
    expect((await abort(co)).status).toBe(200);
    expect(emu.getChangeOrder(co)?.status).toBe(1);
    expect(emu.getApp('app-1')?.currentVersion).toBe('v2');
    // A second abort while it terminates is refused, as for a finished one.
    expect((await abort(co)).status).toBe(400);
    clock.advance(60_000);
    expect(emu.getChangeOrder(co)?.status).toBe(6);
    expect(emu.getApp('app-1')?.currentVersion).toBe('v1');
  });

  test('failed: status 3 (or 10), the bad version stays; stuck: executing for ever', async () => {
    emu.setAbortProgress({ mode: 'terminating', terminatingMs: 1_000, end: 'failed', systemFailure: true });
    const failed = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v2' });
    await abort(failed);
    clock.advance(1_000);
    expect(emu.getChangeOrder(failed)?.status).toBe(10);
    expect(emu.getApp('app-1')?.currentVersion).toBe('v2');

    emu.setAbortProgress({ mode: 'terminating', terminatingMs: 1_000, end: 'stuck' });
    const stuck = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v3' });
    await abort(stuck);
    clock.advance(86_400_000);
    expect(emu.getChangeOrder(stuck)?.status).toBe(1);
  });

  test('the admin route sets it for another process', async () => {
    const res = await fetch(`${emu.url}/__admin/abort-progress`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'terminating', terminatingMs: 5, end: 'stuck' }),
    });
    expect(res.status).toBe(200);
    expect(emu.snapshot().abortProgress).toEqual({ mode: 'terminating', terminatingMs: 5, end: 'stuck' });
  });
});
