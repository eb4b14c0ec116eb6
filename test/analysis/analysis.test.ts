import { describe, expect, it } from 'vitest';
import { Analysis, type AnalysisTarget } from '../../lib/analysis/analysis.js';
import { type PromApi, PromQueryError, type PromSample } from '../../lib/analysis/client.js';
import { parseAnalysisFile } from '../../lib/analysis/config.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';

/** An in-memory Prometheus: each query's answer is looked up by the version it names. */
function fakeProm(values: Record<string, number | undefined>): PromApi & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async query(promql: string): Promise<PromSample[]> {
      sent.push(promql);
      const version = /version="([^"]*)"/.exec(promql)?.[1] ?? '';
      const v = values[version];
      return v === undefined ? [] : [{ labels: {}, value: v }];
    },
  };
}

const file = (extra: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  parseAnalysisFile(
    JSON.stringify({
      prometheus: { url: 'http://127.0.0.1:9' },
      ...top,
      queries: [
        {
          name: 'p99',
          query: 'p99{app="{{appId}}",version="{{version}}"}',
          failure: { op: '>', value: 2 },
          failureLimit: 2,
          interval: '1m',
          ...extra,
        },
      ],
    }),
    'test.json',
  );

const target = (appId: string, current = 'new', previous = 'old'): AnalysisTarget => ({
  appId,
  changeOrderId: `co-${appId}`,
  versions: async () => ({ current, previous }),
});

describe('Analysis', () => {
  it('compares the new version with the previous one as a ratio', async () => {
    const prom = fakeProm({ new: 0.9, old: 0.3 });
    const a = new Analysis({ file: file({ compareWithPrevious: true }), prom, store: new MemoryStore() });
    const run = a.run();
    expect(await a.check(target('a'), 0, run)).toBeUndefined();
    const f = await a.check(target('a'), 60_000, run);
    expect(prom.sent).toEqual([
      'p99{app="a",version="new"}',
      'p99{app="a",version="old"}',
      'p99{app="a",version="new"}',
      'p99{app="a",version="old"}',
    ]);
    expect(f?.alarm).toMatchObject({
      source: 'analysis',
      name: 'p99',
      firedAt: new Date(60_000).toISOString(),
    });
    expect(Number(f?.alarm.value)).toBeCloseTo(3);
    expect(f?.detail).toMatch(/new ÷ previous version 3/);
  });

  it('measures each query at most once per interval, and at most maxQueriesPerRun per run', async () => {
    const prom = fakeProm({ new: 5 });
    const a = new Analysis({ file: file({}, { maxQueriesPerRun: 2 }), prom, store: new MemoryStore() });
    const run = a.run();
    await a.check(target('a'), 0, run);
    await a.check(target('a'), 30_000, run); // not due
    await a.check(target('b'), 30_000, run);
    await a.check(target('c'), 30_000, run); // over the run's limit
    expect(prom.sent).toHaveLength(2);
    expect(run.notes.map((n) => [n.appId, n.verdict])).toEqual([
      ['a', 'failure'],
      ['a', 'not-due'],
      ['b', 'failure'],
      ['c', 'over-run-limit'],
    ]);
  });

  it('counts no data as a failure only when onNoData says so', async () => {
    const store = new MemoryStore();
    const a = new Analysis({ file: file({ onNoData: 'failure' }), prom: fakeProm({}), store });
    const run = a.run();
    await a.check(target('a'), 0, run);
    const f = await a.check(target('a'), 60_000, run);
    expect(f?.alarm.value).toBe('no data');
  });

  it('leaves SAE trouble finding the versions to the guard (its budget stop), but Prometheus trouble is a note', async () => {
    const a = new Analysis({ file: file({}), prom: fakeProm({ new: 5 }), store: new MemoryStore() });
    const run = a.run();
    const t = { ...target('a'), versions: () => Promise.reject(new Error('this run spent its SAE calls')) };
    await expect(a.check(t, 0, run)).rejects.toThrow(/spent its SAE calls/);
    const down: PromApi = {
      query: () => Promise.reject(new PromQueryError('Prometheus at p:9: ECONNREFUSED')),
    };
    const b = new Analysis({ file: file({}), prom: down, store: new MemoryStore() });
    const runB = b.run();
    expect(await b.check(target('b'), 0, runB)).toBeUndefined();
    expect(runB.errors).toEqual(['Prometheus at p:9: ECONNREFUSED']);
    expect(runB.notes).toMatchObject([{ verdict: 'inconclusive', failures: 0 }]);
  });

  it('keeps the same firedAt on later failures, so repeats are one piece of evidence', async () => {
    const a = new Analysis({ file: file({}), prom: fakeProm({ new: 5 }), store: new MemoryStore() });
    const run = a.run();
    await a.check(target('a'), 0, run);
    const first = await a.check(target('a'), 60_000, run);
    const later = await a.check(target('a'), 120_000, run);
    expect(later?.alarm.firedAt).toBe(first?.alarm.firedAt);
  });
});

describe('parseAnalysisFile', () => {
  it('names the file, the line and the fix', () => {
    const yaml = [
      'prometheus:',
      '  url: http://prom:9090',
      'queries:',
      '  - name: errors',
      '    query: up{app="{{appId}}"}',
      '    failure: { op: "=>", value: 1 }',
      '',
    ].join('\n');
    expect(() => parseAnalysisFile(yaml, 'analysis/prod.yaml')).toThrow(
      /^analysis\/prod\.yaml:6: queries\.0\.failure\.op: .*Fix: /,
    );
    expect(() =>
      parseAnalysisFile('prometheus:\n  url: http://p\n  token: x\nqueries: []\n', 'a.yaml'),
    ).toThrow(/^a\.yaml:3: prometheus: Unrecognized key: "token"\. Fix: remove or rename token/);
    expect(() => parseAnalysisFile('prometheus: [\n', 'b.yaml')).toThrow(
      /^b\.yaml:\d+: not valid YAML\/JSON/,
    );
  });

  it('refuses unknown placeholders and reads the token from the environment', () => {
    const base = { prometheus: { url: 'http://p', bearerToken: 'env:PROM_TOKEN' } };
    const q = { name: 'q', failure: { op: '>', value: 1 } };
    expect(() =>
      parseAnalysisFile(
        JSON.stringify({ ...base, queries: [{ ...q, query: 'up{a="{{app}}"}' }] }),
        'c.json',
        {
          PROM_TOKEN: 't',
        },
      ),
    ).toThrow(/unknown placeholder/);
    const ok = parseAnalysisFile(JSON.stringify({ ...base, queries: [{ ...q, query: 'up' }] }), 'c.json', {
      PROM_TOKEN: 'secret',
    });
    expect(ok.prometheus.bearerToken).toBe('secret');
    expect(ok.queries[0]).toMatchObject({ failureLimit: 3, interval: 60_000, onNoData: 'inconclusive' });
  });

  it('accepts the bundled example', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../analysis/example.yaml', import.meta.url), 'utf8');
    expect(
      parseAnalysisFile(text, 'analysis/example.yaml', { ARMS_PROMETHEUS_TOKEN: 't' }).queries,
    ).toHaveLength(3);
  });
});

describe('ANALYSIS_CONFIG', () => {
  it('is read at configuration time; a missing file is a ConfigError naming it and the fix', async () => {
    const { ConfigError, loadConfig } = await import('../../lib/config.js');
    const env = { FC_REGION: 'cn-hangzhou', FC_ACCOUNT_ID: '1234567890123456' };
    expect(loadConfig(env).analysis).toBeUndefined();
    expect(
      loadConfig({ ...env, ANALYSIS_CONFIG: 'analysis/example.yaml', ARMS_PROMETHEUS_TOKEN: 't' }).analysis
        ?.queries,
    ).toHaveLength(3);
    const bad = () => loadConfig({ ...env, ANALYSIS_CONFIG: 'analysis/nope.yaml' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/ANALYSIS_CONFIG=analysis\/nope\.yaml: cannot read .*nope\.yaml .*Fix: /);
  });
});
