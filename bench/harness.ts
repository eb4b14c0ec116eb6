/** Runs the selected figures against one pair of emulators and collects the rows and raw details. */
import { cpus, totalmem } from 'node:os';
import { type Bundle, baselineBundle, ourBundles } from './bundles.js';
import { type BatchOptions, batchFigures } from './figures/batch.js';
import { callsPerDelivery } from './figures/calls.js';
import { coldAbort } from './figures/cold-abort.js';
import { coldStart } from './figures/cold-start.js';
import { type OverheadOptions, warmOverhead } from './figures/overhead.js';
import { type ParallelOptions, parallelBatch } from './figures/parallel.js';
import { alarmStorm, type StormOptions } from './figures/storm.js';
import type { BenchResults, Row } from './report.js';
import { startEmulators } from './setup.js';

export const FIGURES = [
  'calls',
  'storm',
  'cold-start',
  'cold-abort',
  'overhead',
  'parallel',
  'batch',
] as const;
export type Figure = (typeof FIGURES)[number];

export interface BenchOptions {
  figures: readonly Figure[];
  storm: StormOptions;
  coldStartRuns: number;
  overhead: OverheadOptions;
  batch: BatchOptions;
  parallel: ParallelOptions;
  /** Called as each figure finishes (progress on stderr). */
  onFigure?: (name: Figure, ms: number) => void;
}

export const DEFAULTS: Omit<BenchOptions, 'figures'> = {
  storm: { alarms: 1_000, apps: 10, windowMs: 5_000, instances: 4, saeLimit: 60 },
  coldStartRuns: 15,
  overhead: { events: 1_000, warmup: 100 },
  batch: { records: 1_000 },
  parallel: { apps: 50, latencyMs: 80 },
};

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const started = performance.now();
  const emu = await startEmulators();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  let baseline: Bundle | undefined;
  const bundles = async () => {
    baseline ??= await baselineBundle();
    return { ours: ourBundles(), baseline };
  };
  const steps: Record<Figure, () => Promise<{ rows: Row[]; details: unknown }>> = {
    calls: () => callsPerDelivery(emu),
    storm: () => alarmStorm(emu, o.storm),
    'cold-start': async () => {
      const b = await bundles();
      return coldStart(b.ours, b.baseline, emu.env, o.coldStartRuns);
    },
    'cold-abort': async () => {
      const b = await bundles();
      const alarm = b.ours.find((x) => x.name === 'alarm');
      if (!alarm) throw new Error('dist/alarm/index.js is missing');
      return coldAbort(emu, alarm, b.baseline, o.coldStartRuns);
    },
    overhead: () => warmOverhead(emu, o.overhead),
    parallel: () => parallelBatch(emu, o.parallel),
    batch: async () => {
      const b = await bundles();
      const consumer = b.ours.find((x) => x.name === 'consumer');
      if (!consumer) throw new Error('dist/consumer/index.js is missing');
      return batchFigures(emu, consumer, b.baseline, o.batch);
    },
  };
  try {
    for (const name of FIGURES.filter((f) => o.figures.includes(f))) {
      const t = performance.now();
      const r = await steps[name]();
      rows.push(...r.rows);
      details[name] = r.details;
      o.onFigure?.(name, performance.now() - t);
    }
  } finally {
    await emu.close();
  }
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    settings: {
      figures: o.figures,
      storm: o.storm,
      coldStartRuns: o.coldStartRuns,
      overhead: o.overhead,
      batch: o.batch,
      parallel: o.parallel,
    },
    rows,
    details,
    durationMs: Math.round(performance.now() - started),
  };
}
