import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenLocal } from '../../emulators/http.js';
import type { GuardReport } from '../../lib/guard/index.js';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';
import { freePort, type Peer, startPrometheus, until } from '../helpers/peers.js';

/** The apps' metrics endpoint, as the test controls it: one 5xx-ratio gauge per app and version. */
function exporter() {
  const series = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    const lines = [...series].map(([k, v]) => {
      const [appId, version] = k.split('|');
      return `app_http_5xx_ratio{appId="${appId}",version="${version}"} ${v}`;
    });
    res.end(['# TYPE app_http_5xx_ratio gauge', ...lines, ''].join('\n'));
  });
  return { series, server };
}

const QUERY = {
  name: 'http-5xx-ratio',
  query: 'max(app_http_5xx_ratio{appId="{{appId}}",version="{{version}}"})',
  failure: { op: '>', value: 0.05 },
  success: { op: '<=', value: 0.02 },
  failureLimit: 3,
  interval: '30s',
};

function analysisFile(dir: string, url: string): string {
  const path = join(dir, `analysis-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ prometheus: { url, timeout: '1s' }, queries: [QUERY] }));
  return path;
}

/**
 * The guard's metric analysis against a real Prometheus scraping an exporter the test controls: the
 * guard's clock is manual (one tick a minute), Prometheus's is real, so each step waits until Prometheus
 * answers with the value just set.
 */
describe('metric analysis against a real Prometheus', () => {
  const app = exporter();
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-analysis-'));
  const bad = newAppId('bad');
  const spike = newAppId('spike');
  const silent = newAppId('silent');
  const baked = newAppId('baked');
  let prom: Peer;
  let s: GuardStack;

  const promValue = async (appId: string, version: string) => {
    const q = encodeURIComponent(`app_http_5xx_ratio{appId="${appId}",version="${version}"}`);
    const r = (await (await fetch(`${prom.url}/api/v1/query?query=${q}`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    return r.data.result[0]?.value[1];
  };
  /** Sets a series and waits until Prometheus has scraped it. */
  const set = async (appId: string, version: string, v: number) => {
    app.series.set(`${appId}|${version}`, v);
    await until(`Prometheus to see ${appId} ${version} = ${v}`, 20_000, async () =>
      (await promValue(appId, version)) === String(v) ? true : undefined,
    );
  };
  const tick = async (): Promise<GuardReport> => {
    s.clock.advance(60_000);
    return s.tick();
  };
  const notes = (r: GuardReport, appId: string) => (r.analysis ?? []).filter((n) => n.appId === appId);
  const start = (appId: string, history = false) => {
    s.sae.seedApp({
      appId,
      appName: appId.slice(0, 20),
      versions: ['v1', 'v2'],
      versionIds: [`${appId}-v1`, `${appId}-v2`],
      history,
    });
    return s.sae.startChangeOrder({ appId, toVersion: 'v3', toVersionId: `${appId}-v3` });
  };

  beforeAll(async () => {
    const target = `127.0.0.1:${await listenLocal(app.server, 0)}`;
    prom = await startPrometheus({ target });
    s = await startGuardStack({
      WATCH_APP_IDS: [bad, spike, silent, baked].join(','),
      BAKE_WINDOW_SECONDS: '1800',
      ANALYSIS_CONFIG: analysisFile(dir, prom.url),
    });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await prom?.close();
    await closeServer(app.server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the new version’s error ratio stays bad for failureLimit measurements → one abort naming the query', async () => {
    const co = start(bad);
    await set(bad, `${bad}-v2`, 0.01); // the previous version, healthy: not what the query asks
    await set(bad, `${bad}-v3`, 0.4);

    const first = await tick();
    const second = await tick();
    expect(notes(first, bad)).toMatchObject([{ verdict: 'failure', value: 0.4, failures: 1 }]);
    expect(notes(second, bad)).toMatchObject([{ verdict: 'failure', failures: 2 }]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toEqual([]);

    const third = await tick();
    expect(third.findings).toMatchObject([
      { appId: bad, changeOrderId: co, condition: 'metric-analysis', outcome: 'aborted' },
    ]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
    const [outcome] = s.published();
    expect(outcome).toMatchObject({
      outcome: 'aborted',
      changeOrderId: co,
      alarm: {
        source: 'analysis',
        name: 'http-5xx-ratio',
        value: '0.4',
        firedAt: new Date(s.clock.now()).toISOString(),
      },
    });
    expect(outcome?.alarm?.description).toMatch(
      /failure when > 0\.05, 3 consecutive failed measurements \(limit 3\): 0\.4, 0\.4, 0\.4/,
    );

    // Still bad, but the release is aborted: nothing more.
    await tick();
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(1);
  }, 90_000);

  it('a brief spike shorter than failureLimit aborts nothing', async () => {
    const co = start(spike);
    await set(spike, `${spike}-v3`, 0.3);
    const one = await tick();
    const two = await tick();
    await set(spike, `${spike}-v3`, 0.0);
    const three = await tick();
    await set(spike, `${spike}-v3`, 0.3);
    const four = await tick();
    expect([one, two, three, four].map((r) => notes(r, spike)[0]?.failures)).toEqual([1, 2, 0, 1]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).not.toContain(co);
    expect(s.sae.getChangeOrder(co)?.status).toBe(1);
  }, 90_000);

  it('no data is inconclusive: never an abort', async () => {
    const co = start(silent);
    const reports = [await tick(), await tick(), await tick(), await tick()];
    expect(reports.map((r) => notes(r, silent)[0]?.verdict)).toEqual(Array(4).fill('inconclusive'));
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).not.toContain(co);
    expect(s.sae.getChangeOrder(co)?.status).toBe(1);
  }, 60_000);

  it('inside the bake window, a finished release that goes bad is rolled back (RollbackApplication)', async () => {
    const co = start(baked, true); // history: the change orders that prove v2 was live before
    s.sae.finishChangeOrder(co);
    await set(baked, `${baked}-v3`, 0.5);
    const reports = [await tick(), await tick(), await tick()];
    expect(reports.map((r) => notes(r, baked)[0]?.failures)).toEqual([1, 2, 3]);
    expect(reports[2]?.findings, JSON.stringify(s.published().at(-1))).toMatchObject([
      { appId: baked, changeOrderId: co, condition: 'metric-analysis', outcome: 'rolled-back-application' },
    ]);
    expect(s.sae.callsTo('RollbackApplication').map((c) => [c.query.AppId, c.query.VersionId])).toEqual([
      [baked, `${baked}-v2`],
    ]);
  }, 60_000);
});

describe('metric analysis with Prometheus unreachable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-analysis-'));
  const watched = newAppId('watched');
  const broken = newAppId('broken');
  let s: GuardStack;
  beforeAll(async () => {
    // A port nobody listens on.
    const url = `http://127.0.0.1:${await freePort()}`;
    s = await startGuardStack({
      WATCH_APP_IDS: `${watched},${broken}`,
      ANALYSIS_CONFIG: analysisFile(dir, url),
    });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reported, aborts nothing on its account, and leaves the rest of the run alone', async () => {
    s.sae.seedApp({ appId: watched, appName: 'watched', versions: ['v1', 'v2'] });
    s.sae.seedApp({ appId: broken, appName: 'broken', versions: ['v1', 'v2'] });
    const healthy = s.sae.startChangeOrder({ appId: watched, toVersion: 'v3' });
    const failing = s.sae.startChangeOrder({ appId: broken, toVersion: 'v3', subStatus: 1 });

    const r = await s.tick();
    expect(r.errors).toEqual([
      expect.stringMatching(
        /^analysis: Prometheus at 127\.0\.0\.1:\d+: ECONNREFUSED; no measurement from it this run$/,
      ),
    ]);
    expect(notes(r, watched)).toMatchObject([{ verdict: 'inconclusive' }]);
    expect(r.checked.sort()).toEqual([broken, watched].sort());
    expect(r.findings).toMatchObject([{ appId: broken, condition: 'release-exception', outcome: 'aborted' }]);
    expect(s.sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([failing]);
    expect(s.sae.getChangeOrder(healthy)?.status).toBe(1);
  });

  const notes = (r: GuardReport, appId: string) => (r.analysis ?? []).filter((n) => n.appId === appId);
});
