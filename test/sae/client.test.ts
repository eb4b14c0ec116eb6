import { createHook } from 'node:async_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { SaeClient } from '../../lib/sae/client.js';
import { SaeError } from '../../lib/sae/errors.js';
import { emulatorClientOptions, STS } from '../helpers/stack.js';

const APP = '0099b7be-5f5b-4512-a7fc-56049ef1b001';

// Error bodies in both shapes SAE is seen to use: the documented one (Code = HTTP status, the error
// code in ErrorCode: the official SDK's response models) and the old one (Code == ErrorCode).
describe.each(['documented', 'legacy'] as const)(
  'SaeClient against the SAE emulator (%s error bodies)',
  (errorShape) => {
    let emu: SaeEmulator;
    let client: SaeClient;

    beforeAll(async () => {
      emu = await startSaeEmulator({
        credentials: [STS, { accessKeyId: 'AK_PLAIN', accessKeySecret: 'plain-secret-123' }],
        errorShape,
      });
      client = new SaeClient(emulatorClientOptions(emu.endpoint));
    });
    afterAll(() => emu.close());
    beforeEach(() => {
      emu.reset();
      emu.seedApp({ appId: APP, appName: 'orders', versions: ['v1', 'v2'] });
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

    it('reads app status, the change order and the list, then aborts it', async () => {
      const co = emu.startChangeOrder({ appId: APP, toVersion: 'v3', subStatus: 1 });
      const status = await client.describeApplicationStatus(APP);
      expect(status.data).toMatchObject({
        appId: APP,
        lastChangeOrderId: co,
        lastChangeOrderRunning: true,
        lastChangeOrderStatus: 'RUNNING',
      });
      expect(status.requestId).toMatch(/^[0-9A-F-]{36}$/);
      const described = await client.describeChangeOrder(co);
      expect(described.data).toMatchObject({
        changeOrderId: co,
        appId: APP,
        appName: 'orders',
        status: 1,
        subStatus: 1,
      });
      const list = await client.listChangeOrders({ appId: APP, pageSize: 5 });
      expect(list.data.changeOrders.map((c) => c.changeOrderId)).toEqual([co]);
      expect(list.data).toMatchObject({ currentPage: 1, pageSize: 5, totalSize: 1 });
      const aborted = await client.abortAndRollbackChangeOrder(co);
      expect(aborted.data.changeOrderId).toBe(co);
      expect(emu.getChangeOrder(co)?.status).toBe(6);
      expect(emu.getApp(APP)?.currentVersion).toBe('v2');
      // Every call was signed with the STS triple and verified.
      expect(emu.calls.map((c) => [c.action, c.accessKeyId, c.signatureValid, c.status])).toEqual([
        ['DescribeApplicationStatus', STS.accessKeyId, true, 200],
        ['DescribeChangeOrder', STS.accessKeyId, true, 200],
        ['ListChangeOrders', STS.accessKeyId, true, 200],
        ['AbortAndRollbackChangeOrder', STS.accessKeyId, true, 200],
      ]);
      expect(emu.calls[3]?.method).toBe('PUT');
    });

    it('signs with a plain AccessKey too, reading credentials on every call', async () => {
      let creds = STS;
      const rotating = new SaeClient({
        regionId: 'cn-hangzhou',
        endpoint: emu.endpoint,
        protocol: 'http',
        credentials: { get: async () => creds },
      });
      await rotating.describeApplicationStatus(APP);
      creds = { accessKeyId: 'AK_PLAIN', accessKeySecret: 'plain-secret-123' };
      await rotating.describeApplicationStatus(APP);
      expect(emu.calls.map((c) => c.accessKeyId)).toEqual([STS.accessKeyId, 'AK_PLAIN']);
    });

    it('classifies an abort of a finished change order as already-done', async () => {
      const co = emu.startChangeOrder({ appId: APP });
      emu.setChangeOrderStatus(co, 2);
      const e = await fail(client.abortAndRollbackChangeOrder(co));
      expect([e.kind, e.code, e.httpStatus]).toEqual([
        'already-done',
        'Application.ChangerOrder.Not.Running',
        400,
      ]);
      expect(e.requestId).toBe(emu.calls.at(-1)?.requestId);
    });

    it.each([
      [
        'unknown change order',
        () => client.abortAndRollbackChangeOrder('ba386059-69b1-4e65-b1e5-0682d9fa9999'),
        'InvalidChangeOrder.NotFound',
        400,
        'not-found',
      ],
      [
        'unknown app',
        () => client.describeApplicationStatus('0099b7be-0000-0000-0000-000000000000'),
        'InvalidAppId.NotFound',
        404,
        'not-found',
      ],
    ] as const)('maps %s to %s', async (_n, call, code, http, reason) => {
      const e = await fail(call());
      expect([e.kind, e.reason, e.code, e.httpStatus]).toEqual(['permanent', reason, code, http]);
    });

    it('maps RAM denials and resource permissions to forbidden', async () => {
      emu.addCredential({ ...STS, deniedActions: ['AbortAndRollbackChangeOrder'] });
      const co = emu.startChangeOrder({ appId: APP });
      const denied = await fail(client.abortAndRollbackChangeOrder(co));
      expect([denied.reason, denied.code, denied.httpStatus]).toEqual(['forbidden', 'AccessDenied', 403]);
      emu.addCredential({ ...STS, allowedAppIds: ['some-other-app'] });
      const noPerm = await fail(client.describeChangeOrder(co));
      expect([noPerm.reason, noPerm.code]).toEqual(['forbidden', 'Resouce.no.permission']);
      emu.addCredential(STS);
      expect(emu.getChangeOrder(co)?.status).toBe(1);
    });

    it.each([
      [{ kind: 'throttle' } as const, 'Throttling.User'],
      [{ kind: 'html' } as const, 'NonJsonResponse'],
      [{ kind: 'reset' } as const, 'ECONNRESET'],
      [{ kind: 'http-error', status: 503, code: 'ServiceUnavailable' } as const, 'ServiceUnavailable'],
      [{ kind: 'http-error', status: 400, code: 'System.Upgrading' } as const, 'System.Upgrading'],
      [
        { kind: 'success-false', code: 'Application.ChangerOrderRunning' } as const,
        'Application.ChangerOrderRunning',
      ],
    ])('classifies injected fault %o as retryable (%s)', async (fault, code) => {
      emu.injectFault({ ...fault, action: 'DescribeChangeOrder' });
      const co = emu.startChangeOrder({ appId: APP });
      const e = await fail(client.describeChangeOrder(co));
      expect([e.kind, e.code]).toEqual(['retryable', code]);
      // The fault fired once; the same call now succeeds.
      expect((await client.describeChangeOrder(co)).data.status).toBe(1);
    });

    it('gives up on a response slower than the read timeout, as retryable', async () => {
      emu.injectFault({ kind: 'latency', ms: 1_500, action: 'DescribeApplicationStatus' });
      const e = await fail(client.describeApplicationStatus(APP));
      expect(e.kind).toBe('retryable');
      expect(['RequestTimeout', 'ETIMEDOUT', 'ECONNRESET']).toContain(e.code);
    });

    it('leaves no read timer running once an answer is read, an error answer too (each kept its request alive for 5 s)', async () => {
      // Unref'd timers are not in process.getActiveResourcesInfo(): follow each Timeout from init to destroy.
      const live = new Set<number>();
      const hook = createHook({
        init: (id, type) => type === 'Timeout' && live.add(id),
        destroy: (id) => live.delete(id),
      });
      await client.describeApplicationStatus(APP); // the first call opens the keep-alive socket
      hook.enable();
      try {
        for (let i = 0; i < 20; i++) {
          if (i % 2 === 0) await client.describeApplicationStatus(APP);
          else await fail(client.describeApplicationStatus('0099b7be-0000-0000-0000-000000000000'));
        }
        await new Promise((resolve) => setImmediate(resolve)); // destroy hooks run after the turn
      } finally {
        hook.disable();
      }
      expect(emu.calls).toHaveLength(21);
      // What may remain: the sockets' idle timers and the last request's, not one per call (it was 20 more).
      expect(live.size).toBeLessThan(6);
    });

    it('refuses paging that is not a positive integer, or a CoStatus that is not one, without any request', async () => {
      const errors = await Promise.all([
        fail(client.listChangeOrders({ appId: APP, pageSize: 0 })),
        fail(client.listChangeOrders({ appId: APP, currentPage: -1 })),
        fail(client.listChangeOrders({ appId: APP, pageSize: 1.5 })),
        fail(client.listChangeOrders({ appId: APP, coStatus: Number.NaN })),
      ]);
      expect(errors.map((e) => [e.code, e.reason])).toEqual(
        Array.from({ length: 4 }, () => ['InvalidParameter.Local', 'invalid-input']),
      );
      expect(errors[0]?.message).toContain('pageSize that is not a positive integer');
      expect(emu.calls).toHaveLength(0);
    });

    it('refuses to put an invalid ID in a URL, without any request', async () => {
      const e = await fail(client.abortAndRollbackChangeOrder('x&ChangeOrderId=y'));
      expect([e.kind, e.reason]).toEqual(['permanent', 'invalid-input']);
      expect(emu.calls).toHaveLength(0);
    });
  },
);
