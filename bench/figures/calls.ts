/**
 * Figure 1: SAE calls per rolled-back change order and per duplicate delivery, for each way an alarm
 * can name its target. Counted from the SAE emulator's own call log.
 */

import { ManualClock } from '../../lib/clock.js';
import { createAlarmHandler } from '../../lib/handlers/alarm.js';
import { handler as baseline } from '../baseline/handler.js';
import { atMost, type Row } from '../report.js';
import { alarmEvent, context, type Emulators, runtimeFor, seedApps } from '../setup.js';

type Invoke = (event: Buffer) => Promise<unknown>;

interface Case {
  measure: string;
  max: number;
  /** Sends the event(s) of this case; returns how many SAE calls the last one cost. */
  run(invoke: Invoke, emu: Emulators, fixture: Fixture): Promise<number>;
}

interface Fixture {
  byCo: { appId: string; co: string };
  byApp: { appId: string; co: string };
  /** Moves our runtime's clock past the resolution cache (the baseline has none). */
  expireCache(): void;
}

async function cost(emu: Emulators, send: () => Promise<unknown>): Promise<number> {
  const before = emu.sae.calls.length;
  await send();
  return emu.sae.calls.length - before;
}

const CASES: Case[] = [
  {
    measure: 'calls, first delivery naming the change order',
    max: 2,
    run: (invoke, emu, f) => cost(emu, () => invoke(alarmEvent({ ChangeOrderId: f.byCo.co }))),
  },
  {
    measure: 'calls, first delivery naming only the app',
    max: 2,
    run: (invoke, emu, f) => cost(emu, () => invoke(alarmEvent({ appId: f.byApp.appId }))),
  },
  {
    measure: 'calls, duplicate naming the change order',
    max: 0,
    run: (invoke, emu, f) => cost(emu, () => invoke(alarmEvent({ ChangeOrderId: f.byCo.co }))),
  },
  {
    measure: 'calls, duplicate naming the app (within RESOLUTION_CACHE_SECONDS)',
    max: 0,
    run: (invoke, emu, f) => cost(emu, () => invoke(alarmEvent({ appId: f.byApp.appId }))),
  },
  {
    measure: 'calls, duplicate naming the app (after the cache expired)',
    max: 0,
    run: (invoke, emu, f) => {
      f.expireCache();
      return cost(emu, () => invoke(alarmEvent({ appId: f.byApp.appId })));
    },
  },
];

/** Runs every case, in order, for sae-rollback and for the baseline, each on apps of its own. */
export async function callsPerDelivery(emu: Emulators): Promise<{ rows: Row[]; details: unknown }> {
  const clock = new ManualClock(Date.now());
  const rt = runtimeFor(emu.env, clock);
  const alarm = createAlarmHandler(rt);
  const ours: Invoke = (event) => alarm(event, context());
  const theirs: Invoke = (event) => baseline(event, context() as Parameters<typeof baseline>[1]);
  const fixture = (): Fixture => {
    const [byCo, byApp] = seedApps(emu.sae, 2);
    if (!byCo || !byApp) throw new Error('seeding failed');
    const ttl = rt.config.idempotency.resolutionTtlMs;
    return { byCo, byApp, expireCache: () => clock.advance(ttl + 1_000) };
  };
  const f1 = fixture();
  const f2 = fixture();
  const rows: Row[] = [];
  for (const c of CASES) {
    const o = await c.run(ours, emu, f1);
    const b = await c.run(theirs, emu, f2);
    rows.push(atMost('1', c.measure, o, c.max, { baseline: b }));
  }
  const rolledBack = [f1.byCo, f1.byApp].every((a) => emu.sae.getChangeOrder(a.co)?.status === 6);
  await rt.store.close?.();
  return {
    rows,
    details: { rolledBack, resolutionCacheSeconds: rt.config.idempotency.resolutionTtlMs / 1000 },
  };
}
