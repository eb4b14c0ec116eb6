import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_LOG_DIR_ENV, type ActionLogEntry } from '../../emulators/sae/action-log.js';
import { sendSigned } from '../../emulators/sae/raw-client.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { STS, type Stack, startStack } from '../helpers/stack.js';
import { ALLOWED_SAE_ACTIONS } from './least-authority.setup.js';

type Answer = { statusCode: number; body: string };
const outcomes = (r: unknown) =>
  (JSON.parse((r as Answer).body) as { outcomes: Array<{ outcome: string; summary: string }> }).outcomes;

describe('least authority', () => {
  let s: Stack;
  const ALLOWED = 'a11ed000-0000-4000-8000-000000000001';
  const OTHER = 'a11ed000-0000-4000-8000-000000000002';
  let allowedCo: string;
  let otherCo: string;
  beforeAll(async () => {
    s = await startStack({ POLICY_ALLOW_APP_IDS: ALLOWED, COOLDOWN_SECONDS: '0' });
    for (const appId of [ALLOWED, OTHER])
      s.sae.seedApp({ appId, appName: appId.slice(-4), versions: ['v1', 'v2'] });
    allowedCo = s.sae.startChangeOrder({ appId: ALLOWED, toVersion: 'v3', subStatus: 1 });
    otherCo = s.sae.startChangeOrder({ appId: OTHER, toVersion: 'v3', subStatus: 1 });
  });
  afterAll(() => s.close());

  it('POLICY_ALLOW_APP_IDS: an alarm naming another app is refused before any SAE call', async () => {
    s.sae.clearCalls();
    for (const body of [{ appId: OTHER }, { appId: OTHER, ChangeOrderId: otherCo }]) {
      const res = await s.invoke(httpTriggerEvent(JSON.stringify(body)));
      expect(outcomes(res).map((o) => o.outcome)).toEqual(['refused']);
    }
    expect(s.sae.calls).toEqual([]);
    expect(s.sae.getChangeOrder(otherCo)?.status).toBe(1);
  });

  it('POLICY_ALLOW_APP_IDS: a change order of another app is refused after reading it, never aborted', async () => {
    s.sae.clearCalls();
    const res = await s.invoke(httpTriggerEvent(JSON.stringify({ ChangeOrderId: otherCo })));
    expect(outcomes(res).map((o) => o.outcome)).toEqual(['refused']);
    // Only the change order itself says whose it is: one read, no mutating call.
    expect(s.sae.calls.map((c) => c.action)).toEqual(['DescribeChangeOrder']);
    expect(s.sae.getChangeOrder(otherCo)?.status).toBe(1);
  });

  it('POLICY_ALLOW_APP_IDS: the allowed app is rolled back', async () => {
    const res = await s.invoke(httpTriggerEvent(JSON.stringify({ appId: ALLOWED })));
    expect(outcomes(res).map((o) => o.outcome)).toEqual(['aborted']);
    expect(s.sae.getChangeOrder(allowedCo)?.status).toBe(6);
  });

  it('the whole-suite SAE action log is on, and tells the SDK from raw test clients', async () => {
    const dir = process.env[ACTION_LOG_DIR_ENV];
    expect(dir, `${ACTION_LOG_DIR_ENV} is set by the globalSetup`).toBeTruthy();
    await sendSigned(s.sae.url, {
      method: 'GET',
      path: '/pop/v1/sam/app/deleteApplication',
      action: 'DeleteApplication',
      accessKeyId: STS.accessKeyId,
      accessKeySecret: STS.accessKeySecret,
      securityToken: STS.securityToken ?? '',
    });
    const entries = readFileSync(join(dir ?? '', `${process.pid}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ActionLogEntry);
    expect(entries).toContainEqual(expect.objectContaining({ action: 'ListChangeOrders', sdk: true }));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'DeleteApplication', sdk: false }));
    // This process's share of the whole-suite check the globalSetup's teardown makes.
    expect(entries.filter((e) => e.sdk && !ALLOWED_SAE_ACTIONS.has(e.action))).toEqual([]);
  });
});
