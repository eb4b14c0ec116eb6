import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/**
 * The bundle is what FC runs, so it is tested as FC would load it: `require('dist/alarm/index.js')` in a
 * fresh node process (CommonJS), then `handler(Buffer, context)`, against the emulators.
 */
const BUNDLE_TOKEN = 'bundle-test-token-0123456789';
/** Enough configuration for a bundle to load (nothing is called). */
const loadEnv = () => ({
  PATH: process.env.PATH ?? '',
  SAE_REGION: 'cn-hangzhou',
  MNS_ACCOUNT_ID: '1234567890123456',
  ALARM_AUTH_TOKENS: BUNDLE_TOKEN,
  LOG_LEVEL: 'error',
});

describe('dist/alarm bundle', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
    await run('node', ['bin/build.mjs'], { cwd: root });
  }, 60_000);
  afterAll(() => s.close());

  it.each(['alarm', 'consumer', 'guard'])(
    'dist/%s loads as CommonJS in a fresh process with a handler',
    async (fn) => {
      const script = `const m = require(${JSON.stringify(`${root}dist/`)} + process.argv[1] + '/index.js');
      process.stdout.write(typeof m.handler);`;
      const { stdout } = await run('node', ['-e', script, fn], {
        env: loadEnv(),
      });
      expect(stdout).toBe('function');
    },
  );

  it.each(['alarm', 'consumer', 'guard'])(
    'dist/%s/bundle.js is ASCII only, so V8 holds its ~900 KB source as one-byte, not two-byte, strings',
    (fn) => {
      // esbuild escapes non-ASCII in strings and identifiers but not inside regex literals.
      const foreign = readFileSync(`${root}dist/${fn}/bundle.js`, 'utf8').match(/[\u0080-\uffff]+/g) ?? [];
      expect(foreign).toEqual([]);
    },
  );

  it('dist/alarm does not load node:stream/web at a cold start (only middy streamed responses use it)', async () => {
    const script = `require(${JSON.stringify(`${root}dist/alarm/index.js`)});
      process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('stream/web'))));`;
    const { stdout } = await run('node', ['-e', script], {
      env: loadEnv(),
    });
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('dist/guard carries the analysis files, read from the code directory as FC runs it', async () => {
    expect(existsSync(`${root}dist/guard/analysis/example.yaml`)).toBe(true);
    const { stdout } = await run(
      'node',
      ['-e', "process.stdout.write(typeof require('./index.js').handler)"],
      {
        cwd: `${root}dist/guard`,
        env: {
          PATH: process.env.PATH ?? '',
          SAE_REGION: 'cn-hangzhou',
          MNS_ACCOUNT_ID: '1234567890123456',
          LOG_LEVEL: 'error',
          ANALYSIS_CONFIG: 'analysis/example.yaml',
          ARMS_PROMETHEUS_TOKEN: 'token-from-the-environment',
        },
      },
    );
    expect(stdout).toBe('function');
  });

  it('still loads when V8 rejects the code cache (another Node build) or it is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-cache-'));
    try {
      cpSync(`${root}dist/alarm`, dir, { recursive: true });
      writeFileSync(join(dir, 'bundle.cache'), 'not a V8 code cache');
      const script = `process.stdout.write(typeof require(process.argv[1]).handler);`;
      const env = {
        PATH: process.env.PATH ?? '',
        SAE_REGION: 'cn-hangzhou',
        MNS_ACCOUNT_ID: '1234567890123456',
        LOG_LEVEL: 'error',
        ALARM_AUTH_TOKENS: BUNDLE_TOKEN,
      };
      const rejected = await run('node', ['-e', script, join(dir, 'index.js')], { env });
      rmSync(join(dir, 'bundle.cache'));
      const missing = await run('node', ['-e', script, join(dir, 'index.js')], { env });
      expect([rejected.stdout, missing.stdout]).toEqual(['function', 'function']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads as CommonJS in a fresh process and aborts through the emulators', async () => {
    expect(existsSync(`${root}dist/alarm/index.js.map`)).toBe(true);
    s.sae.seedApp({ appId: 'bundle-app-1', versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId: 'bundle-app-1' });
    const script = `
      const { handler } = require(${JSON.stringify(`${root}dist/alarm/index.js`)});
      const event = Buffer.from(process.env.EVENT_B64, 'base64');
      const context = { requestId: 'bundle-test', credentials: JSON.parse(process.env.CREDS), function: { timeout: 10 } };
      handler(event, context).then((r) => { process.stdout.write(JSON.stringify(r)); });
    `;
    const { stdout } = await run('node', ['-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        SAE_REGION: 'cn-hangzhou',
        SAE_ENDPOINT: s.sae.endpoint,
        SAE_PROTOCOL: 'http',
        MNS_ENDPOINT: s.mns.url,
        MNS_TOPIC: TOPIC,
        LOG_LEVEL: 'error',
        // Secure by default in the bundle too: the request carries the configured token.
        ALARM_AUTH_TOKENS: BUNDLE_TOKEN,
        CREDS: JSON.stringify(STS),
        EVENT_B64: httpTriggerEvent(JSON.stringify({ ChangeOrderId: co }), {
          headers: { 'x-sae-rollback-token': BUNDLE_TOKEN },
        }).toString('base64'),
      },
    });
    const res = JSON.parse(stdout) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).outcomes[0].outcome).toBe('aborted');
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    expect(s.mns.messages(TOPIC)).toHaveLength(1);
  });
});
