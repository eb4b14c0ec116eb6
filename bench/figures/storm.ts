/**
 * Figure 2: an alarm storm. `alarms` alarms for `apps` apps, spread evenly over one (compressed)
 * minute, delivered concurrently — to sae-rollback running as `instances` FC instances sharing one
 * Redis, and to the baseline — while the SAE emulator enforces SAE's 60 calls per minute, scaled to
 * the same window. Our budget is the default `SAE_CALLS_PER_WINDOW` over that window.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAlarmHandler } from '../../lib/handlers/alarm.js';
import { handler as baseline } from '../baseline/handler.js';
import { atMost, busiestWindow, type Row } from '../report.js';
import {
  alarmEvent,
  context,
  dropPrefix,
  type Emulators,
  REDIS_URL,
  redisAvailable,
  runtimeFor,
  seedApps,
} from '../setup.js';

export interface StormOptions {
  alarms: number;
  apps: number;
  /** The compressed minute: SAE's throttle window and our budget window. */
  windowMs: number;
  /** FC instances sharing Redis; 1 (and the memory store) when Redis is not reachable. */
  instances: number;
  /** SAE's per-user limit per window (60 per minute). */
  saeLimit: number;
}

interface Tally {
  aborts: number;
  abortCalls: number;
  calls: number;
  byAction: Record<string, number>;
  throttled: number;
  maxInWindow: number;
  /** When each SAE call arrived, in ms from the storm's start (for the picture). */
  callOffsetsMs: number[];
  rolledBackApps: number;
  durationMs: number;
  outcomes: Record<string, number>;
}

type Send = (i: number, event: Buffer) => Promise<string[]>;

async function storm(emu: Emulators, o: StormOptions, send: Send): Promise<Tally> {
  const apps = seedApps(emu.sae, o.apps);
  emu.sae.setRateLimit({ calls: o.saeLimit, windowMs: o.windowMs });
  const first = emu.sae.calls.length;
  const t0 = performance.now();
  const wall0 = Date.now();
  const outcomes: Record<string, number> = {};
  const pending = Array.from({ length: o.alarms }, async (_, i) => {
    await sleep((i * o.windowMs) / o.alarms);
    const app = apps[i % apps.length];
    if (!app) throw new Error('no app');
    for (const kind of await send(i, alarmEvent({ appId: app.appId })))
      outcomes[kind] = (outcomes[kind] ?? 0) + 1;
  });
  await Promise.all(pending);
  const durationMs = performance.now() - t0;
  emu.sae.setRateLimit(undefined);
  const calls = emu.sae.calls.slice(first);
  const byAction: Record<string, number> = {};
  for (const c of calls) byAction[c.action] = (byAction[c.action] ?? 0) + 1;
  const abortCalls = calls.filter((c) => c.action === 'AbortAndRollbackChangeOrder');
  return {
    aborts: abortCalls.filter((c) => c.status === 200).length,
    abortCalls: abortCalls.length,
    calls: calls.length,
    byAction,
    throttled: calls.filter((c) => c.code === 'Throttling.User').length,
    maxInWindow: busiestWindow(
      calls.map((c) => c.at),
      o.windowMs,
    ),
    callOffsetsMs: calls.map((c) => c.at - wall0),
    rolledBackApps: apps.filter((a) => emu.sae.getChangeOrder(a.co)?.status === 6).length,
    durationMs: Math.round(durationMs),
    outcomes,
  };
}

/** Outcome kinds in an alarm handler's HTTP answer. */
function kindsOf(res: unknown): string[] {
  const r = res as { statusCode?: number; body?: string };
  try {
    const body = JSON.parse(r.body ?? '{}') as { outcomes?: Array<{ outcome: string }> };
    return body.outcomes?.map((x) => x.outcome) ?? [`http-${r.statusCode}`];
  } catch {
    return [`http-${r.statusCode}`];
  }
}

export async function alarmStorm(
  emu: Emulators,
  o: StormOptions,
): Promise<{ rows: Row[]; details: unknown }> {
  const shared = o.instances > 1 && (await redisAvailable());
  const instances = shared ? o.instances : 1;
  const prefix = `bench:storm:${randomUUID().slice(0, 8)}:`;
  const env = {
    ...emu.env,
    SAE_BUDGET_WINDOW_MS: String(o.windowMs),
    ...(shared ? { IDEMPOTENCY_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}),
  };
  const runtimes = Array.from({ length: instances }, () => runtimeFor(env));
  const handlers = runtimes.map((rt) => createAlarmHandler(rt));
  const budget = runtimes[0]?.config.budget.calls ?? 0;
  let ours: Tally;
  try {
    ours = await storm(emu, o, async (i, event) => {
      const h = handlers[i % handlers.length];
      if (!h) throw new Error('no handler');
      return kindsOf(await h(event, context()));
    });
  } finally {
    await Promise.all(runtimes.map((rt) => rt.store.close?.()));
    if (shared) await dropPrefix(prefix);
  }
  const theirs = await storm(emu, o, async (_, event) => {
    const results = await baseline(event, context() as Parameters<typeof baseline>[1]);
    return results.map((r) => ((r as { error?: string }).error ? 'error' : 'ok'));
  });

  const rows: Row[] = [
    {
      figure: '2',
      measure: `storm: change orders aborted (${o.alarms} alarms, ${o.apps} apps)`,
      ours: ours.aborts,
      baseline: theirs.aborts,
      target: `= ${o.apps}`,
      met: ours.aborts === o.apps && ours.rolledBackApps === o.apps,
    },
    { figure: '2', measure: 'storm: abort calls sent', ours: ours.abortCalls, baseline: theirs.abortCalls },
    { figure: '2', measure: 'storm: SAE calls made', ours: ours.calls, baseline: theirs.calls },
    {
      figure: '2',
      measure: 'storm: SAE calls per change order aborted',
      ours: ours.calls / Math.max(1, ours.aborts),
      baseline: theirs.calls / Math.max(1, theirs.aborts),
    },
    atMost('2', `storm: max SAE calls in any ${o.windowMs} ms window (budget)`, ours.maxInWindow, budget, {
      baseline: theirs.maxInWindow,
    }),
    {
      figure: '2',
      measure: `storm: calls throttled by SAE (${o.saeLimit} per window)`,
      ours: ours.throttled,
      baseline: theirs.throttled,
    },
  ];
  return {
    rows,
    details: { instances, store: shared ? 'redis' : 'memory', budgetCalls: budget, ours, baseline: theirs },
  };
}
