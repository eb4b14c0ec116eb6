/**
 * Figure 4 (part 1): warm per-event overhead. One alarm at a time through the alarm handler, each
 * for a different app with a running release (the full path: parse, resolve, claim, describe, abort,
 * record, publish), after a warm-up. Overhead = handler time minus time inside the SAE and MNS ports
 * (SDK + network + emulator), measured by timing wrappers. The baseline likewise: handler time minus
 * time inside `callApi`.
 */

import { createAlarmHandler } from '../../lib/handlers/alarm.js';
import { handler as baseline } from '../baseline/handler.js';
import { atMost, quantile, type Row } from '../report.js';
import { alarmEvent, context, type Emulators, runtimeFor, seedApps } from '../setup.js';
import { type Meter, meterCallApi, meterOurPorts } from '../timing.js';

export interface OverheadOptions {
  events: number;
  warmup: number;
}

interface Samples {
  totalMs: number[];
  overheadMs: number[];
  portCalls: number;
}

async function measure(
  emu: Emulators,
  o: OverheadOptions,
  meter: () => Meter,
  invoke: (event: Buffer) => Promise<unknown>,
): Promise<Samples> {
  const apps = seedApps(emu.sae, o.warmup + o.events);
  const m = meter();
  const s: Samples = { totalMs: [], overheadMs: [], portCalls: 0 };
  try {
    for (const [i, app] of apps.entries()) {
      m.reset();
      const start = performance.now();
      await invoke(alarmEvent({ appId: app.appId }));
      const total = performance.now() - start;
      if (i < o.warmup) continue;
      s.totalMs.push(total);
      s.overheadMs.push(total - m.ms);
      s.portCalls += m.calls;
    }
  } finally {
    m.restore();
  }
  return s;
}

export async function warmOverhead(
  emu: Emulators,
  o: OverheadOptions,
): Promise<{ rows: Row[]; details: unknown }> {
  // Every event is a real rollback of a different app: lift the valves and the budget that exist to
  // stop exactly this (they still run; they just admit).
  const rt = runtimeFor({
    ...emu.env,
    MAX_ROLLBACKS_PER_WINDOW: '10000',
    SAE_CALLS_PER_WINDOW: '10000',
  });
  const alarm = createAlarmHandler(rt);
  const ours = await measure(emu, o, meterOurPorts, (event) => alarm(event, context()));
  await rt.store.close?.();
  const theirs = await measure(emu, o, meterCallApi, (event) =>
    baseline(event, context() as Parameters<typeof baseline>[1]),
  );
  const q = (s: Samples, p: number, k: 'totalMs' | 'overheadMs') => quantile(s[k], p);
  const rows: Row[] = [
    atMost('4', 'warm overhead per event, p50 (ms, excl. SAE/MNS calls)', q(ours, 0.5, 'overheadMs'), 1, {
      baseline: q(theirs, 0.5, 'overheadMs'),
    }),
    {
      figure: '4',
      measure: 'warm overhead per event, p99 (ms, excl. SAE/MNS calls)',
      ours: q(ours, 0.99, 'overheadMs'),
      baseline: q(theirs, 0.99, 'overheadMs'),
    },
    {
      figure: '4',
      measure: 'per event incl. emulators, p50 (ms)',
      ours: q(ours, 0.5, 'totalMs'),
      baseline: q(theirs, 0.5, 'totalMs'),
    },
  ];
  const summary = (s: Samples) => ({
    events: s.totalMs.length,
    portCallsPerEvent: s.portCalls / Math.max(1, s.totalMs.length),
    overheadMs: { p50: q(s, 0.5, 'overheadMs'), p90: q(s, 0.9, 'overheadMs'), p99: q(s, 0.99, 'overheadMs') },
    totalMs: { p50: q(s, 0.5, 'totalMs'), p90: q(s, 0.9, 'totalMs'), p99: q(s, 0.99, 'totalMs') },
  });
  return { rows, details: { ...o, ours: summary(ours), baseline: summary(theirs) } };
}
