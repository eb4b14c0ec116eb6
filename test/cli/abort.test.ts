import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { CLI_STS, cli } from './spawn.js';

const TOPIC = 'sae-rollback-outcomes';
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
    MNS_TOPIC: TOPIC,
  };
});
afterAll(async () => {
  await Promise.all([sae.close(), mns.close()]);
});
beforeEach(() => {
  sae.reset();
  mns.reset();
});

let n = 0;
function seed(): { appId: string; changeOrderId: string } {
  n += 1;
  const appId = `cli-abort-app-${String(n).padStart(4, '0')}`;
  sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'], history: true });
  return { appId, changeOrderId: sae.startChangeOrder({ appId, toVersion: 'v3' }) };
}

describe('sae-rollback abort (spawned, against the SAE and MNS emulators)', () => {
  it('aborts a change order through the core: SAE terminates it, the outcome is published, exit 0', async () => {
    const { changeOrderId } = seed();
    const r = await cli(['abort', changeOrderId], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^aborted: Aborted change order /);
    expect(sae.getChangeOrder(changeOrderId)?.status).toBe(6);
    expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
    const [msg] = mns.messages(TOPIC);
    expect(JSON.parse(msg?.body ?? '{}')).toMatchObject({
      outcome: 'aborted',
      changeOrderId,
      alarm: { source: 'cli' },
    });
  });

  it('--app resolves the running change order; --json prints the whole outcome', async () => {
    const { appId, changeOrderId } = seed();
    const r = await cli(['abort', '--app', appId, '--json', '--reason', 'p99 latency'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ outcome: 'aborted', appId, changeOrderId, alarm: { name: 'p99 latency' } });
    expect(out.publications).toEqual([expect.objectContaining({ channel: 'mns', ok: true })]);
  });

  it('exits 3 when there is nothing to abort', async () => {
    const { changeOrderId } = seed();
    sae.setChangeOrderStatus(changeOrderId, 2);
    const r = await cli(['abort', changeOrderId], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^already-finished: /);
    expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(0);
  });

  it('--dry-run reads and says what it would do, and aborts nothing', async () => {
    const { appId, changeOrderId } = seed();
    const r = await cli(['abort', '--app', appId, '--dry-run'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dry-run: /);
    expect(r.stdout).toContain(changeOrderId);
    expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(0);
    // It read the executing change order (ListChangeOrders names it, its type and start).
    expect(sae.callsTo('ListChangeOrders').length).toBeGreaterThan(0);
    expect(sae.getChangeOrder(changeOrderId)?.status).toBe(1);
  });

  it('--dry-run publishes on no channel, even after a real abort of the same change order', async () => {
    const { appId, changeOrderId } = seed();
    const first = await cli(['abort', '--app', appId, '--dry-run'], env);
    expect(first.code).toBe(0);
    expect(mns.messages(TOPIC)).toHaveLength(0);
    const real = await cli(['abort', changeOrderId], env);
    expect(real.code).toBe(0);
    expect(mns.messages(TOPIC)).toHaveLength(1);
    const again = await cli(['abort', changeOrderId, '--dry-run'], env);
    expect(again.code).toBe(0);
    expect(mns.messages(TOPIC)).toHaveLength(1);
  });

  it('abort again after an abort exits 0: the change order is terminated, as asked', async () => {
    const { changeOrderId } = seed();
    expect((await cli(['abort', changeOrderId], env)).code).toBe(0);
    const again = await cli(['abort', changeOrderId], env);
    expect(again.stdout).toMatch(/^already-finished: .*terminated/);
    expect(again.code).toBe(0);
    expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
  });

  it('exits 1 for a change order SAE does not know', async () => {
    const r = await cli(['abort', 'ffffffff-0000-4000-8000-000000000000'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^not-found: /);
  });

  it('exits 64 for bad usage and 78 (naming the variable) for missing configuration', async () => {
    expect((await cli(['abort'], env)).code).toBe(64);
    expect((await cli(['abort', 'x&y=1'], env)).code).toBe(64);
    expect((await cli(['abort', 'cli-abort-app-0001', '--app', 'cli-abort-app-0001'], env)).code).toBe(64);
    const r = await cli(['abort', 'ba386059-69b1-4e65-b1e5-0682d9fa1234'], { ...env, SAE_REGION: 'nowhere' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('SAE_REGION');
  });
  it('refuses a running scale-out (exit 3, the reason on stdout) unless --allow-type names it', async () => {
    n += 1;
    const appId = `cli-abort-app-${String(n).padStart(4, '0')}`;
    sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = sae.startChangeOrder({ appId, coTypeCode: 'CoScaleOut' });

    const dry = await cli(['abort', co, '--dry-run'], env);
    const refused = await cli(['abort', '--app', appId], env);
    const bad = await cli(['abort', co, '--allow-type', 'ScaleOut'], env);
    expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(0);
    const allowed = await cli(['abort', co, '--allow-type', 'CoScaleOut'], env);

    expect([dry.code, refused.code, bad.code, allowed.code]).toEqual([3, 3, 64, 0]);
    expect(dry.stdout).toMatch(/^refused: .*CoScaleOut/);
    expect(refused.stdout).toMatch(/^refused: .*CoScaleOut.*not a release/);
    expect(bad.stderr).toMatch(/--allow-type ScaleOut: not an SAE CoTypeCode; known: .*CoScaleOut/);
    expect(allowed.stdout).toMatch(/^aborted: /);
    expect(sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
  });

  it('exits 0 after it rolled the app back inside the bake window (RollbackApplication)', async () => {
    const { appId, changeOrderId } = seed();
    sae.finishChangeOrder(changeOrderId, { status: 2 });
    const r = await cli(['abort', '--app', appId], { ...env, BAKE_WINDOW_SECONDS: '1800' });
    expect(r.stdout).toMatch(/^rolled-back-application: /);
    expect(sae.callsTo('RollbackApplication')).toHaveLength(1);
    expect(r.code).toBe(0);
  });
});
