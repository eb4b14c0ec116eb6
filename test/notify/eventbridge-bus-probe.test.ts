import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../emulators/eventbridge/index.js';
import { probeEventBus } from '../../lib/notify/eventbridge-bus-probe.js';

const CREDS = {
  accessKeyId: 'STS.busProbe',
  accessKeySecret: 'bus-probe-secret-0123456789',
  securityToken: 'bus-probe-token',
};
let eb: EventBridgeEmulator;
beforeAll(async () => {
  eb = await startEventBridgeEmulator({
    credentials: [CREDS],
    buses: ['outcomes'],
    accountId: '1111222233334444',
  });
});
afterAll(() => eb.close());
beforeEach(() => eb.reset());

describe('probeEventBus (GetEventBus, signed, against the EventBridge emulator)', () => {
  const probe = (bus: string, credentials = CREDS) =>
    probeEventBus({ endpoint: eb.url, bus, credentials, timeoutMs: 2_000 });

  it('tells an existing bus from a missing one, and puts no event', async () => {
    expect(await probe('outcomes')).toEqual({
      kind: 'exists',
      arn: 'acs:eventbridge:cn-hangzhou:1111222233334444:eventbus/outcomes',
    });
    expect(await probe('missing-bus')).toEqual({ kind: 'missing' });
    expect(eb.events()).toHaveLength(0);
    expect(eb.requests.map((r) => [r.path, r.status, r.accessKeyId])).toEqual([
      ['/openapi/getEventBus', 200, CREDS.accessKeyId],
      ['/openapi/getEventBus', 404, CREDS.accessKeyId],
    ]);
  });

  it('a key without eventbridge:GetEventBus is forbidden, not missing', async () => {
    eb.addCredential({ ...CREDS, denied: ['GetEventBus'] });
    expect(await probe('outcomes')).toEqual({ kind: 'forbidden', code: 'AccessDenied' });
  });

  it('a wrong secret is neither an existing bus, a missing one, nor a missing grant', async () => {
    const r = await probe('outcomes', { ...CREDS, accessKeySecret: 'wrong-secret-0123456789' });
    expect(r).toEqual({ kind: 'error', detail: 'SignatureDoesNotMatch' });
  });
});
