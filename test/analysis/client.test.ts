import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenLocal } from '../../emulators/http.js';
import { Analysis } from '../../lib/analysis/analysis.js';
import { PromClient } from '../../lib/analysis/client.js';
import { parseAnalysisFile } from '../../lib/analysis/config.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';

/** A Prometheus API stand-in that records headers, answers one vector — or never answers (`/hang`). */
describe('PromClient', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/hang/')) return; // accepts, never answers
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { pod: 'a' }, value: [1, '0.25'] }] },
      }),
    );
  });
  let base = '';
  beforeAll(async () => {
    base = `http://127.0.0.1:${await listenLocal(server, 0)}`;
  });
  afterAll(() => closeServer(server));

  it('sends the bearer token or basic auth and reads a vector', async () => {
    const bearer = new PromClient({ url: `${base}/prefix`, bearerToken: 'tok', timeoutMs: 1_000 });
    expect(await bearer.query('up')).toEqual([{ labels: { pod: 'a' }, value: 0.25 }]);
    const basic = new PromClient({
      url: base,
      basicAuth: { username: 'u', password: 'p' },
      timeoutMs: 1_000,
    });
    await basic.query('up');
    expect(seen.map((h) => h.authorization)).toEqual([
      'Bearer tok',
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    ]);
  });

  it('times out, and the rest of the run sends no more queries to a Prometheus that does not answer', async () => {
    const prom = new PromClient({ url: `${base}/hang`, timeoutMs: 200 });
    await expect(prom.query('up')).rejects.toMatchObject({
      unreachable: true,
      message: /no answer within 200 ms/,
    });
    const file = parseAnalysisFile(
      JSON.stringify({
        prometheus: { url: `${base}/hang` },
        queries: [{ name: 'q', query: 'up{app="{{appId}}"}', failure: { op: '>', value: 1 } }],
      }),
      'hang.json',
    );
    const a = new Analysis({ file, prom, store: new MemoryStore() });
    const run = a.run();
    const t = (appId: string) => ({ appId, changeOrderId: `co-${appId}`, versions: async () => ({}) });
    await a.check(t('a'), 0, run);
    await a.check(t('b'), 0, run);
    expect(run.sent).toBe(1);
    expect(run.notes.map((n) => [n.appId, n.verdict, n.detail])).toEqual([
      ['a', 'inconclusive', expect.stringMatching(/no answer within 200 ms/)],
      ['b', 'inconclusive', 'Prometheus gave no answer earlier in this run'],
    ]);
  });
});
