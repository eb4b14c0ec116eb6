import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FcEmulator, startFcEmulator } from '../../emulators/fc/index.js';
import { type CloudCredentials, staticCredentials } from '../../lib/credentials.js';
import { DuplicateTaskError, InvokeError } from '../../lib/invoke/errors.js';
import { Fc2Invoker } from '../../lib/invoke/fc2.js';
import { Fc3Invoker } from '../../lib/invoke/fc3.js';
import { taskIdForChangeOrder } from '../../lib/invoke/task-id.js';
import type { Invoker } from '../../lib/invoke/types.js';

const STS: CloudCredentials = {
  accessKeyId: 'STS.invokerTestKey',
  accessKeySecret: 'invoker-secret-0123456789',
  securityToken: 'invoker-sts-token-abcdef',
};
const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa1234';

let fc: FcEmulator;
beforeAll(async () => {
  fc = await startFcEmulator({
    credentials: [STS],
    functions: [
      { name: 'sae-rollback-consumer', handler: async (event) => ({ got: JSON.parse(event.toString()) }) },
      { name: 'boom', handler: async () => Promise.reject(new Error('kaboom')) },
      {
        name: 'sae-rollback-consumer',
        service: 'sae-rollback',
        handler: async (e) => ({ got: e.toString() }),
      },
    ],
  });
});
afterAll(() => fc.close());
beforeEach(() => fc.reset());

const adapters: Array<[string, (creds?: CloudCredentials) => Invoker]> = [
  [
    'FC 3.0 InvokeFunction (openapi-client, ACS3)',
    (creds = STS) =>
      new Fc3Invoker({
        accountId: fc.accountId,
        regionId: 'cn-hangzhou',
        credentials: staticCredentials(creds),
        endpoint: fc.endpoint,
        protocol: 'http',
      }),
  ],
  [
    'FC 2.0 InvokeFunction (@alicloud/fc2)',
    (creds = STS) =>
      new Fc2Invoker({
        accountId: fc.accountId,
        regionId: 'cn-hangzhou',
        credentials: staticCredentials(creds),
        serviceName: 'sae-rollback',
        endpoint: fc.url,
      }),
  ],
];

describe.each(adapters)('%s', (_name, make) => {
  it('submits an async invocation under the task ID; the emulator verified the signature', async () => {
    const invoker = make();
    const taskId = taskIdForChangeOrder(CO);
    const res = await invoker.invokeAsync('sae-rollback-consumer', JSON.stringify({ ChangeOrderId: CO }), {
      taskId,
    });
    expect(res.taskId).toBe(taskId);
    expect(res.requestId).not.toBe('');
    await fc.settled();
    expect(fc.invocations).toHaveLength(1);
    const inv = fc.invocations[0];
    expect(inv).toMatchObject({
      api: invoker.api,
      functionName: 'sae-rollback-consumer',
      qualifier: 'LATEST',
      type: 'Async',
      taskId,
      accessKeyId: STS.accessKeyId,
      status: 'Succeeded',
    });
    expect(JSON.parse(inv?.payload ?? '')).toEqual({ ChangeOrderId: CO });
    expect(fc.requests.every((r) => r.signatureValid)).toBe(true);
  });

  it('FC refuses the same task ID twice: DuplicateTaskError, one invocation stored', async () => {
    const invoker = make();
    const taskId = taskIdForChangeOrder(CO);
    await invoker.invokeAsync('sae-rollback-consumer', 'first', { taskId });
    const second = await invoker.invokeAsync('sae-rollback-consumer', 'second', { taskId }).catch((e) => e);
    expect(second).toBeInstanceOf(DuplicateTaskError);
    expect(second).toMatchObject({ taskId, statusCode: 409, retryable: false });
    expect(fc.invocations.map((i) => i.payload)).toEqual(['first']);
    expect(fc.requests.map((r) => r.status)).toEqual([202, 409]);
  });

  it('a wrong secret is refused by the signature check, nothing stored', async () => {
    fc.addCredential({ ...STS, accessKeyId: 'STS.otherKey' });
    const invoker = make({ ...STS, accessKeyId: 'STS.otherKey', accessKeySecret: 'not-the-secret' });
    const err = await invoker.invokeAsync('sae-rollback-consumer', 'x', { taskId: 'task_1' }).catch((e) => e);
    expect(err).toBeInstanceOf(InvokeError);
    expect(err).toMatchObject({ statusCode: 403, retryable: false });
    expect(err.code).toMatch(/^Signature/);
    expect(fc.invocations).toHaveLength(0);
    expect(fc.requests[0]?.signatureValid).toBe(false);
  });

  it('invokes synchronously and returns what the function returned', async () => {
    const res = await make().invokeSync('sae-rollback-consumer', '{"a":1}');
    expect(res.errorType).toBeUndefined();
    expect(JSON.parse(res.body.toString())).toEqual({ got: make().api === 'fc3' ? { a: 1 } : '{"a":1}' });
  });

  it('rejects an invalid task ID before sending anything', async () => {
    const err = await make()
      .invokeAsync('sae-rollback-consumer', 'x', { taskId: '9starts-with-digit' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvokeError);
    expect(fc.requests).toHaveLength(0);
  });

  it('an unknown function is a permanent failure', async () => {
    const err = await make()
      .invokeAsync('no-such-fn', 'x', { taskId: 't1' })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, code: 'FunctionNotFound', retryable: false });
  });
});

describe('FC 3.0 sync invocation of a function that throws', () => {
  it('reports X-Fc-Error-Type with a 200', async () => {
    const res = await adapters[0]?.[1]().invokeSync('boom', '{}');
    expect(res?.statusCode).toBe(200);
    expect(res?.errorType).toBe('UnhandledInvocationError');
    expect(JSON.parse(res?.body.toString() ?? '')).toMatchObject({ errorMessage: 'kaboom' });
  });
});
