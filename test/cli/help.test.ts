import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../lib/cli/abort.js';
import type { Io } from '../../lib/cli/command.js';
import { COMMANDS, main } from '../../lib/cli/main.js';
import { httpReplyFrom, httpTriggerEventFrom } from '../../lib/dev/http-trigger.js';

function io() {
  const out = { stdout: '', stderr: '' };
  const it: Io = {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    readFile: async () => Buffer.alloc(0),
    readStdin: async () => Buffer.alloc(0),
    now: () => 0,
    env: {},
  };
  return { io: it, out };
}

describe('sae-rollback --help and --version (issue 18)', () => {
  it('the top-level help lists every exit code, 69 included; abort --help names EventBridge', async () => {
    const top = io();
    await main(['--help'], top.io);
    for (const code of [0, 1, 2, 3, 64, 66, 69, 75, 78])
      expect(top.out.stdout).toMatch(new RegExp(`\\b${code} `));
    const abort = io();
    await main(['abort', '--help'], abort.io);
    expect(abort.out.stdout).toContain('EventBridge');
  });

  it('--version prints the package version on stdout, exit 0', async () => {
    const v = io();
    expect(await main(['--version'], v.io)).toBe(0);
    expect(v.out.stdout).toMatch(/^sae-rollback \d+\.\d+\.\d+\n$/);
  });
});

describe('sae-rollback --help', () => {
  it('lists every command; each command has --help with options and exit codes', async () => {
    const top = io();
    expect(await main(['--help'], top.io)).toBe(0);
    for (const name of ['abort', 'status', 'invoke', 'dev', 'extract']) {
      expect(top.out.stdout).toMatch(new RegExp(`\\n  ${name}\\s+\\S`));
      const h = io();
      expect(await main([name, '--help'], h.io)).toBe(0);
      expect(h.out.stdout).toMatch(new RegExp(`^Usage: sae-rollback ${name}`));
      expect(h.out.stdout).toMatch(/Exit status: 0 /);
      const viaHelp = io();
      expect(await main(['help', name], viaHelp.io)).toBe(0);
      expect(viaHelp.out.stdout).toBe(h.out.stdout);
    }
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'abort',
      'status',
      'report',
      'invoke',
      'dev',
      'extract',
      'doctor',
    ]);
  });

  it('an unknown option is a one-line usage error (64)', async () => {
    const a = io();
    expect(await main(['status', 'some-app-0001', '--frobnicate'], a.io)).toBe(64);
    expect(a.out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(a.out.stderr).toMatch(/^sae-rollback status: .*frobnicate.*; see --help$/m);
  });

  it('maps abort outcomes to exit codes', () => {
    expect(exitCodeFor('aborted', false)).toBe(0);
    expect(exitCodeFor('dry-run', false)).toBe(0);
    expect(exitCodeFor('already-finished', false)).toBe(3);
    expect(exitCodeFor('suppressed', false)).toBe(3);
    expect(exitCodeFor('forbidden', false)).toBe(1);
    expect(exitCodeFor('failed-retryable', true)).toBe(75);
    expect(exitCodeFor('aborted', true)).toBe(75);
  });
});

describe('the FC 3.0 HTTP trigger, both ways', () => {
  it('turns a request into the event JSON FC hands an event function', () => {
    const event = JSON.parse(
      httpTriggerEventFrom({
        method: 'POST',
        url: '/hook%20a?token=t1&x=1&x=2',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'CloudMonitor',
          'x-multi': ['a', 'b'],
        },
        body: Buffer.from('alertState=ALERT'),
        sourceIp: '10.0.0.1',
        functionName: 'sae-rollback-alarm',
      }).toString(),
    );
    expect(event).toMatchObject({
      version: 'v1',
      rawPath: '/hook%20a',
      body: 'alertState=ALERT',
      isBase64Encoded: false,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': 'CloudMonitor',
        'X-Multi': 'a,b',
      },
      queryParameters: { token: 't1', x: '1,2' },
      requestContext: {
        domainPrefix: 'sae-rollback-alarm',
        http: { method: 'POST', path: '/hook a', sourceIp: '10.0.0.1', userAgent: 'CloudMonitor' },
      },
    });
    expect(event.requestContext.timeEpoch).toMatch(/^\d{13}$/);
  });

  it('base64-encodes a binary body', () => {
    const event = JSON.parse(
      httpTriggerEventFrom({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from([0, 255, 1]),
        sourceIp: '127.0.0.1',
        functionName: 'f',
      }).toString(),
    );
    expect(event).toMatchObject({ isBase64Encoded: true, body: Buffer.from([0, 255, 1]).toString('base64') });
  });

  it("maps the handler's {statusCode, headers, isBase64Encoded, body} back", () => {
    expect(httpReplyFrom({ statusCode: 503, headers: { 'Retry-After': '5' }, body: 'x' })).toEqual({
      statusCode: 503,
      headers: { 'retry-after': '5' },
      body: Buffer.from('x'),
    });
    expect(httpReplyFrom({ statusCode: 200, isBase64Encoded: true, body: 'AP8=' }).body).toEqual(
      Buffer.from([0, 255]),
    );
    expect(httpReplyFrom({ not: 'a response' }).statusCode).toBe(200);
  });
});
