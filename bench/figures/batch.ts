/**
 * Figures 4 (part 2) and 5: a 1,000-record batch through the consumer bundle and through the baseline
 * bundle, each in a fresh child process (as one FC instance), against the emulators in this process.
 * Throughput = records ÷ the handler's time (module load excluded); peak RSS = the child's maxRSS.
 * The consumer reads at most MAX_RECORDS (500) records per invocation, so the records arrive as
 * batches of that size, one after another, to both functions alike.
 * Two batches: the storm (the alarm storm of figure 2 arriving through an MNS queue: `records` alarms
 * for 10 apps) and, as the worst case for us, `records` different apps each with a running release.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_RECORDS } from '../../lib/events/types.js';
import type { Bundle } from '../bundles.js';
import type { Row } from '../report.js';
import { type Emulators, mnsQueueBatch, STS, seedApps } from '../setup.js';

const CHILD = new URL('../child/run-batch.mjs', import.meta.url).pathname;
/** Storm batches: ≥ 5× (duplicates cost nothing); distinct apps: ≥ 2× (records run concurrently). */
const MIN_SPEEDUP = { storm: 5, distinct: 2 };
/** FC's smallest instance has 128 MB; the distinct batch must leave room below it (issue 19: < 96 MiB). */
const MAX_RSS_MIB = { storm: 128, distinct: 96 };

export interface BatchOptions {
  records: number;
}

interface Run {
  ms: number;
  /** What the handler threw, per batch (the consumer throws when a record should be redelivered). */
  errors: string[];
  maxRssKb: number;
  batches: number;
  recordsPerSecond: number;
  saeCalls: number;
  aborts: number;
  rolledBackApps: number;
}

async function runChild(bundle: Bundle, batches: Buffer[], env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-batch-'));
  try {
    const files = batches.map((b, i) => {
      const file = join(dir, `batch-${i}.json`);
      writeFileSync(file, b);
      return file;
    });
    const out = join(dir, 'out.json');
    // BENCH_CHILD_NODE_FLAGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the function's instance.
    const flags = (process.env.BENCH_CHILD_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...flags, CHILD], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        BENCH_BUNDLE: bundle.file,
        BENCH_BATCHES: JSON.stringify(files),
        BENCH_OUT: out,
        BENCH_CREDENTIALS: JSON.stringify(STS),
      },
      // The functions' JSON logs go where FC would send them; here, nowhere.
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`${bundle.name} batch child exited ${code}: ${stderr.slice(0, 1000)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as { ms: number; errors: string[]; maxRssKb: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function batchRun(
  emu: Emulators,
  bundle: Bundle,
  records: number,
  apps: number,
  env: Record<string, string>,
): Promise<Run> {
  const seeded = seedApps(emu.sae, apps);
  const targets = Array.from({ length: records }, (_, i) => ({
    appId: seeded[i % seeded.length]?.appId ?? '',
  }));
  const first = emu.sae.calls.length;
  const batches: Buffer[] = [];
  for (let i = 0; i < targets.length; i += MAX_RECORDS)
    batches.push(mnsQueueBatch(targets.slice(i, i + MAX_RECORDS)));
  const r = await runChild(bundle, batches, env);
  const calls = emu.sae.calls.slice(first);
  return {
    ...r,
    batches: batches.length,
    recordsPerSecond: records / (r.ms / 1000),
    saeCalls: calls.length,
    aborts: calls.filter((c) => c.action === 'AbortAndRollbackChangeOrder' && c.status === 200).length,
    rolledBackApps: seeded.filter((a) => emu.sae.getChangeOrder(a.co)?.status === 6).length,
  };
}

export async function batchFigures(
  emu: Emulators,
  consumer: Bundle,
  baseline: Bundle,
  o: BatchOptions,
): Promise<{ rows: Row[]; details: unknown }> {
  const env = { ...emu.env, LOG_LEVEL: 'info' };
  // Storm: our defaults as shipped (budget, valves). Distinct: 1,000 real rollbacks within seconds is
  // what the global cap and the budget exist to refuse, so they are lifted for that batch.
  const lifted = { ...env, MAX_ROLLBACKS_PER_WINDOW: '10000', SAE_CALLS_PER_WINDOW: '10000' };
  const storm = {
    ours: await batchRun(emu, consumer, o.records, 10, env),
    baseline: await batchRun(emu, baseline, o.records, 10, env),
  };
  const distinct = {
    ours: await batchRun(emu, consumer, o.records, o.records, lifted),
    baseline: await batchRun(emu, baseline, o.records, o.records, lifted),
  };
  const mib = (r: Run) => r.maxRssKb / 1024;
  const speedup = (b: { ours: Run; baseline: Run }) => b.ours.recordsPerSecond / b.baseline.recordsPerSecond;
  const rows: Row[] = [];
  const split =
    Math.ceil(o.records / MAX_RECORDS) > 1 ? ` as ${Math.ceil(o.records / MAX_RECORDS)} batches` : '';
  for (const [kind, label, b] of [
    ['storm', `storm, ${o.records} records for 10 apps${split}`, storm],
    ['distinct', `distinct, ${o.records} apps${split}`, distinct],
  ] as const) {
    rows.push({
      figure: '4',
      measure: `throughput, ${label} (records/s)`,
      ours: b.ours.recordsPerSecond,
      baseline: b.baseline.recordsPerSecond,
    });
    rows.push({
      figure: '4',
      measure: `throughput ÷ baseline, ${label}`,
      ours: speedup(b),
      target: `≥ ${MIN_SPEEDUP[kind]}`,
      met: speedup(b) >= MIN_SPEEDUP[kind],
    });
  }
  for (const [kind, label, b] of [
    ['storm', 'storm batch', storm],
    ['distinct', 'distinct batch', distinct],
  ] as const) {
    rows.push({
      figure: '5',
      measure: `peak RSS, ${label} (MiB)`,
      ours: mib(b.ours),
      baseline: mib(b.baseline),
      target: `< ${MAX_RSS_MIB[kind]}`,
      met: mib(b.ours) < MAX_RSS_MIB[kind],
    });
  }
  return { rows, details: { records: o.records, storm, distinct } };
}
