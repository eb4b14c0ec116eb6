/**
 * Figure 4 (part 3): a batch of `apps` records, each a different app with a running release, while
 * the SAE emulator answers every call in `latencyMs` (a realistic 80 ms). The consumer's records run
 * concurrently (`handleRecords` as shipped: `recordConcurrency`, 10 at once here); the same batch one record at a
 * time (limit 1, as before) is the yardstick. Time = batch start → every record answered, so the last
 * abort has reached SAE and its outcome is published. Budget and valves lifted: 50 rollbacks at once is
 * what they exist to refuse.
 */
import { parseEvent } from '../../lib/events/index.js';
import { handleRecords, recordConcurrency } from '../../lib/handlers/records.js';
import { atMost, type Row } from '../report.js';
import { type Emulators, mnsQueueBatch, runtimeFor, seedApps } from '../setup.js';

const MAX_RATIO = 0.25;

export interface ParallelOptions {
  apps: number;
  latencyMs: number;
}

async function timeBatch(emu: Emulators, o: ParallelOptions, oneByOne: boolean) {
  const rt = runtimeFor({
    ...emu.env,
    LOG_LEVEL: 'error',
    SAE_CALLS_PER_WINDOW: '10000',
    MAX_ROLLBACKS_PER_WINDOW: '10000',
  });
  const apps = seedApps(emu.sae, o.apps);
  const parsed = parseEvent(mnsQueueBatch(apps.map((a) => ({ appId: a.appId }))), rt.clock.now());
  emu.sae.injectFault({ kind: 'latency', ms: o.latencyMs, times: 1_000_000 });
  try {
    const limit = oneByOne ? 1 : recordConcurrency(rt);
    const start = performance.now();
    const summary = await handleRecords(rt, parsed.records, { fcRequestId: `parallel-${limit}` }, limit);
    const ms = performance.now() - start;
    const aborted = apps.filter((a) => emu.sae.getChangeOrder(a.co)?.status === 6).length;
    if (aborted !== o.apps || summary.outcomes.some((x) => x.outcome !== 'aborted'))
      throw new Error(`parallel batch (limit ${limit}): ${aborted} of ${o.apps} aborted`);
    return { ms, limit };
  } finally {
    emu.sae.clearFaults();
  }
}

export async function parallelBatch(
  emu: Emulators,
  o: ParallelOptions,
): Promise<{ rows: Row[]; details: unknown }> {
  const { ms: oneByOne } = await timeBatch(emu, o, true);
  const { ms: concurrent, limit } = await timeBatch(emu, o, false);
  const label = `${o.apps} distinct apps, SAE answering in ${o.latencyMs} ms`;
  return {
    rows: [
      {
        figure: '4',
        measure: `batch start → last abort, ${label} (ms)`,
        ours: concurrent,
        baseline: oneByOne,
        note: 'baseline column: ours one record at a time',
      },
      atMost('4', `batch start → last abort ÷ one-by-one, ${label}`, concurrent / oneByOne, MAX_RATIO),
    ],
    details: { ...o, limit, concurrentMs: concurrent, oneByOneMs: oneByOne },
  };
}
