import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { loadConfig } from '../../lib/config.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { memoryLogger } from '../../lib/log.js';
import { processRequest } from '../../lib/rollback/process.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { createRuntime, type Runtime } from '../../lib/runtime.js';
import { dropPrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from '../idempotency/redis-helper.js';
import { go, startWorkers, until } from './cluster.js';
import type { WorkerInput, WorkerResult } from './worker.js';

/**
 * Exactly once across OS processes: worker processes (one "FC instance" each) share the real Redis
 * at 127.0.0.1:6379 and call the SAE and MNS emulators over HTTP. The emulators' logs are the truth.
 */
const TOPIC = 'sae-rollback-outcomes';
const STS = {
  accessKeyId: 'STS.scaleAccessKeyId',
  accessKeySecret: 'scale-secret-0123456789',
  securityToken: 'scale-sts-token-abcdefghij',
};
const redis = testRedis();
const prefixes: string[] = [];
let sae: SaeEmulator;
let mns: MnsEmulator;
let appSeq = 0;

beforeAll(async () => {
  sae = await startSaeEmulator({ credentials: [STS] });
  mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC] });
});
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(redis, p);
  await redis.quit();
  await Promise.all([sae.close(), mns.close()]);
});

/** Config for one test: its own Redis key prefix, so tests and runs never share state. */
function envFor(label: string, extra: Record<string, string> = {}): Record<string, string> {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return {
    SAE_REGION: 'cn-hangzhou',
    SAE_ENDPOINT: sae.endpoint,
    SAE_PROTOCOL: 'http',
    SAE_CONNECT_TIMEOUT_MS: '2000',
    SAE_READ_TIMEOUT_MS: '8000',
    MNS_ENDPOINT: mns.url,
    MNS_TOPIC: TOPIC,
    IDEMPOTENCY_STORE: 'redis',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ...extra,
  };
}

function newApp(): { appId: string; co: string } {
  const appId = `5ca1e000-0000-4000-8000-${String(++appSeq).padStart(12, '0')}`;
  sae.seedApp({ appId, appName: `scale${appSeq}`, versions: ['v1', 'v2'] });
  return { appId, co: sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 }) };
}

const alarmFor = (appId: string) => ({
  appId,
  alarm: { source: 'cloudmonitor', name: `5xx > 5% on ${appId}`, ruleId: `rule-${appId}`, state: 'ALERT' },
});

function input(env: Record<string, string>, deliveries: WorkerInput['deliveries'], timeoutSeconds = 30) {
  return { env, credentials: STS, deliveries, timeoutSeconds };
}

/** The largest number of calls that fall into any window of `windowMs` (by arrival at the emulator). */
function busiestWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while (j < t.length && (t[j] ?? 0) < (t[i] ?? 0) + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** A runtime in the test process: the redelivery, sharing the workers' Redis prefix. */
function localRuntime(env: Record<string, string>): Runtime {
  const rt = createRuntime(loadConfig(env), {
    logger: memoryLogger('warn'),
    fallbackCredentials: { get: () => Promise.reject(new Error('no credentials')) },
  });
  rt.credentials.set(STS);
  return rt;
}

async function redeliver(rt: Runtime, req: Omit<RollbackRequest, 'receivedAt'>) {
  const now = Date.now();
  const r = await processRequest(
    { ...rt, notifyDuplicates: false },
    { ...req, receivedAt: now },
    { deadline: now + 10_000 },
  );
  return r.outcome;
}

/** One worker process delivers `co`; SAE holds its `held` call; the worker is SIGKILLed meanwhile. */
async function killHolderDuring(held: string, env: Record<string, string>, co: string): Promise<void> {
  sae.injectFault({ kind: 'latency', ms: 1_500, action: held });
  const [victim] = await startWorkers([input(env, [{ changeOrderId: co, alarm: { source: 'direct' } }], 1)]);
  if (!victim) throw new Error('no worker');
  go([victim]);
  await until(() => sae.callsTo(held).length > 0, 10_000, `the held ${held}`);
  victim.child.kill('SIGKILL');
  await until(() => victim.child.exitCode !== null || victim.child.signalCode !== null, 5_000, 'the kill');
}

describe('exactly once across 4 OS processes sharing Redis', () => {
  it('200 concurrent duplicate deliveries of one alarm: 1 abort, all aborted/duplicate/in-progress', async () => {
    const { appId, co } = newApp();
    sae.clearCalls();
    const published = mns.messages(TOPIC).length;
    // Hold the abort a little, so many deliveries find the claim in progress.
    sae.injectFault({ kind: 'latency', ms: 300, action: 'AbortAndRollbackChangeOrder' });
    const env = envFor('dup200');
    const workers = await startWorkers(
      Array.from({ length: 4 }, () =>
        input(
          env,
          Array.from({ length: 50 }, () => alarmFor(appId)),
        ),
      ),
    );
    go(workers);
    const results: WorkerResult[] = (await Promise.all(workers.map((w) => w.results))).flat();

    expect(results).toHaveLength(200);
    expect(sae.callsTo('AbortAndRollbackChangeOrder').map((c) => [c.query.ChangeOrderId, c.status])).toEqual([
      [co, 200],
    ]);
    const kinds = results.map((r) => (r.outcome === 'duplicate' ? `duplicate/${r.original}` : r.outcome));
    expect(kinds.filter((k) => k === 'aborted')).toHaveLength(1);
    expect(kinds.every((k) => ['aborted', 'in-progress', 'duplicate/aborted'].includes(k))).toBe(true);
    expect(results.every((r) => r.changeOrderId === co)).toBe(true);
    // Coalesced: one look-up of the app for all 200 alarms, across processes (the executing one).
    expect(sae.callsTo('ListChangeOrders')).toHaveLength(1);
    expect(sae.callsTo('DescribeApplicationStatus')).toHaveLength(0);
    expect(sae.getChangeOrder(co)?.status).toBe(6);
    expect(
      mns
        .messages(TOPIC)
        .slice(published)
        .map((m) => m.tag),
    ).toEqual(['aborted']);
  }, 60_000);

  it.each([
    ['before the abort (while DescribeChangeOrder hangs)', 'DescribeChangeOrder', 'aborted'],
    // The abort landed: the redelivery confirms it (DescribeChangeOrder) and publishes `aborted`.
    ['during the abort (the abort still lands)', 'AbortAndRollbackChangeOrder', 'aborted'],
  ])(
    'a holder killed %s: no abort before its claim expires, one finished rollback after',
    async (_, held, after) => {
      const { co } = newApp();
      sae.clearCalls();
      const env = envFor('crash');
      const rt = localRuntime({ ...env, IN_PROGRESS_WAIT_MS: '0' });
      try {
        // FC timeout 1 s: the claim lives for the remaining time plus 1 s.
        await killHolderDuring(held, env, co);
        const abortsAtKill = sae.callsTo('AbortAndRollbackChangeOrder').length;

        // In progress is not done: the redelivery is told to come again (HTTP 503 / a thrown error).
        const before = await redeliver(rt, { changeOrderId: co, alarm: { source: 'direct' } });
        expect(before.outcome).toBe('in-progress');
        expect(sae.callsTo('AbortAndRollbackChangeOrder')).toHaveLength(abortsAtKill);

        // The crashed holder's claim expires on the server; then a redelivery finishes the job.
        await until(
          async () => (await redis.exists(env.REDIS_KEY_PREFIX + changeOrderKey(co))) === 0,
          10_000,
          'expiry',
        );
        await until(() => sae.calls.every((c) => c.status !== 0), 5_000, 'the held call to be answered');
        const afterExpiry = await redeliver(rt, { changeOrderId: co, alarm: { source: 'direct' } });
        expect(afterExpiry.outcome).toBe(after);
        expect(sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.status === 200)).toHaveLength(1);
        expect(sae.getChangeOrder(co)?.status).toBe(6);
        const again = await redeliver(rt, { changeOrderId: co, alarm: { source: 'direct' } });
        expect(again.outcome).toBe('duplicate');
      } finally {
        await rt.store.close?.();
      }
    },
    60_000,
  );

  it.each([
    ['before the abort', 'DescribeChangeOrder'],
    ['during the abort', 'AbortAndRollbackChangeOrder'],
  ])(
    'a holder SIGKILLed %s and never redelivered: the orphan sweep of the guard finishes it and publishes once',
    async (_, held) => {
      const { co } = newApp();
      sae.clearCalls();
      const published = mns.messages(TOPIC).length;
      const env = envFor('orphan');
      const rt = localRuntime(env);
      try {
        await killHolderDuring(held, env, co);
        await until(
          async () => (await redis.exists(env.REDIS_KEY_PREFIX + changeOrderKey(co))) === 0,
          10_000,
          'the dead claim to expire',
        );
        await until(() => sae.calls.every((c) => c.status !== 0), 5_000, 'the held call to be answered');

        const report = await rt.guard.run({ deadline: Date.now() + 10_000 });

        expect(report.orphans).toMatchObject([{ changeOrderId: co, outcome: 'aborted' }]);
        expect(sae.callsTo('AbortAndRollbackChangeOrder').filter((c) => c.status === 200)).toHaveLength(1);
        expect(sae.getChangeOrder(co)?.status).toBe(6);
        const ours = mns
          .messages(TOPIC)
          .slice(published)
          .map((m) => JSON.parse(m.body) as { changeOrderId?: string; outcome: string });
        expect(ours.filter((m) => m.changeOrderId === co).map((m) => m.outcome)).toEqual(['aborted']);
        expect((await rt.guard.run({ deadline: Date.now() + 10_000 })).orphans).toEqual([]);
      } finally {
        await rt.store.close?.();
      }
    },
    60_000,
  );

  it('storm: 1,000 alarms for 10 apps → exactly 10 aborts, never more calls per window than the budget', async () => {
    const apps = Array.from({ length: 10 }, () => newApp());
    sae.clearCalls();
    const WINDOW_MS = 1_000;
    const CALLS = 10;
    const env = envFor('storm', {
      SAE_CALLS_PER_WINDOW: String(CALLS),
      SAE_BUDGET_WINDOW_MS: String(WINDOW_MS),
      SAE_ABORT_RESERVE: '3',
      RESOLUTION_CACHE_SECONDS: '60',
    });
    const alarms = Array.from({ length: 1_000 }, (_, i) => alarmFor(apps[i % 10]?.appId ?? ''));
    const workers = await startWorkers(
      Array.from({ length: 4 }, (_, w) => input(env, alarms.slice(w * 250, (w + 1) * 250))),
    );
    go(workers);
    const results = (await Promise.all(workers.map((w) => w.results))).flat();

    expect(results).toHaveLength(1_000);
    const aborts = sae.callsTo('AbortAndRollbackChangeOrder');
    expect(aborts.filter((c) => c.status === 200)).toHaveLength(10);
    expect(new Set(aborts.map((c) => c.query.ChangeOrderId))).toEqual(new Set(apps.map((a) => a.co)));
    for (const { co } of apps) expect(sae.getChangeOrder(co)?.status).toBe(6);
    expect(results.filter((r) => r.outcome === 'aborted')).toHaveLength(10);
    // A delivery still waiting on a look-up or an abort in flight, or that found no budget token in
    // time (a loaded machine), is told to come again — and nothing of the kind is published.
    expect(
      results.every((r) => ['aborted', 'duplicate', 'in-progress', 'failed-retryable'].includes(r.outcome)),
    ).toBe(true);
    const tags = mns
      .messages(TOPIC)
      .filter((m) => apps.some((a) => m.body.includes(a.co)))
      .map((m) => m.tag);
    expect(tags).toEqual(Array(10).fill('aborted'));
    // The budget held: no window of the emulator's log saw more than CALLS calls.
    expect(
      busiestWindow(
        sae.calls.map((c) => c.at),
        WINDOW_MS,
      ),
    ).toBeLessThanOrEqual(CALLS);
    // And the storm needed only one look-up per app (ListChangeOrders: the executing one, its type and
    // start). A delivery that takes over a change order whose first holder found no budget token for
    // the abort decides from the shared answer, so it describes the change order first (it may be stale).
    expect(sae.callsTo('ListChangeOrders')).toHaveLength(10);
    expect(sae.callsTo('DescribeApplicationStatus')).toHaveLength(0);
  }, 90_000);
});
