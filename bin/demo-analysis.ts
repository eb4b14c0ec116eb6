/**
 * `npm run demo:analysis`: a release nobody wrote an alarm for, stopped by the guard's metric analysis.
 * Starts the real Prometheus (Debian's `prometheus` package) scraping an exporter this script controls,
 * the SAE and MNS emulators, and runs the real guard handler once per tick: the new version's 5xx ratio
 * goes bad, the analysis counts failures up to `failureLimit`, and the release is aborted once. Exits
 * non-zero unless exactly one abort and one published outcome came of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, listenLocal } from '../emulators/http.js';
import { startMnsEmulator } from '../emulators/mns/index.js';
import { startSaeEmulator } from '../emulators/sae/index.js';
import { fakeFcContext } from '../lib/dev/fc-context.js';
import { isolateEnvironment } from '../lib/dev/isolated-env.js';
import { requireBinary, startPrometheus, until } from '../lib/dev/peers.js';
import type { GuardReport } from '../lib/guard/index.js';

const STS = {
  accessKeyId: 'STS.demoAccessKeyId',
  accessKeySecret: 'demo-secret',
  securityToken: 'demo-token',
};
const APP_ID = '0099b7be-5f5b-4512-a7fc-56049ef1a017';
const TOPIC = 'sae-rollback-outcomes';
const NEW_VERSION = 'ver-checkout-v43';
const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Like `npm start`, whatever the shell exports (a deployment's variables) is not this demo's. */
const LOG_LEVEL = process.env.LOG_LEVEL;
isolateEnvironment(process.env, {});

async function main(): Promise<number> {
  // As part of `npm start` (--optional), a machine without Prometheus skips this step, saying how to get it.
  if (process.argv.includes('--optional')) {
    try {
      requireBinary('prometheus');
    } catch {
      say('');
      say(
        "Metric analysis (the guard judging a release by Prometheus metrics): skipped — Debian's prometheus is not installed (apt-get install -y prometheus, or .ci/run); then npm start, or npm run demo:analysis, shows it.",
      );
      return 0;
    }
    say('');
    say('Metric analysis: a release nobody wrote an alarm for, stopped by the guard reading Prometheus.');
  }
  // The app's metrics, as this script sets them: the 5xx ratio per version.
  const ratio = { [NEW_VERSION]: 0.01 } as Record<string, number>;
  const exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    const lines = Object.entries(ratio).map(
      ([v, r]) => `app_http_5xx_ratio{appId="${APP_ID}",version="${v}"} ${r}`,
    );
    res.end(`# TYPE app_http_5xx_ratio gauge\n${lines.join('\n')}\n`);
  });
  const target = `127.0.0.1:${await listenLocal(exporter, 0)}`;
  const prom = await startPrometheus({ target });
  const sae = await startSaeEmulator({ credentials: [STS] });
  const mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC] });
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-demo-analysis-'));
  try {
    say('sae-rollback metric-analysis demo — real Prometheus, emulated SAE and MNS on 127.0.0.1.');
    say(`  Prometheus: ${prom.url} (scraping ${target} every second)   SAE: ${sae.url}   MNS: ${mns.url}`);
    const file = join(dir, 'analysis.yaml');
    writeFileSync(
      file,
      [
        'prometheus:',
        `  url: ${prom.url}`,
        '  timeout: 2s',
        'queries:',
        '  - name: http-5xx-ratio',
        '    query: max(app_http_5xx_ratio{appId="{{appId}}",version="{{version}}"})',
        '    failure: { op: ">", value: 0.05 }',
        '    success: { op: "<=", value: 0.02 }',
        '    failureLimit: 3',
        '    interval: 1s',
        '',
      ].join('\n'),
    );
    say(`  Analysis file (ANALYSIS_CONFIG=${file}): http-5xx-ratio > 0.05 three times in a row → stop.`);
    sae.seedApp({ appId: APP_ID, appName: 'checkout', versions: ['v41', 'v42'] });
    const co = sae.startChangeOrder({
      appId: APP_ID,
      toVersion: 'v43',
      toVersionId: NEW_VERSION,
      batchCount: 3,
    });
    say(`  App "checkout" is deploying v43 (${NEW_VERSION}) in change order ${co}. No alarm rule exists.`);

    Object.assign(process.env, {
      SAE_REGION: 'cn-hangzhou',
      SAE_ENDPOINT: sae.endpoint,
      SAE_PROTOCOL: 'http',
      MNS_ENDPOINT: mns.url,
      MNS_TOPIC: TOPIC,
      WATCH_APP_IDS: APP_ID,
      GUARD_CLOUDMONITOR: 'false',
      RESOLUTION_CACHE_SECONDS: '0',
      ANALYSIS_CONFIG: file,
      ALARM_AUTH_TOKENS: 'demo-unused-token-0123456789',
      LOG_LEVEL: LOG_LEVEL ?? 'warn',
    });
    const { handler } = await import('../functions/guard.js');
    const tick = async (n: number) => {
      const r = (await handler(Buffer.from('{}'), fakeFcContext({ credentials: STS }))) as GuardReport;
      const note = r.analysis?.[0];
      if (!note) say(`  tick ${n}: no release running — nothing to measure`);
      else {
        const found = r.findings[0] ? ` → ${r.findings[0].condition}: ${r.findings[0].outcome}` : '';
        say(
          `  tick ${n}: ${note.query} = ${note.value ?? '-'} → ${note.verdict} (${note.failures ?? 0}/${note.failureLimit} failures)${found}`,
        );
      }
      await sleep(1_100); // the query's interval
      return r;
    };
    const seen = async (v: number) =>
      until('Prometheus to scrape the new value', 20_000, async () => {
        const q = encodeURIComponent(`app_http_5xx_ratio{version="${NEW_VERSION}"}`);
        const body = (await (await fetch(`${prom.url}/api/v1/query?query=${q}`)).json()) as {
          data: { result: Array<{ value: [number, string] }> };
        };
        return body.data.result[0]?.value[1] === String(v) ? true : undefined;
      });

    say('\n[1] The release is healthy');
    await seen(0.01);
    await tick(1);
    say('\n[2] The new version starts answering 40% of requests with 5xx');
    ratio[NEW_VERSION] = 0.4;
    await seen(0.4);
    let n = 2;
    let last: GuardReport | undefined;
    while (n < 8 && !last?.findings.length) last = await tick(n++);
    const aborts = sae.callsTo('AbortAndRollbackChangeOrder').length;
    const messages = mns.messages(TOPIC);
    const outcome = messages[0]
      ? (JSON.parse(messages[0].body) as { summary: string; alarm: unknown })
      : undefined;
    say(
      `\n[3] SAE: ${aborts} AbortAndRollbackChangeOrder; change order status ${sae.getChangeOrder(co)?.status} (6 = terminated)`,
    );
    say(`  MNS: ${messages.length} outcome: "${outcome?.summary ?? ''}"`);
    say(`  alarm: ${JSON.stringify(outcome?.alarm)}`);
    await tick(n);
    const ok =
      aborts === 1 && sae.callsTo('AbortAndRollbackChangeOrder').length === 1 && messages.length === 1;
    say(
      ok ? '\nDone: one analysis-driven abort, one published outcome.' : '\nUNEXPECTED RESULT — see above.',
    );
    return ok ? 0 : 1;
  } finally {
    await Promise.all([sae.close(), mns.close(), prom.close(), closeServer(exporter)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
