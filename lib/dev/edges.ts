/**
 * `npm run reliability`'s edges (issue 13): function processes sharing Redis, one set of emulators,
 * SIGKILL at each step of a rollback with redelivery as the platforms do it, duplicates while the
 * holder fails, and a storm over a real-time minute with a new bad release in the middle. Black-box:
 * only HTTP to `sae-rollback dev --functions-only` processes, the emulators' own logs, and Redis.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  busiestWindow,
  cloudMonitorForm,
  deliverAsCloudMonitor,
  deliverUntilAcknowledged,
  type FunctionProcess,
  guardTick,
  kill,
  postAlarm,
  sleep,
  spawnFunctions,
  until,
} from './edges-kit.js';
import { DEV_APP_ID, startDevEmulators } from './emulators.js';

export interface EdgeRow {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

export interface EdgesOptions {
  redisUrl: string;
  /** The storm's length (the issue: a real-time minute). */
  stormMs?: number;
  progress?: (line: string) => void;
}

const TOPIC = 'sae-rollback-outcomes';

export async function runEdges(o: EdgesOptions): Promise<EdgeRow[]> {
  const say = o.progress ?? (() => undefined);
  const emu = await startDevEmulators({ port: 0, appId: DEV_APP_ID });
  const { sae, mns } = emu;
  const file = join(mkdtempSync(join(tmpdir(), 'sae-rollback-edges-')), 'emulators.json');
  writeFileSync(file, JSON.stringify(emu.info));
  const env = {
    IDEMPOTENCY_STORE: 'redis',
    REDIS_URL: o.redisUrl,
    REDIS_KEY_PREFIX: `edges-${randomUUID().slice(0, 8)}:`,
    DEV_FUNCTION_TIMEOUT_SECONDS: '5', // a dead holder's claim expires 6 s after it was taken
    // Eleven rollbacks in a few minutes are the point of this run; the default cap (10 per 10 min)
    // would rightly suppress the eleventh.
    MAX_ROLLBACKS_PER_WINDOW: '100',
    LOG_LEVEL: 'error',
  };
  const token = emu.info.alarmToken;
  const procs: FunctionProcess[] = [await spawnFunctions(file, env), await spawnFunctions(file, env)];
  const live = () => procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  const watched: string[] = [];
  const app = () => {
    const appId = `edge-${randomUUID()}`;
    sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
    const co = sae.startChangeOrder({ appId, toVersion: 'v3' });
    watched.push(co);
    return { appId, co };
  };
  const published = (co: string) =>
    mns
      .messages(TOPIC)
      .filter((m) => (JSON.parse(m.body) as { changeOrderId?: string }).changeOrderId === co);
  try {
    // 1. SIGKILL at each step, with CloudMonitor's redelivery (3 retries) or MNS's (until acknowledged).
    const seen = (action: string, co: string, answered: boolean) =>
      sae.calls.some(
        (c) => c.action === action && c.query.ChangeOrderId === co && (answered ? c.status === 200 : true),
      );
    const steps = [
      { name: 'after the claim', action: 'DescribeChangeOrder', answered: false, via: 'cloudmonitor' },
      { name: 'during the abort', action: 'AbortAndRollbackChangeOrder', answered: false, via: 'mns' },
      // The abort answered; the publication held by a slow MNS.
      {
        name: 'before the publication',
        action: 'AbortAndRollbackChangeOrder',
        answered: true,
        via: 'cloudmonitor',
      },
    ] as const;
    for (const step of steps) {
      const { appId, co } = app();
      if (step.name === 'before the publication') mns.injectFault({ kind: 'latency', ms: 3_000, times: 1 });
      else sae.injectFault({ kind: 'latency', ms: 3_000, action: step.action });
      const victim = live()[0] as FunctionProcess;
      void postAlarm(victim.alarm, token, cloudMonitorForm(appId));
      await until(() => seen(step.action, co, step.answered), 10_000);
      await sleep(300);
      await kill(victim);
      procs.splice(procs.indexOf(victim), 1, await spawnFunctions(file, env));
      say(`killed a function process ${step.name} of ${co}; redelivering as ${step.via} does`);
      if (step.via === 'mns') await deliverUntilAcknowledged(live, JSON.stringify({ ChangeOrderId: co }));
      else await deliverAsCloudMonitor(live, token, cloudMonitorForm(appId));
      await sleep(7_000);
      await guardTick(live()[0] as FunctionProcess); // the orphan sweep, whatever redelivery achieved
    }

    // 2. Duplicates while the holder keeps failing (the abort slow, then 503, four times).
    {
      const { appId } = app();
      sae.injectFault({ kind: 'latency', ms: 500, action: 'AbortAndRollbackChangeOrder', times: 4 });
      sae.injectFault({
        kind: 'http-error',
        status: 503,
        code: 'ServiceUnavailable',
        action: 'AbortAndRollbackChangeOrder',
        times: 4,
      });
      say('10 duplicates while the abort fails four times');
      await Promise.all(
        Array.from({ length: 10 }, () => deliverAsCloudMonitor(live, token, cloudMonitorForm(appId))),
      );
      await sleep(7_000);
      await guardTick(live()[0] as FunctionProcess);
    }

    // 3. A storm over a real-time minute: 10 apps already rolled back, a new bad release at 22 s.
    const old = Array.from({ length: 10 }, app);
    for (const a of old) await deliverAsCloudMonitor(live, token, cloudMonitorForm(a.appId));
    const stormMs = o.stormMs ?? 60_000;
    say(`storm: 1,000 alarms over ${stormMs / 1000} s for the 10 apps, a new bad release at 22 s`);
    const beforeStorm = mns.messages(TOPIC).length;
    const start = Date.now();
    let fresh: { appId: string; co: string } | undefined;
    let firstAlarmAt = 0;
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 1_000; i++) {
      const due = start + (i * stormMs) / 1_000;
      await sleep(Math.max(0, due - Date.now()));
      if (!fresh && Date.now() - start >= (22_000 * stormMs) / 60_000) fresh = app();
      const target = live()[i % live().length] as FunctionProcess;
      const a = old[i % 10] as { appId: string };
      sent.push(deliverAsCloudMonitor(live, token, cloudMonitorForm(a.appId), 1_000));
      if (fresh && i % 10 === 0) {
        firstAlarmAt ||= Date.now();
        sent.push(postAlarm(target.alarm, token, cloudMonitorForm(fresh.appId)));
      }
    }
    await Promise.all(sent);
    const freshAbort = sae
      .callsTo('AbortAndRollbackChangeOrder')
      .find((c) => c.query.ChangeOrderId === fresh?.co && c.status === 200);
    const stormMessages = mns
      .messages(TOPIC)
      .slice(beforeStorm)
      .map((m) => JSON.parse(m.body) as { appId?: string; outcome: string });
    const oldApps = new Set(old.map((a) => a.appId));

    // The accounting.
    await sleep(2_000);
    const okAborts = (co: string) =>
      sae
        .callsTo('AbortAndRollbackChangeOrder')
        .filter((c) => c.query.ChangeOrderId === co && c.status === 200).length;
    const once = watched.filter((co) => okAborts(co) === 1).length;
    const told = watched.filter((co) => published(co).length > 0).length;
    const extra = [...old, ...(fresh ? [fresh] : [])].reduce(
      (n, a) => n + Math.max(0, published(a.co).length - 1),
      0,
    );
    const lost = watched.filter((co) => sae.getChangeOrder(co)?.status === 1).length;
    const doubled = watched.filter((co) => okAborts(co) > 1).length;
    const pct = (n: number) => `${((100 * n) / watched.length).toFixed(0)} %`;
    const recovery = freshAbort ? freshAbort.at - firstAlarmAt : Number.POSITIVE_INFINITY;
    return [
      {
        name: 'change orders aborted exactly once',
        value: pct(once),
        target: '100 %',
        ok: once === watched.length,
      },
      {
        name: 'outcomes published at least once',
        value: pct(told),
        target: '100 %',
        ok: told === watched.length,
      },
      {
        name: 'extra publications without injected faults',
        value: String(extra),
        target: '0',
        ok: extra === 0,
      },
      {
        name: 'new release aborted after its first alarm',
        value: `${(recovery / 1000).toFixed(1)} s`,
        target: '≤ 5 s',
        ok: recovery <= 5_000,
      },
      {
        name: 'SAE calls in any 60 s',
        value: String(
          busiestWindow(
            sae.calls.map((c) => c.at),
            60_000,
          ),
        ),
        target: '≤ 60',
        ok:
          busiestWindow(
            sae.calls.map((c) => c.at),
            60_000,
          ) <= 60,
      },
      {
        name: 'failed-retryable published for apps already rolled back',
        value: String(
          stormMessages.filter((m) => m.outcome === 'failed-retryable' && oldApps.has(m.appId ?? '')).length,
        ),
        target: '0',
        ok: !stormMessages.some((m) => m.outcome === 'failed-retryable' && oldApps.has(m.appId ?? '')),
      },
      { name: 'lost (still running)', value: String(lost), target: '0', ok: lost === 0 },
      { name: 'double aborts', value: String(doubled), target: '0', ok: doubled === 0 },
    ];
  } finally {
    await Promise.all(procs.map(kill));
    await emu.close();
  }
}

export function formatEdges(rows: readonly EdgeRow[]): string {
  const w = Math.max(...rows.map((r) => r.name.length));
  return rows
    .map(
      (r) =>
        `${r.name.padEnd(w)}  ${r.value.padStart(8)}  target ${r.target.padEnd(6)}  ${r.ok ? 'met' : 'NOT MET'}`,
    )
    .join('\n');
}
