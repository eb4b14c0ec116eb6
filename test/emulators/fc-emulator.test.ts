import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DUPLICATE_CODES, type FcEmulator, signFc2, startFcEmulator } from '../../emulators/fc/index.js';
import { signAcs3 } from '../../emulators/sae/index.js';

const AK = { accessKeyId: 'LTAIfcEmulatorTest', accessKeySecret: 'fc-emulator-secret-0123' };
const FC2_PATH = '/2016-08-15/services/svc.LATEST/functions/fn/invocations';
const FC3_PATH = '/2023-03-30/functions/fn/invocations';

let fc: FcEmulator;
beforeAll(async () => {
  fc = await startFcEmulator({
    credentials: [AK],
    functions: [{ name: 'fn', service: 'svc' }, { name: 'fn' }, { name: 'plain', asyncTask: false }],
  });
});
afterAll(() => fc.close());
beforeEach(() => fc.reset());

/** An FC 2.0 request signed by hand, the way @alicloud/fc2 signs it; `tamper` edits it after signing. */
async function fc2Post(
  taskId: string | undefined,
  body: string,
  tamper?: (h: Record<string, string>) => void,
) {
  const buf = Buffer.from(body);
  const headers = signFc2({
    method: 'POST',
    path: FC2_PATH,
    headers: {
      date: new Date().toUTCString(),
      'content-type': 'application/octet-stream',
      'x-fc-account-id': fc.accountId,
      'x-fc-invocation-type': 'Async',
      ...(taskId ? { 'x-fc-stateful-async-invocation-id': taskId } : {}),
    },
    body: buf,
    ...AK,
  });
  tamper?.(headers);
  const res = await fetch(`${fc.url}${FC2_PATH}`, { method: 'POST', headers, body: buf });
  return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, string> | null };
}

async function fc3Post(path: string, taskId: string, body: string) {
  const headers = signAcs3({
    method: 'POST',
    path,
    query: { qualifier: 'LATEST' },
    headers: {
      host: fc.endpoint,
      'x-acs-action': 'InvokeFunction',
      'x-acs-version': '2023-03-30',
      'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'x-acs-signature-nonce': Math.random().toString(16).slice(2),
    },
    body,
    ...AK,
  });
  const res = await fetch(`${fc.url}${path}?qualifier=LATEST`, {
    method: 'POST',
    headers: { ...headers, 'x-fc-invocation-type': 'Async', 'x-fc-async-task-id': taskId },
    body,
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, string> | null };
}

describe('FC emulator: FC 2.0 signature (FC AK:base64 HMAC-SHA256)', () => {
  it('accepts a correctly signed request and stores it', async () => {
    expect((await fc2Post('t-1', '{"x":1}')).status).toBe(202);
    expect(fc.invocations).toMatchObject([{ api: 'fc2', service: 'svc', functionName: 'fn', taskId: 't-1' }]);
  });

  it.each([
    [
      'a changed x-fc-* header',
      (h: Record<string, string>) => {
        h['x-fc-invocation-type'] = 'Sync';
      },
    ],
    [
      'a changed signature',
      (h: Record<string, string>) => {
        h.authorization = `${h.authorization?.slice(0, -4)}AAA=`;
      },
    ],
    [
      'a changed Date',
      (h: Record<string, string>) => {
        h.date = new Date(Date.now() - 1000).toUTCString();
      },
    ],
  ])('refuses %s with 403 SignatureNotMatch', async (_what, tamper) => {
    const r = await fc2Post('t-2', 'body', tamper);
    expect(r.status).toBe(403);
    expect(r.json?.ErrorCode).toBe('SignatureNotMatch');
    expect(fc.invocations).toHaveLength(0);
  });

  it('refuses a body that does not match Content-MD5', async () => {
    const r = await fc2Post('t-3', 'body', (h) => {
      h['content-md5'] = Buffer.from('0'.repeat(32)).toString('base64');
    });
    expect(r.status).toBe(400);
  });

  it('refuses a Date outside the 15-minute window even when signed', async () => {
    const buf = Buffer.from('x');
    const headers = signFc2({
      method: 'POST',
      path: FC2_PATH,
      headers: { date: new Date(Date.now() - 20 * 60_000).toUTCString(), 'content-type': 'text/plain' },
      body: buf,
      ...AK,
    });
    const res = await fetch(`${fc.url}${FC2_PATH}`, { method: 'POST', headers, body: buf });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { ErrorCode: string }).ErrorCode).toBe('RequestTimeTooSkewed');
  });

  it('refuses a duplicate task ID with 409', async () => {
    expect((await fc2Post('dup', 'a')).status).toBe(202);
    const r = await fc2Post('dup', 'b');
    expect(r.status).toBe(409);
    expect(r.json?.ErrorCode).toBe(DUPLICATE_CODES.fc2);
    expect(fc.invocations).toHaveLength(1);
  });
});

describe('FC emulator: FC 3.0 (ACS3-HMAC-SHA256)', () => {
  it('accepts, then refuses the same task ID with 409 and the POP error shape', async () => {
    expect((await fc3Post(FC3_PATH, 'task-a', 'a')).status).toBe(202);
    const r = await fc3Post(FC3_PATH, 'task-a', 'b');
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ Code: DUPLICATE_CODES.fc3 });
    expect(r.json?.RequestId).toBeTruthy();
  });

  it('refuses an invalid task ID and a task ID for a function without async task mode', async () => {
    expect((await fc3Post(FC3_PATH, '1-bad', 'a')).status).toBe(400);
    expect((await fc3Post('/2023-03-30/functions/plain/invocations', 'ok', 'a')).status).toBe(400);
    expect(fc.invocations).toHaveLength(0);
  });

  it('serves the admin surface', async () => {
    await fc3Post(FC3_PATH, 'task-b', 'payload');
    const inv = (await (await fetch(`${fc.url}/__admin/invocations`)).json()) as { invocations: unknown[] };
    expect(inv.invocations).toMatchObject([{ taskId: 'task-b', payload: 'payload' }]);
    const add = await fetch(`${fc.url}/__admin/functions`, { method: 'POST', body: '{"name":"late"}' });
    expect(add.status).toBe(201);
    expect((await fc3Post('/2023-03-30/functions/late/invocations', 'x1', 'a')).status).toBe(202);
  });
});
