import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmacV1 } from '../../lib/auth/compare.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, TOKEN_HEADER } from '../../lib/auth/http-auth.js';
import { REQUIRED_ENV, renderTemplate } from '../deploy/render.js';
import { type Stack, startStack } from '../helpers/stack.js';
import { httpRequest } from './http-request.js';

type Answer = { statusCode: number; headers: Record<string, string>; body: string };
type Line = { level: string; msg: string; status?: number };

/**
 * The alarm function's environment exactly as `s deploy` sets it when the deployer exported only the
 * required variables (rendered by the real CLI): every auth variable empty. Only the endpoints point at
 * the emulators, and FC's own FC_* variables are added.
 */
function deployedEnv(): Record<string, string> {
  const r = renderTemplate('s.yaml', { ...REQUIRED_ENV });
  const env = r.project?.resources.alarm?.props.environmentVariables as Record<string, string> | undefined;
  if (!env) throw new Error(`s preview failed:\n${r.output}`);
  for (const k of ['ALARM_AUTH_TOKENS', 'ALARM_HMAC_SECRETS', 'ALARM_SOURCE_CIDRS', 'ALARM_AUTH_REQUIRED']) {
    expect(env[k], k).toBe('');
  }
  // The emulators are reached with the stack's own SAE_/MNS_ settings; the rest is what FC would set.
  const { SAE_REGION: _region, ...rest } = env;
  return { ...rest, FC_REGION: 'cn-hangzhou', FC_ACCOUNT_ID: '1234567890123456' };
}

let seq = 0;
function newRelease(s: Stack): string {
  const appId = `d0000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  s.sae.seedApp({ appId, appName: `closed${seq}`, versions: ['v1', 'v2'] });
  return s.sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 });
}

describe('secure by default: no credential configured', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack(deployedEnv());
  });
  afterAll(() => s.close());
  beforeEach(() => {
    s.sae.clearCalls();
    s.mns.reset();
  });

  const lines = (from = 0) => s.logs.slice(from).map((l) => JSON.parse(l) as Line);

  async function refused(event: Buffer): Promise<Answer> {
    const before = s.logs.length;
    const res = (await s.invoke(event)) as Answer;
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Token/);
    expect(s.sae.calls).toHaveLength(0);
    expect(s.mns.requests).toHaveLength(0);
    expect(lines(before).some((l) => l.msg === 'decision')).toBe(false);
    return res;
  }

  it('refuses every HTTP request with 401: nothing parsed, no SAE call, no publication', async () => {
    const co = newRelease(s);
    const body = JSON.stringify({ ChangeOrderId: co });
    const ts = String(Math.floor(Date.now() / 1000));
    await refused(httpRequest(body));
    await refused(httpRequest(body, { query: { token: 'guessed-token-0123456789' } }));
    await refused(httpRequest(body, { headers: { [TOKEN_HEADER]: 'guessed-token-0123456789' } }));
    await refused(
      httpRequest(body, {
        headers: {
          [SIGNATURE_HEADER]: `v1=${hmacV1('guessed-secret-0123456789', ts, Buffer.from(body))}`,
          [TIMESTAMP_HEADER]: ts,
        },
      }),
    );
    // A real CloudMonitor callback, and an HTTP envelope too broken to read.
    const form = readFileSync(new URL('../fixtures/events/cloudmonitor-form.json', import.meta.url));
    await refused(form);
    await refused(Buffer.from('{"version":"v1","rawPath":"/","requestContext":7,"body":12}'));
    // The release is still running: nobody aborted it.
    expect(s.sae.getChangeOrder(co)?.status).toBe(1);
  });

  it('says so at cold start, naming the variables to set', () => {
    const said = lines().find((l) => /refuses every HTTP request/.test(l.msg));
    expect(said?.level).toBe('error');
    expect(said?.msg).toMatch(/ALARM_AUTH_TOKENS/);
    expect(said?.msg).toMatch(/ALARM_AUTH_REQUIRED=false/);
    expect(lines().some((l) => /^SECURITY WARNING/.test(l.msg))).toBe(false);
  });

  it('still runs direct invocations (FC checked fc:InvokeFunction): the consumer and guard paths are unaffected', async () => {
    const co = newRelease(s);
    const res = (await s.invoke(Buffer.from(JSON.stringify({ ChangeOrderId: co })))) as {
      outcomes: { outcome: string }[];
    };
    expect(res.outcomes.map((o) => o.outcome)).toEqual(['aborted']);
  });
});

describe('ALARM_AUTH_REQUIRED=false, on purpose', () => {
  it('opens the trigger, and warns at every cold start', async () => {
    const s = await startStack({ ...deployedEnv(), ALARM_AUTH_REQUIRED: 'false' });
    try {
      const co = newRelease(s);
      const res = (await s.invoke(httpRequest(JSON.stringify({ ChangeOrderId: co })))) as Answer;
      expect(res.statusCode).toBe(200);
      expect(s.sae.getChangeOrder(co)?.status).toBe(6);
      const warning = s.logs.map((l) => JSON.parse(l) as Line).find((l) => l.level === 'warn');
      expect(warning?.msg).toMatch(
        /^SECURITY WARNING: the HTTP trigger accepts requests WITHOUT a credential/,
      );
    } finally {
      await s.close();
    }
  });
});
