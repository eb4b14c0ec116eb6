import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FcEmulator, startFcEmulator } from '../../emulators/fc/index.js';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { CLI_STS, cli, fixture, freshFixturePath } from './spawn.js';

const TOPIC = 'sae-rollback-outcomes';
/** The app named in cloudmonitor-form.json's dimensions. */
const FIXTURE_APP = '0099b7be-5f5b-4512-a7fc-56049ef10001';

describe('sae-rollback invoke <function> --event (locally, spawned)', () => {
  let sae: SaeEmulator;
  let mns: MnsEmulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    sae = await startSaeEmulator({ credentials: [CLI_STS] });
    mns = await startMnsEmulator({ credentials: [CLI_STS], topics: [TOPIC] });
    env = {
      SAE_REGION: 'cn-hangzhou',
      SAE_ENDPOINT: sae.endpoint,
      SAE_PROTOCOL: 'http',
      MNS_ENDPOINT: mns.url,
    };
  });
  afterAll(async () => {
    await Promise.all([sae.close(), mns.close()]);
  });

  it('runs the alarm handler in-process on a CloudMonitor HTTP-trigger event and prints its answer', async () => {
    sae.seedApp({ appId: FIXTURE_APP, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = sae.startChangeOrder({ appId: FIXTURE_APP, toVersion: 'v3' });
    // The fixture carries no token: secure by default, the local run refuses it like a deployment would…
    const closed = await cli(['invoke', 'alarm', '--event', fixture('cloudmonitor-form.json')], env);
    expect(closed.code).toBe(0); // the function returned (its answer is the 401)
    // stdout is the function's answer only (audit lines go to stderr), so `| jq .statusCode` works.
    const refused = JSON.parse(closed.stdout) as { statusCode: number };
    expect(refused.statusCode).toBe(401);
    expect(sae.getChangeOrder(co)?.status).toBe(1);
    // …and runs it with the credential check turned off on purpose.
    const r = await cli(['invoke', 'alarm', '--event', freshFixturePath('cloudmonitor-form.json')], {
      ...env,
      ALARM_AUTH_REQUIRED: 'false',
      LOG_LEVEL: 'info',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('SECURITY WARNING');
    const res = JSON.parse(r.stdout) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).outcomes[0]).toMatchObject({ outcome: 'aborted', changeOrderId: co });
    expect(sae.getChangeOrder(co)?.status).toBe(6);
    expect(mns.messages(TOPIC)).toHaveLength(1);
  });

  it('exits 66 for a missing event file and 64 for an unknown function', async () => {
    const missing = await cli(['invoke', 'alarm', '--event', fixture('nope.json')], env);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: no such file\n$/);
    const dir = await cli(['invoke', 'alarm', '--event', 'test/fixtures'], env);
    expect(dir.code).toBe(66);
    expect(dir.stderr).toContain('is a directory, not a file');
    expect(dir.stderr).not.toMatch(/ENOENT|EISDIR/);
    const r = await cli(['invoke', 'nosuch', '--event', fixture('timer.json')], env);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/functions: .*alarm.*consumer/);
  });

  it('exits 78 when the function cannot start with this environment', async () => {
    const r = await cli(['invoke', 'consumer', '--event', fixture('timer.json')], {
      SAE_REGION: 'cn-hangzhou',
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('MNS_ENDPOINT');
  });

  it('an event no parser understands is "Rejected an unknown event"', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sae-rollback-unknown-')), 'event.json');
    writeFileSync(file, '{"hello":"world"}');
    const r = await cli(['invoke', 'consumer', '--event', file], env);
    expect(r.stdout).toContain('Rejected an unknown event');
  });
});

describe('sae-rollback invoke --remote (spawned, against the FC emulator)', () => {
  let fc: FcEmulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    fc = await startFcEmulator({
      credentials: [CLI_STS],
      functions: [
        { name: 'sae-rollback-consumer', handler: async (e) => ({ echoed: JSON.parse(e.toString()) }) },
        { name: 'sae-rollback-consumer', service: 'sae-rollback' },
      ],
    });
    env = {
      INVOKE_ENDPOINT: fc.endpoint,
      INVOKE_PROTOCOL: 'http',
      INVOKE_ACCOUNT_ID: fc.accountId,
      INVOKE_REGION: 'cn-hangzhou',
    };
  });
  afterAll(() => fc.close());
  beforeEach(() => fc.reset());

  it('invokes synchronously through FC 3.0 InvokeFunction and prints the result', async () => {
    const r = await cli(
      ['invoke', 'consumer', '--event', fixture('direct-change-order.json'), '--remote'],
      env,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('echoed');
    expect(fc.invocations).toMatchObject([
      { api: 'fc3', functionName: 'sae-rollback-consumer', type: 'Sync' },
    ]);
  });

  it('--async with a task ID: accepted once, then refused as a duplicate (exit 1)', async () => {
    const args = [
      'invoke',
      'consumer',
      '--event',
      fixture('direct-change-order.json'),
      '--remote',
      '--async',
    ];
    const first = await cli([...args, '--task-id', 'sae-rollback-cli-test-1'], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ accepted: true, taskId: 'sae-rollback-cli-test-1' });
    const again = await cli([...args, '--task-id', 'sae-rollback-cli-test-1'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has async task sae-rollback-cli-test-1/);
    expect(fc.invocations).toHaveLength(1);
  });

  it('speaks FC 2.0 with INVOKE_API=fc2', async () => {
    const r = await cli(
      ['invoke', 'consumer', '--event', fixture('direct-change-order.json'), '--remote', '--async'],
      { ...env, INVOKE_API: 'fc2', INVOKE_FC2_SERVICE: 'sae-rollback', INVOKE_ENDPOINT: fc.url },
    );
    expect(r.code).toBe(0);
    expect(fc.invocations).toMatchObject([{ api: 'fc2', service: 'sae-rollback', type: 'Async' }]);
  });

  it('exits 78 without the account and 64 for --async without --remote', async () => {
    const r = await cli(['invoke', 'consumer', '--event', fixture('timer.json'), '--remote'], {
      INVOKE_REGION: 'cn-hangzhou',
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('INVOKE_ACCOUNT_ID');
    expect((await cli(['invoke', 'consumer', '--event', fixture('timer.json'), '--async'], env)).code).toBe(
      64,
    );
  });
});
