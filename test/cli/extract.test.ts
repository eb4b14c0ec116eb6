import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../lib/cli/command.js';
import { extractCommand } from '../../lib/cli/extract.js';
import { main } from '../../lib/cli/main.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const fx = (name: string) => `test/fixtures/events/${name}`;

/** Runs the installed command the way an operator does, and never throws on a non-zero exit. */
async function cli(args: string[], via: 'npx' | 'node' = 'node') {
  const [cmd, pre] =
    via === 'npx' ? ['npx', ['--no-install', 'sae-rollback']] : ['node', ['bin/sae-rollback.mjs']];
  try {
    const { stdout, stderr } = await run(cmd, [...pre, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('sae-rollback extract (spawned)', () => {
  it('npx sae-rollback extract prints one object per request and exits 0', async () => {
    const r = await cli(['extract', fx('arms-alertmanager.json')], 'npx');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(out).toHaveLength(3);
    for (const o of out) {
      expect(Object.keys(o)).toEqual(
        expect.arrayContaining(['source', 'changeOrderId', 'appId', 'actionable', 'reason']),
      );
    }
    expect(out.map((o) => [o.source, o.actionable])).toEqual([
      ['alertmanager', true],
      ['alertmanager', true],
      ['alertmanager', false],
    ]);
  });

  it('exits 0 for an understood event with nothing actionable', async () => {
    const r = await cli(['extract', fx('cloudmonitor-form-ok.json')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([
      { source: 'cloudmonitor', actionable: false, changeOrderId: null },
    ]);
  });

  it('exits 2 with a one-line reason on stderr when the event is not understood', async () => {
    const r = await cli(['extract', fx('direct-bad-id-injection.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /ChangeOrderId: the change order ID is not valid: it contains "&" at position 37/,
    );
  });

  it('exits 66 for a missing file and 64 for bad usage', async () => {
    expect((await cli(['extract', fx('no-such-file.json')])).code).toBe(66);
    expect((await cli(['frobnicate'])).code).toBe(64);
  });
});

describe('sae-rollback (in process)', () => {
  const io = (files: Record<string, string> = {}) => {
    const out = { stdout: '', stderr: '' };
    const it: Io = {
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
      readFile: async (p) => {
        const v = files[p];
        if (v === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        return Buffer.from(v);
      },
      readStdin: async () => Buffer.from(files['-'] ?? ''),
      now: () => 0,
    };
    return { io: it, out };
  };

  it('--help lists the commands; extract --help documents the exit codes', async () => {
    const a = io();
    expect(await main(['--help'], a.io)).toBe(0);
    expect(a.out.stdout).toMatch(/Commands:(\n {2}\S.*)*\n {2}extract /);
    const b = io();
    expect(await main(['extract', '--help'], b.io)).toBe(0);
    expect(b.out.stdout).toMatch(/Exit status: 0 .*\n\s+2 /);
  });

  it('reads stdin for "-"', async () => {
    const a = io({ '-': 'ba386059-69b1-4e65-b1e5-0682d9fa1234' });
    expect(await main(['extract', '-'], a.io)).toBe(0);
    expect(JSON.parse(a.out.stdout)).toMatchObject([
      { changeOrderId: 'ba386059-69b1-4e65-b1e5-0682d9fa1234', actionable: true },
    ]);
  });

  it('exits 2 for garbage, with the reason on one line', async () => {
    const a = io({ x: '{"ChangeOrderId":' });
    expect(await main(['extract', 'x'], a.io)).toBe(2);
    expect(a.out.stderr).toMatch(/^not understood: The event is not valid JSON .*\n$/);
  });

  it('exits 64 without a command or with two files', async () => {
    expect(await main([], io().io)).toBe(64);
    expect(await main(['extract', 'a', 'b'], io().io)).toBe(64);
  });
});

describe('sae-rollback extract (in process)', () => {
  const run = async (env: Record<string, string>) => {
    const out: string[] = [];
    const err: string[] = [];
    const alert = {
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { alertname: 'x', service_app: '0099b7be-5f5b-4512-a7fc-56049ef1e001' } },
      ],
    };
    const code = await extractCommand.run(['-'], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      readFile: () => Promise.reject(new Error('unused')),
      readStdin: async () => Buffer.from(JSON.stringify(alert)),
      now: () => 0,
      env,
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('reads the alert label names the functions are configured with (ALERT_APP_ID_KEYS)', async () => {
    const r = await run({ ALERT_APP_ID_KEYS: 'service_app' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)[0]).toMatchObject({
      disposition: 'act',
      appId: '0099b7be-5f5b-4512-a7fc-56049ef1e001',
    });
    const bad = await run({ ALERT_APP_ID_KEYS: 'not a label' });
    expect(bad.code).toBe(78);
    expect(bad.err).toMatch(/ALERT_APP_ID_KEYS/);
  });
});
