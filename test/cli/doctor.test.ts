import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../emulators/eventbridge/index.js';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { CLI_STS, cli } from './spawn.js';

let sae: SaeEmulator;
let mns: MnsEmulator;
let eb: EventBridgeEmulator;
let env: Record<string, string>;
const APP = '0099b7be-5f5b-4512-a7fc-56049ef1d0c0';

beforeAll(async () => {
  sae = await startSaeEmulator({ credentials: [CLI_STS] });
  mns = await startMnsEmulator({ credentials: [CLI_STS], topics: ['sae-rollback-outcomes'] });
  eb = await startEventBridgeEmulator({ credentials: [CLI_STS], buses: ['sae-rollback'] });
  env = {
    SAE_REGION: 'cn-hangzhou',
    SAE_ENDPOINT: sae.endpoint,
    SAE_PROTOCOL: 'http',
    MNS_ENDPOINT: mns.url,
    ALARM_AUTH_TOKENS: 'doctor-test-token-0123456789',
    WATCH_APP_IDS: APP,
    EVENTBRIDGE_BUS: 'sae-rollback',
    EVENTBRIDGE_ENDPOINT: eb.url,
  };
});
afterAll(async () => {
  await Promise.all([sae.close(), mns.close(), eb.close()]);
});
beforeEach(() => {
  sae.reset();
  eb.reset();
  sae.seedApp({ appId: APP, appName: 'checkout', versions: ['v1', 'v2'] });
});

describe('sae-rollback doctor (spawned, against the emulators)', () => {
  it('passes a complete configuration: a checklist on stdout, exit 0, nothing mutating called', async () => {
    const r = await cli(['doctor'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok {4}RAM sae:DescribeApplicationStatus/m);
    expect(r.stdout).toMatch(/^-- {4}RAM sae:AbortAndRollbackChangeOrder: no harmless call/m);
    expect(r.stdout).toMatch(/^ok {4}MNS topic exists: sae-rollback-outcomes/m);
    expect(r.stdout).toMatch(/^ok {4}EventBridge bus exists: sae-rollback at http:\/\/127\.0\.0\.1:/m);
    expect(r.stdout).toContain('All checks passed');
    expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(0);
    expect(mns.messages()).toHaveLength(0);
    expect(eb.events()).toHaveLength(0);
    expect(eb.requests.map((q) => [q.path, q.status, q.signatureValid])).toEqual([
      ['/openapi/getEventBus', 200, true],
    ]);
  });

  it('a missing EventBridge bus fails with the fix', async () => {
    const r = await cli(['doctor'], { ...env, EVENTBRIDGE_BUS: 'no-such-bus' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^FAIL {2}EventBridge bus exists: no-such-bus does not exist.*\n {8}fix: create the event bus no-such-bus in cn-hangzhou/m,
    );
    expect(eb.requests.at(-1)).toMatchObject({ status: 404, code: 'EventBusNotExist', signatureValid: true });
  });

  it('credentials that may not read the bus fail with the grant to add', async () => {
    eb.addCredential({ ...CLI_STS, denied: ['GetEventBus'] });
    const r = await cli(['doctor', '--json'], env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; fix?: string }> };
    const failed = out.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.name)).toEqual(['EventBridge bus exists']);
    expect(failed[0]?.fix).toContain(
      'grant eventbridge:GetEventBus on acs:eventbridge:cn-hangzhou:*:eventbus/sae-rollback',
    );
    expect(eb.requests.at(-1)).toMatchObject({ status: 403, code: 'AccessDenied', signatureValid: true });
  });

  it('a RAM action the role lacks fails with the fix, exit 1', async () => {
    sae.injectFault({
      kind: 'http-error',
      action: 'ListChangeOrders',
      status: 403,
      code: 'Forbidden.NoPermission',
      shape: 'pop',
    });
    const r = await cli(['doctor', '--json'], env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: Array<{ name: string; status: string; fix?: string }>;
    };
    expect(out.ok).toBe(false);
    const failed = out.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.name)).toEqual(['RAM sae:ListChangeOrders']);
    expect(failed[0]?.fix).toContain('sae:ListChangeOrders');
  });

  it('a missing MNS topic fails with the fix', async () => {
    const r = await cli(['doctor'], { ...env, MNS_TOPIC: 'no-such-topic' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^FAIL {2}MNS topic exists: no-such-topic does not exist.*\n {8}fix: create the MNS topic no-such-topic/m,
    );
  });

  it('an open HTTP trigger and a guard budget that cannot fit fail, each with its fix', async () => {
    const r = await cli(['doctor'], {
      ...env,
      ALARM_AUTH_TOKENS: '',
      ALARM_AUTH_REQUIRED: 'false',
      SAE_CALLS_PER_WINDOW: '20',
      GUARD_CALLS_PER_RUN: '15',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}HTTP trigger authentication: .*open\n {8}fix: set ALARM_AUTH_TOKENS/m);
    expect(r.stdout).toMatch(
      /^FAIL {2}SAE call budget: .*\n {8}fix: lower GUARD_CALLS_PER_RUN to at most 5/m,
    );
  });

  it('an unreachable Redis fails with the fix', async () => {
    const r = await cli(['doctor'], {
      ...env,
      IDEMPOTENCY_STORE: 'redis',
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_TIMEOUT_MS: '300',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}Redis: 127\.0\.0\.1:1: .*\n {8}fix: check REDIS_URL/m);
  });

  it('without credentials: one line, exit 78', async () => {
    const r = await cli(['doctor'], {
      ...env,
      ALIBABA_CLOUD_ACCESS_KEY_ID: '',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: '',
    });
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
