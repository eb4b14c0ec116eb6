import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HTTP_FUNCTIONS, listFunctions } from '../../lib/dev/functions.js';
import { freshFixture } from '../helpers/http-event.js';
import { root, spawnCli } from './spawn.js';

interface DevInfo {
  functions: Record<string, string>;
  emulators: { sae: string; mns: string; dingtalk: string; webhook: string };
  appId: string;
  changeOrderId: string;
  /** The token the dev server configured for the alarm function (secure by default, like a deployment). */
  alarmToken: string;
}

/** `sae-rollback dev --port 0 --json` as a child process; resolves once it printed its URLs. */
function startDev(args: string[] = ['--json'], env: Record<string, string> = {}) {
  return spawnCli<DevInfo>(['dev', '--port', '0', ...args], env, (out) => {
    const line = out.split('\n').find((l) => l.startsWith('{"functions"'));
    if (line) return JSON.parse(line) as DevInfo;
    // Without --json: the banner's last line says it is ready.
    return /published outcomes: .*\n/.test(out) ? ({} as DevInfo) : undefined;
  });
}

describe('sae-rollback dev (spawned; real HTTP)', () => {
  let dev: Awaited<ReturnType<typeof startDev>>;
  beforeAll(async () => {
    dev = await startDev();
  }, 30_000);
  afterAll(() => {
    if (dev.child.exitCode === null) dev.child.kill('SIGTERM');
  });

  it("a CloudMonitor callback POSTed to /alarm aborts the emulator's change order", async () => {
    const { info } = dev;
    const form = (JSON.parse(freshFixture('cloudmonitor-form.json').toString('utf8')) as { body: string })
      .body;
    expect(info.appId).toBe('0099b7be-5f5b-4512-a7fc-56049ef10001');
    expect(info.alarmToken).toMatch(/^[A-Za-z0-9._~-]{16,}$/);
    const res = await fetch(`${info.functions.alarm}?token=${info.alarmToken}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        'user-agent': 'CloudMonitor',
      },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { outcomes: Array<{ outcome: string; changeOrderId: string }> };
    expect(body.outcomes).toMatchObject([{ outcome: 'aborted', changeOrderId: info.changeOrderId }]);

    const state = (await (await fetch(`${info.emulators.sae}/__admin/state`)).json()) as {
      changeOrders: Array<{ changeOrderId: string; status: number }>;
    };
    expect(state.changeOrders.find((c) => c.changeOrderId === info.changeOrderId)?.status).toBe(6);
    const messages = (await (await fetch(`${info.emulators.mns}/__admin/messages`)).json()) as unknown[];
    expect(JSON.stringify(messages)).toContain(info.changeOrderId);
  });

  it('refuses a caller without the token: 401, no SAE call', async () => {
    const calls = async () =>
      ((await (await fetch(`${dev.info.emulators.sae}/__admin/calls`)).json()) as { calls: unknown[] }).calls
        .length;
    const before = await calls();
    const res = await fetch(dev.info.functions.alarm ?? '', {
      method: 'POST',
      body: JSON.stringify({ ChangeOrderId: dev.info.changeOrderId }),
    });
    expect(res.status).toBe(401);
    expect(await calls()).toBe(before);
  });

  it('answers 400 for a body the alarm function cannot use, with the reason', async () => {
    const res = await fetch(dev.info.functions.alarm ?? '', {
      method: 'POST',
      headers: { 'x-sae-rollback-token': dev.info.alarmToken },
      body: '{"nothing":"here"}',
    });
    expect(res.status).toBe(400);
  });

  it('an event function gets the raw body as its event and answers its result as JSON', async () => {
    // A release of its own: the seeded one belongs to the CloudMonitor test, whichever runs first.
    const admin = (path: string, body: unknown) =>
      fetch(`${dev.info.emulators.sae}/__admin/${path}`, { method: 'POST', body: JSON.stringify(body) });
    const appId = '0099b7be-5f5b-4512-a7fc-56049ef1c0de';
    expect((await admin('apps', { appId, appName: 'consumer-only', versions: ['v1', 'v2'] })).status).toBe(
      201,
    );
    const started = (await (await admin('change-orders', { appId })).json()) as { changeOrderId: string };
    const res = await fetch(dev.info.functions.consumer ?? '', {
      method: 'POST',
      body: JSON.stringify({ ChangeOrderId: started.changeOrderId }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      records: 1,
      source: 'direct',
      outcomes: [{ outcome: 'aborted', changeOrderId: started.changeOrderId }],
    });
  });
});

describe('sae-rollback dev request log and shutdown', () => {
  it('logs each request on stderr and stops cleanly on SIGTERM (exit 0)', async () => {
    const dev = await startDev();
    try {
      const res = await fetch(dev.info.functions.alarm ?? '', {
        method: 'POST',
        headers: { 'x-sae-rollback-token': dev.info.alarmToken },
        body: '{"nothing":"here"}',
      });
      expect(res.status).toBe(400);
      // 'close' comes after the child's stdio ended: everything it logged has been read by then.
      const exited = new Promise<number | null>((resolve) => dev.child.once('close', resolve));
      dev.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(dev.stderr()).toMatch(/POST \/alarm → 400/);
    } finally {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('sae-rollback dev banner', () => {
  it('prints a curl sample that carries the generated token, or the one from ALARM_AUTH_TOKENS', async () => {
    const mine = 'my-own-dev-token-0123456789';
    for (const [env, expected] of [
      [{}, /\?token=dev-[0-9a-f]{24}'/],
      [{ ALARM_AUTH_TOKENS: `${mine},other-token-0123456789` }, new RegExp(`\\?token=${mine}'`)],
    ] as const) {
      const d = await startDev([], env);
      try {
        expect(d.stdout()).toMatch(expected);
      } finally {
        d.child.kill('SIGTERM');
      }
    }
  }, 30_000);
});

describe('dev function kinds', () => {
  it('HTTP_FUNCTIONS are exactly the functions with an http trigger in s.yaml', () => {
    const s = parse(readFileSync(`${root}s.yaml`, 'utf8')) as {
      resources: Record<string, { props: { code: string; triggers?: Array<{ triggerType: string }> } }>;
    };
    const withHttp = Object.values(s.resources)
      .filter((r) => r.props.triggers?.some((t) => t.triggerType === 'http'))
      .map((r) => r.props.code.replace('./dist/', ''));
    expect([...HTTP_FUNCTIONS].sort()).toEqual(withHttp.sort());
    for (const f of HTTP_FUNCTIONS) expect(listFunctions()).toContain(f);
  });
});
