/**
 * `npm run bench`: builds the bundles, runs every figure for sae-rollback and the hand-written
 * baseline against the same emulators, prints the table and writes results.json plus the SVG pictures
 * to bench/out/ (git-ignored). `npm run bench -- --help` lists the knobs (see HELP).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './bundles.js';
import { type BenchOptions, DEFAULTS, FIGURES, type Figure, runBench } from './harness.js';
import { pictures } from './pictures.js';
import { table } from './report.js';

export const HELP = `npm run bench [-- --help]

Runs every figure for sae-rollback and the hand-written baseline (bench/baseline/handler.ts) against the
same SAE and MNS emulators; prints the table; writes results.json, storm.svg and cold-start.svg to
BENCH_OUT_DIR. Knobs (environment variables):

  BENCH_FIGURES          comma-separated subset of ${FIGURES.join(',')} (default: all)
  BENCH_STORM_WINDOW_MS  the compressed minute of the storm (default ${DEFAULTS.storm.windowMs})
  BENCH_STORM_ALARMS     alarms in the storm (default ${DEFAULTS.storm.alarms})
  BENCH_STORM_INSTANCES  FC instances sharing Redis in the storm (default ${DEFAULTS.storm.instances})
  BENCH_COLD_RUNS        interleaved runs for the cold-start and cold-abort figures (default ${DEFAULTS.coldStartRuns})
  BENCH_EVENTS           events for the warm overhead (default ${DEFAULTS.overhead.events})
  BENCH_BATCH_RECORDS    records in the throughput / RSS batches (default ${DEFAULTS.batch.records})
  BENCH_PARALLEL_APPS    distinct apps in the parallel batch (default ${DEFAULTS.parallel.apps})
  BENCH_SAE_LATENCY_MS   SAE emulator latency in the parallel batch (default ${DEFAULTS.parallel.latencyMs})
  BENCH_OUT_DIR          where results and pictures go (default bench/out)
  BENCH_CHILD_NODE_FLAGS node flags for the batch children, e.g. --cpu-prof --cpu-prof-dir=DIR (default none)
  BENCH_SKIP_BUILD=1     use dist/ as it is (default: npm run build first)
`;

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
    parallel: {
      apps: int(env, 'BENCH_PARALLEL_APPS', DEFAULTS.parallel.apps),
      latencyMs: int(env, 'BENCH_SAE_LATENCY_MS', DEFAULTS.parallel.latencyMs),
    },
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const opts = optionsFrom(process.env);
  const needsBundles = ['cold-start', 'cold-abort', 'batch'].some((f) => opts.figures.includes(f as Figure));
  if (needsBundles && process.env.BENCH_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  const results = await runBench({
    ...opts,
    onFigure: (name, ms) => process.stderr.write(`bench: ${name} done in ${(ms / 1000).toFixed(1)} s\n`),
  });
  const dir = process.env.BENCH_OUT_DIR || join(ROOT, 'bench', 'out');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const svgs = pictures(results);
  for (const [name, svg] of Object.entries(svgs)) writeFileSync(join(dir, name), svg);
  const m = results.machine;
  console.log(
    `\nsae-rollback vs the hand-written baseline — ${results.date}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}\n`,
  );
  console.log(table(results.rows));
  const missed = results.rows.filter((r) => r.met === false);
  console.log(
    `\n${results.rows.filter((r) => r.met).length} targets met, ${missed.length} not met; ` +
      `${(results.durationMs / 1000).toFixed(0)} s. Details and pictures in ${dir}: results.json ${Object.keys(svgs).join(' ')}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
