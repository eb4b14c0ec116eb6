import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { CLI_STS, cli } from './spawn.js';

let sae: SaeEmulator;
let env: Record<string, string>;
const APP = 'cli-status-app-0001';
let running: string;
let finished: string;

beforeAll(async () => {
  sae = await startSaeEmulator({ credentials: [CLI_STS] });
  // No MNS settings at all: status publishes nothing and must not need them.
  env = { SAE_REGION: 'cn-hangzhou', SAE_ENDPOINT: sae.endpoint, SAE_PROTOCOL: 'http' };
  sae.seedApp({ appId: APP, appName: 'checkout', versions: ['v1', 'v2'] });
  finished = sae.startChangeOrder({ appId: APP, toVersion: 'v3' });
  sae.setChangeOrderStatus(finished, 2);
  running = sae.startChangeOrder({ appId: APP, toVersion: 'v4', description: 'deploy v4' });
});
afterAll(() => sae.close());

describe('sae-rollback status (spawned)', () => {
  it('prints the app, its last change order and the recent ones as tables, read-only', async () => {
    const r = await cli(['status', APP], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Application ${APP} (checkout)`);
    expect(r.stdout).toMatch(new RegExp(`last change order\\s+${running} \\(running\\)`));
    expect(r.stdout).toMatch(/status\s+executing \(1\), sub-status/);
    expect(r.stdout).toMatch(/abortable\s+yes/);
    // Times carry their zone: SAE's zone-less UTC+8 shown in UTC.
    expect(r.stdout).toMatch(/created\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z/);
    expect(r.stdout).toMatch(/CHANGE ORDER\s+TYPE\s+STATUS\s+CREATED\s+FINISHED/);
    expect(r.stdout).toMatch(new RegExp(`${finished}\\s+\\S+\\s+succeeded \\(2\\)`));
    const actions = sae.calls.map((c) => c.action);
    expect(actions).toEqual(['DescribeApplicationStatus', 'DescribeChangeOrder', 'ListChangeOrders']);
  });

  it('--json prints the three answers', async () => {
    const r = await cli(['status', APP, '--json', '--limit', '1'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.application).toMatchObject({ appId: APP, lastChangeOrderId: running });
    expect(out.lastChangeOrder).toMatchObject({ changeOrderId: running, status: 1 });
    expect(out.changeOrders.changeOrders).toHaveLength(1);
  });

  it('exits 1 for an unknown app and 64 for bad usage', async () => {
    const r = await cli(['status', 'no-such-app-000'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sae-rollback status: .*/);
    expect((await cli(['status'], env)).code).toBe(64);
    expect((await cli(['status', APP, '--limit', '500'], env)).code).toBe(64);
  });
});
