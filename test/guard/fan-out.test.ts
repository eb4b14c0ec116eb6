import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FcEmulator, startFcEmulator } from '../../emulators/fc/index.js';
import { staticCredentials } from '../../lib/credentials.js';
import type { FcContext } from '../../lib/fc/context.js';
import { fanOutDispatch } from '../../lib/guard/fan-out.js';
import { createConsumerHandler } from '../../lib/handlers/consumer.js';
import { Fc3Invoker } from '../../lib/invoke/fc3.js';
import { taskIdForChangeOrder } from '../../lib/invoke/task-id.js';
import { type GuardStack, STS, startGuardStack } from '../helpers/guard-stack.js';

const SICK = 'fanout-sick-0000-0000-000000000001';
const AGAIN = 'fanout-again-0000-0000-000000000002';
const CONSUMER = 'sae-rollback-consumer';

/**
 * GUARD_DISPATCH=fc-async: the guard hands each finding to the consumer as an async FC 3.0 invocation
 * whose task ID comes from the change order. The FC emulator verifies the ACS3 signature, refuses a
 * second task with the same ID, and runs the real consumer handler in-process after its 202.
 */
describe('guard fan-out to the consumer through FC async invocations', () => {
  let fc: FcEmulator;
  let s: GuardStack;
  let consumer: ((event: Buffer, context: FcContext) => Promise<unknown>) | undefined;

  beforeAll(async () => {
    fc = await startFcEmulator({
      credentials: [STS],
      functions: [
        {
          name: CONSUMER,
          handler: (event, context) => {
            if (!consumer) throw new Error('consumer not wired yet');
            return consumer(event, context);
          },
        },
      ],
    });
    s = await startGuardStack({
      WATCH_APP_IDS: SICK,
      GUARD_DISPATCH: 'fc-async',
      GUARD_CONSUMER_FUNCTION: CONSUMER,
      INVOKE_API: 'fc3',
      INVOKE_ENDPOINT: fc.endpoint,
      INVOKE_PROTOCOL: 'http',
      INVOKE_ACCOUNT_ID: fc.accountId,
      INVOKE_REGION: 'cn-hangzhou',
    });
    const handler = createConsumerHandler(s.rt);
    consumer = (event, context) => {
      s.rt.credentials.set(STS);
      return handler(event, context);
    };
    s.sae.seedApp({ appId: SICK, appName: 'sick', versions: ['v1', 'v2'] });
  });
  afterAll(async () => {
    await Promise.all([s.close(), fc.close()]);
  });
  const aborts = (co: string) =>
    s.sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.query.ChangeOrderId === co);

  it('hands the finding over once, and the consumer aborts it once', async () => {
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3', subStatus: 1 });

    const first = await s.tick();
    await fc.settled();
    expect(first.findings).toMatchObject([{ changeOrderId: co, condition: 'release-exception' }]);
    expect(first.findings[0]?.summary).toMatch(/Handed to sae-rollback-consumer as async task/);

    const async = fc.invocations.filter((i) => i.type === 'Async' && i.taskId === taskIdForChangeOrder(co));
    expect(async.map((i) => [i.functionName, i.taskId, i.accessKeyId])).toEqual([
      [CONSUMER, taskIdForChangeOrder(co), STS.accessKeyId],
    ]);
    expect(JSON.parse(async[0]?.payload ?? '{}')).toMatchObject({ ChangeOrderId: co, appId: SICK });
    expect(aborts(co)).toHaveLength(1);
    expect(s.published().filter((o) => o.changeOrderId === co)).toMatchObject([{ outcome: 'aborted' }]);
  });

  it('lets FC refuse a second hand-over of the same change order', async () => {
    // Its own app and release (not the one the guard test aborted), handed over twice.
    s.sae.seedApp({ appId: AGAIN, appName: 'again', versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId: AGAIN, toVersion: 'v3', subStatus: 1 });
    const dispatch = fanOutDispatch(
      new Fc3Invoker({
        accountId: fc.accountId,
        regionId: 'cn-hangzhou',
        credentials: staticCredentials(STS),
        endpoint: fc.endpoint,
        protocol: 'http',
      }),
      CONSUMER,
    );
    const request = {
      changeOrderId: String(co),
      appId: AGAIN,
      alarm: { source: 'guard' },
      receivedAt: s.clock.now(),
    };
    const first = await dispatch(request, {});
    await fc.settled();
    expect(first.summary).toMatch(/Handed to sae-rollback-consumer as async task/);
    const again = await dispatch(request, {});
    await fc.settled();
    expect(again.summary).toMatch(/FC refused a second task/);
    expect(again.retry).toBe(false);
    expect(
      fc.invocations.filter((i) => i.type === 'Async' && i.taskId === taskIdForChangeOrder(co)),
    ).toHaveLength(1);
    expect(aborts(co)).toHaveLength(1);
  });
});
