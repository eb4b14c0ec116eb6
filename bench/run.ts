/**
 * `npm run bench`: builds the bundles, runs every figure for sae-rollback and the hand-written
 * baseline against the same emulators, prints the table and writes bench/results.json.
 *
 * Knobs (environment): BENCH_STORM_WINDOW_MS (the compressed minute, default 5000),
 * BENCH_STORM_ALARMS, BENCH_STORM_INSTANCES, BENCH_COLD_RUNS, BENCH_EVENTS, BENCH_BATCH_RECORDS,
 * BENCH_FIGURES (comma-separated subset of calls,storm,cold-start,overhead,batch), BENCH_SKIP_BUILD=1.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './bundles.js';
import { type BenchOptions, DEFAULTS, FIGURES, type Figure, runBench } from './harness.js';
import { table } from './report.js';

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

/** Bench options from the environment (see the header). */
export function optionsFrom(env: NodeJS.ProcessEnv): BenchOptions {
  const figures = (env.BENCH_FIGURES ?? FIGURES.join(','))
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = figures.filter((f) => !(FIGURES as readonly string[]).includes(f));
  if (unknown.length)
    throw new Error(`BENCH_FIGURES: unknown ${unknown.join(', ')}; use ${FIGURES.join(',')}`);
  return {
    figures: figures as Figure[],
    storm: {
      ...DEFAULTS.storm,
      windowMs: int(env, 'BENCH_STORM_WINDOW_MS', DEFAULTS.storm.windowMs),
      alarms: int(env, 'BENCH_STORM_ALARMS', DEFAULTS.storm.alarms),
      instances: int(env, 'BENCH_STORM_INSTANCES', DEFAULTS.storm.instances),
    },
    coldStartRuns: int(env, 'BENCH_COLD_RUNS', DEFAULTS.coldStartRuns),
    overhead: { ...DEFAULTS.overhead, events: int(env, 'BENCH_EVENTS', DEFAULTS.overhead.events) },
    batch: { records: int(env, 'BENCH_BATCH_RECORDS', DEFAULTS.batch.records) },
  };
}

async function main(): Promise<void> {
  const opts = optionsFrom(process.env);
  const needsBundles = opts.figures.includes('cold-start') || opts.figures.includes('batch');
  if (needsBundles && process.env.BENCH_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  const results = await runBench({
    ...opts,
    onFigure: (name, ms) => process.stderr.write(`bench: ${name} done in ${(ms / 1000).toFixed(1)} s\n`),
  });
  const file = join(ROOT, 'bench', 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  console.log(
    `\nsae-rollback vs the hand-written baseline — ${results.date}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}\n`,
  );
  console.log(table(results.rows));
  const missed = results.rows.filter((r) => r.met === false);
  console.log(
    `\n${results.rows.filter((r) => r.met).length} targets met, ${missed.length} not met; ` +
      `${(results.durationMs / 1000).toFixed(0)} s. Details: bench/results.json`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
