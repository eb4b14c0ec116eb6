// Post-rollback hooks end to end: after the follow-up confirms the rollback, an FC function is invoked
// asynchronously (FC emulator: ACS3 signatures, task IDs refused twice) and a signed webhook receives
// the follow-up; retried, reported in the outcome, and never a second abort.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FcEmulator, startFcEmulator } from '../../emulators/fc/index.js';
import { startWebhookEmulator, type WebhookEmulator } from '../../emulators/webhook/index.js';
import { staticCredentials } from '../../lib/credentials.js';
import { ConfiguredHooks, hookTaskId } from '../../lib/follow/hooks.js';
import { Fc3Invoker } from '../../lib/invoke/fc3.js';
import { type GuardStack, newAppId, STS, startGuardStack } from '../helpers/guard-stack.js';

const HOOK_FN = 'undo-migration';
const SECRET = 'hook-secret-0123456789abcdef';

describe('post-rollback hooks', () => {
  let fc: FcEmulator;
  let hook: WebhookEmulator;
  let s: GuardStack;

  beforeAll(async () => {
    fc = await startFcEmulator({
      credentials: [STS],
      functions: [{ name: HOOK_FN, handler: async () => 'ok' }],
    });
    hook = await startWebhookEmulator({ secrets: [SECRET] });
    s = await startGuardStack({
      HOOK_FC_FUNCTION: HOOK_FN,
      INVOKE_API: 'fc3',
      INVOKE_ENDPOINT: fc.endpoint,
      INVOKE_PROTOCOL: 'http',
      INVOKE_ACCOUNT_ID: fc.accountId,
      INVOKE_REGION: 'cn-hangzhou',
      HOOK_WEBHOOK_URL: `${hook.url}/hooks/after-rollback`,
      HOOK_WEBHOOK_SECRET: SECRET,
      HOOK_ATTEMPTS: '3',
      COOLDOWN_SECONDS: '0',
    });
  });
  afterAll(async () => {
    await Promise.all([s.close(), fc.close(), hook.close()]);
  });

  async function recovered(): Promise<{ co: string; appId: string }> {
    const appId = newAppId('hooks');
    s.sae.seedApp({ appId, versions: ['v1'] });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v2' });
    const res = await s.alarm({ appId, changeOrderId: co, alarmName: 'errors' });
    expect(res.outcomes[0]?.outcome).toBe('aborted');
    s.clock.advance(31_000);
    await s.tick();
    return { co, appId };
  }

  it('run once the rollback is confirmed, with the follow-up as payload, and are reported in it', async () => {
    hook.injectFault({ kind: 'status', status: 503, times: 1 });
    const { co } = await recovered();
    await fc.settled();

    const [f] = s.published().filter((o) => o.changeOrderId === co && o.outcome === 'recovered');
    expect(f?.hooks).toEqual([
      { kind: 'fc', target: HOOK_FN, ok: true, attempts: 1, taskId: hookTaskId(co) },
      { kind: 'webhook', target: new URL(hook.url).host, ok: true, attempts: 2 },
    ]);
    const invoked = fc.invocations.filter((i) => i.functionName === HOOK_FN);
    expect(invoked).toHaveLength(1);
    expect(invoked[0]).toMatchObject({ type: 'Async', taskId: hookTaskId(co) });
    expect(JSON.parse(invoked[0]?.payload ?? '{}')).toMatchObject({
      outcome: 'recovered',
      changeOrderId: co,
    });
    const delivered = hook.deliveries().filter((d) => d.outcome.changeOrderId === co);
    expect(delivered.map((d) => d.outcome.outcome)).toEqual(['recovered']);
    expect(delivered[0]?.path).toBe('/hooks/after-rollback');

    // Later runs never run them again, and nothing aborts twice.
    s.clock.advance(10 * 60_000);
    await s.tick();
    expect(fc.invocations.filter((i) => i.functionName === HOOK_FN)).toHaveLength(1);
    expect(s.mutations().filter((m) => m.query.ChangeOrderId === co)).toHaveLength(1);
  });

  it('a hook that keeps failing is reported as failed; the follow-up is still published once', async () => {
    hook.injectFault({ kind: 'status', status: 500, times: 3 });
    const { co } = await recovered();
    const fs = s.published().filter((o) => o.changeOrderId === co && o.follows);
    expect(fs).toHaveLength(1);
    expect(fs[0]?.hooks?.find((h) => h.kind === 'webhook')).toMatchObject({ ok: false, attempts: 3 });
    expect(fs[0]?.hooks?.find((h) => h.kind === 'fc')).toMatchObject({ ok: true });
  });

  it('FC refuses a second submission of the same task ID (a repeat after a crash): counted as done', async () => {
    const co = 'hook-repeat-0000-0000-000000000001';
    const invoker = new Fc3Invoker({
      accountId: fc.accountId,
      regionId: 'cn-hangzhou',
      endpoint: fc.endpoint,
      protocol: 'http',
      credentials: staticCredentials(STS),
    });
    const hooks = new ConfiguredHooks(
      { fc: { functionName: HOOK_FN, invoker: undefined as never }, attempts: 2 },
      { invoker },
    );
    const outcome = { ...s.published()[0], changeOrderId: co } as never;
    const first = await hooks.run(outcome);
    const second = await hooks.run(outcome);
    expect(first).toEqual([{ kind: 'fc', target: HOOK_FN, ok: true, attempts: 1, taskId: hookTaskId(co) }]);
    expect(second).toEqual(first);
    expect(fc.invocations.filter((i) => i.taskId === hookTaskId(co))).toHaveLength(1);
  });
});
