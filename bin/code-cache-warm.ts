/**
 * Build step (bin/build.mjs runs it with tsx): the V8 code cache of one bundle, made after the bundle has
 * handled one event end to end against the local SAE and MNS emulators. V8's cache then holds every
 * function that path compiled — parsing, the decision, the SAE and MNS clients — not just the module
 * scope, so a real cold start compiles almost nothing. Usage: code-cache-warm.ts <fn> <bundle.js> <out>.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startMnsEmulator } from '../emulators/mns/index.js';
import { startSaeEmulator } from '../emulators/sae/index.js';
import { httpTriggerEvent } from '../lib/dev/http-event.js';

const STS = {
  accessKeyId: 'STS.build',
  accessKeySecret: 'build-secret-0123456789',
  securityToken: 'build-token',
};
const TOPIC = 'build';

// Runs in a fresh node: compile the bundle as index.js does, run it, handle the event, write the cache.
const MAKE_CACHE = `
const { readFileSync, writeFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');
const [file, out, eventFile] = process.argv.slice(1);
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file });
const m = { exports: {} };
script.runInThisContext()(m.exports, require, m, file, dirname(file));
const context = { requestId: 'build', credentials: JSON.parse(process.env.BUILD_CREDENTIALS), function: { timeout: 10 } };
const t0 = Date.now(); const done = eventFile ? m.exports.handler(readFileSync(eventFile), context).then((r) => process.env.BUILD_DEBUG && console.error(Date.now() - t0, JSON.stringify(r).slice(0, 600)), (e) => console.error(e)) : Promise.resolve();
done.then(() => { writeFileSync(out, script.createCachedData()); process.exit(0); });`;

const [fn, bundle, out] = process.argv.slice(2);
if (!fn || !bundle || !out) throw new Error('usage: code-cache-warm.ts <fn> <bundle.js> <out>');
const sae = await startSaeEmulator({ credentials: [STS] });
const mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC] });
const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-cache-'));
try {
  const appId = 'b0a1d000-0000-4000-8000-000000000001';
  sae.seedApp({ appId, appName: 'build', versions: ['v1', 'v2'] });
  sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 });
  // The alarm gets a CloudMonitor callback; the consumer an MNS-queue record; the guard only loads.
  const dimensions = JSON.stringify({ appId, userId: '1234567890123456' });
  const form = new URLSearchParams({
    alertName: 'build',
    alertState: 'ALARM',
    triggerLevel: 'CRITICAL',
    metricName: 'http_status_5xx_ratio',
    namespace: 'acs_serverless',
    dimensions,
    timestamp: String(Date.now()),
  });
  const events: Record<string, Buffer> = {
    alarm: httpTriggerEvent(form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
    consumer: Buffer.from(
      JSON.stringify([
        {
          id: 'build-1',
          source: 'MNS-build',
          specversion: '1.0',
          type: 'mns:Queue:SendMessage',
          data: { requestId: 'r', messageId: 'BUILD1', messageBody: JSON.stringify({ appId }) },
        },
      ]),
    ),
  };
  const event = events[fn];
  const eventFile = join(dir, 'event.json');
  if (event) writeFileSync(eventFile, event);
  // Asynchronously: the emulators answer from this process's event loop.
  const run = promisify(execFile);
  // V8 takes a cache only under the heap flags it was made with: CODE_CACHE_NODE_FLAGS names the runtime's.
  const flags = (process.env.CODE_CACHE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const { stderr } = await run(
    process.execPath,
    [...flags, '-e', MAKE_CACHE, bundle, out, ...(event ? [eventFile] : [])],
    {
      env: {
        PATH: process.env.PATH ?? '',
        SAE_REGION: 'cn-hangzhou',
        SAE_ENDPOINT: sae.endpoint,
        SAE_PROTOCOL: 'http',
        MNS_ENDPOINT: mns.url,
        MNS_TOPIC: TOPIC,
        ALARM_AUTH_REQUIRED: 'false',
        LOG_LEVEL: 'error',
        BUILD_CREDENTIALS: JSON.stringify(STS),
        BUILD_DEBUG: process.env.BUILD_DEBUG ?? '',
      },
    },
  );
  process.stderr.write(stderr);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// Not `close()`: the servers would wait out the keep-alive sockets the function left open.
process.exit(0);
