// Hand-built requests: what the gateway must refuse, and that a refused request changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type EmulatorCredential, type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { acsTimestamp, type RawCallOptions, sendSigned } from '../../emulators/sae/raw-client.js';
import { ManualClock, systemClock } from '../../lib/clock.js';

const AK: EmulatorCredential = { accessKeyId: 'LTAI_PLAIN', accessKeySecret: 'plain-secret' };
const STS: EmulatorCredential = {
  accessKeyId: 'STS.TEMP',
  accessKeySecret: 'sts-secret',
  securityToken: 'tok-123',
};

let emu: SaeEmulator;
let coId: string;

const abort = (over: Partial<RawCallOptions> = {}) =>
  sendSigned(emu.url, {
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
    action: 'AbortAndRollbackChangeOrder',
    query: { ChangeOrderId: coId },
    accessKeyId: AK.accessKeyId,
    accessKeySecret: AK.accessKeySecret,
    ...over,
  });

/** Parses the body and checks the gateway error shape. */
function gatewayBody(text: string): Record<string, string> {
  const body = JSON.parse(text) as Record<string, string>;
  expect(Object.keys(body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  return body;
}

function expectUntouched(): void {
  expect(emu.getChangeOrder(coId)?.status).toBe(1);
  expect(emu.getApp('app-1')?.currentVersion).toBe('v3');
}

beforeAll(async () => {
  emu = await startSaeEmulator({ credentials: [AK, STS] });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.seedApp({ appId: 'app-1', versions: ['v1', 'v2'] });
  emu.seedApp({ appId: 'app-2' });
  coId = emu.startChangeOrder({ appId: 'app-1', toVersion: 'v3' });
});

describe('SAE emulator gateway checks', () => {
  test('a correctly hand-signed request is accepted (the baseline the other cases alter)', async () => {
    const res = await abort();

    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ Success: true, Data: { ChangeOrderId: coId } });
    expect(emu.getChangeOrder(coId)?.status).toBe(6);
  });

  test('one altered signature byte: 403 SignatureDoesNotMatch, logged as invalid, nothing changes', async () => {
    const res = await abort({
      mutate: (h) => {
        const auth = h.authorization ?? '';
        const last = auth.at(-1) === '0' ? '1' : '0';
        h.authorization = auth.slice(0, -1) + last;
      },
    });

    expect(res.status).toBe(403);
    const body = gatewayBody(res.text);
    expect(body.Code).toBe('SignatureDoesNotMatch');
    expect(body.Message).toMatch(
      /^The request signature does not conform to Aliyun standards\. server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/,
    );
    expect(res.text).not.toContain(AK.accessKeySecret);
    expect(emu.calls).toHaveLength(1);
    expect(emu.calls[0]).toMatchObject({
      action: 'AbortAndRollbackChangeOrder',
      method: 'PUT',
      path: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
      query: { ChangeOrderId: coId },
      accessKeyId: AK.accessKeyId,
      status: 403,
      code: 'SignatureDoesNotMatch',
      requestId: body.RequestId,
      signatureValid: false,
    });
    expectUntouched();
  });

  test('a query parameter or signed header changed after signing is refused', async () => {
    const other = emu.startChangeOrder({ appId: 'app-2' });

    const query = await abort({ query: { ChangeOrderId: other }, sentQuery: { ChangeOrderId: coId } });
    const header = await abort({
      mutate: (h) => {
        h['x-acs-date'] = acsTimestamp(new Date(Date.now() - 60_000));
      },
    });

    expect([query.status, header.status]).toEqual([403, 403]);
    expect(gatewayBody(query.text).Code).toBe('SignatureDoesNotMatch');
    expect(gatewayBody(header.text).Code).toBe('SignatureDoesNotMatch');
    expectUntouched();
    expect(emu.getChangeOrder(other)?.status).toBe(1);
  });

  test.each<[string, Partial<RawCallOptions>, number, string]>([
    ['wrong secret', { accessKeySecret: 'not-the-secret' }, 403, 'SignatureDoesNotMatch'],
    ['unknown AccessKey', { accessKeyId: 'LTAI_NOBODY' }, 404, 'InvalidAccessKeyId.NotFound'],
    [
      'STS credential without its token',
      { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret },
      403,
      'InvalidSecurityToken.Malformed',
    ],
    [
      'STS token mismatch',
      { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, securityToken: 'tok-999' },
      403,
      'InvalidSecurityToken.Mismatch',
    ],
    ['token on a plain AccessKey', { securityToken: 'tok-123' }, 403, 'InvalidSecurityToken.Mismatch'],
    [
      'x-acs-date 16 minutes old',
      { date: new Date(Date.now() - 16 * 60_000) },
      400,
      'InvalidTimeStamp.Expired',
    ],
    [
      'x-acs-date 16 minutes ahead',
      { date: new Date(Date.now() + 16 * 60_000) },
      400,
      'InvalidTimeStamp.Expired',
    ],
    ['wrong API version', { version: '2017-08-01' }, 400, 'InvalidVersion'],
    ['x-acs-action of another API', { action: 'AbortChangeOrder' }, 400, 'InvalidAction.NotFound'],
    ['wrong method for the path', { method: 'GET' }, 404, 'InvalidAction.NotFound'],
    ['unknown path', { path: '/pop/v1/sam/changeorder/RollbackChangeOrder' }, 404, 'InvalidAction.NotFound'],
    ['no Authorization', { mutate: (h) => void delete h.authorization }, 400, 'MissingAuthorization'],
    [
      'legacy ROA signature',
      {
        mutate: (h) => {
          h.authorization = 'acs LTAI_PLAIN:c2ln';
        },
      },
      400,
      'IncompleteSignature',
    ],
    [
      'a signed header removed',
      { mutate: (h) => void delete h['x-acs-signature-nonce'] },
      400,
      'IncompleteSignature',
    ],
  ])('%s is refused and changes nothing', async (_name, over, status, code) => {
    const res = await abort(over);

    expect(res.status).toBe(status);
    expect(gatewayBody(res.text).Code).toBe(code);
    expect(emu.calls.at(-1)).toMatchObject({ status, code });
    expectUntouched();
  });

  test('the STS credential with its token is accepted', async () => {
    const res = await abort({
      accessKeyId: STS.accessKeyId,
      accessKeySecret: STS.accessKeySecret,
      securityToken: 'tok-123',
    });

    expect(res.status).toBe(200);
    expect(emu.getChangeOrder(coId)?.status).toBe(6);
  });

  test('a replayed request (same nonce) is refused before SAE sees it', async () => {
    const nonce = 'f0ab3563e30447ea5ec11fc6cc4ed248';
    const first = await abort({ nonce });
    emu.setChangeOrderStatus(coId, 1);

    const replay = await abort({ nonce });

    expect(first.status).toBe(200);
    expect(replay.status).toBe(400);
    expect(gatewayBody(replay.text).Code).toBe('SignatureNonceUsed');
    expect(emu.calls.map((c) => c.signatureValid)).toEqual([true, true]);
    expect(emu.getChangeOrder(coId)?.status).toBe(1);
  });

  test('signatureClock decouples the date window from an emulated clock far from real time', async () => {
    const clock = new ManualClock(Date.parse('2001-01-01T00:00:00Z'));
    const other = await startSaeEmulator({ clock, signatureClock: systemClock, credentials: [AK] });
    try {
      other.seedApp({ appId: 'app-1' });

      const res = await sendSigned(other.url, {
        method: 'GET',
        path: '/pop/v1/sam/app/describeApplicationStatus',
        action: 'DescribeApplicationStatus',
        query: { AppId: 'app-1' },
        accessKeyId: AK.accessKeyId,
        accessKeySecret: AK.accessKeySecret,
      });

      expect(res.status).toBe(200);
      expect(other.calls[0]?.at).toBe(Date.parse('2001-01-01T00:00:00Z'));
    } finally {
      await other.close();
    }
  });

  test('the signature window follows the injected clock', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const other = await startSaeEmulator({ clock, credentials: [AK] });
    try {
      other.seedApp({ appId: 'app-1' });
      const send = () =>
        sendSigned(other.url, {
          method: 'GET',
          path: '/pop/v1/sam/app/describeApplicationStatus',
          action: 'DescribeApplicationStatus',
          query: { AppId: 'app-1' },
          accessKeyId: AK.accessKeyId,
          accessKeySecret: AK.accessKeySecret,
          date: new Date('2030-01-01T00:10:00Z'),
        });

      const inWindow = await send();
      clock.advance(26 * 60_000);
      const late = await send();

      expect(inWindow.status).toBe(200);
      expect(late.status).toBe(400);
      expect(gatewayBody(late.text).Code).toBe('InvalidTimeStamp.Expired');
      expect(other.calls.map((c) => c.at)).toEqual([
        Date.parse('2030-01-01T00:00:00Z'),
        Date.parse('2030-01-01T00:26:00Z'),
      ]);
    } finally {
      await other.close();
    }
  });
});
