/**
 * `npm run reliability`: the soak. 10,000 records (duplicates included) through the consumer handler —
 * four "FC instances" sharing Redis — against the SAE and MNS emulators with 30 % of calls faulted,
 * redelivering everything that failed retryably until quiet; prints the accounting and exits non-zero
 * if any invariant breaks. Then the edges (lib/dev/edges.ts): two `sae-rollback dev --functions-only`
 * processes sharing Redis, SIGKILLed after the claim, during the abort and before the publication with
 * redelivery as CloudMonitor and MNS do it, duplicates while the abort keeps failing, and a storm over
 * a real-time minute with a new bad release at 22 s. Needs Redis (REDIS_URL, default
 * redis://127.0.0.1:6379), like `npm test`.
 *
 *   npm run reliability -- --records 2000 --fault-rate 0.5 --seed 7
 *   npm run reliability -- --only edges
 */
import { parseArgs } from 'node:util';
import { formatEdges, runEdges } from '../lib/dev/edges.js';
import { redisUnreachable } from '../lib/dev/redis-probe.js';
import { formatSoakReport, runSoak } from '../lib/dev/soak.js';

const HELP = `Usage: npm run reliability -- [options]

The soak: records (duplicates included) through the consumer handler — several "FC instances" sharing
one Redis — against the SAE and MNS emulators with a share of calls faulted, redelivering what failed
retryably until quiet. Prints the accounting; exits 1 if an invariant breaks (every change order
aborted at most once, every outcome published once, nothing lost).

Options:
  --records <n>         records to send (1–1000000, default 10000)
  --fault-rate <r>      share of SAE calls (and publishes after an abort) faulted (0–0.9, default 0.3)
  --duplicate-rate <r>  share of records that are duplicates (0–0.9, default 0.15)
  --instances <n>       function instances sharing Redis (1–32, default 4)
  --seed <n>            the random seed, to replay a run (0–2147483648; default random)
  --only soak|edges     run only the soak, or only the edges (SIGKILLed function processes, a storm
                        over a real minute; ~2.5 min)
  -h, --help            this text

Needs Redis: REDIS_URL (default redis://127.0.0.1:6379); the run uses a key prefix of its own.
Exit status: 0 every invariant held; 1 one broke; 2 wrong arguments; 69 Redis not reachable.`;

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000' },
      'fault-rate': { type: 'string', default: '0.3' },
      'duplicate-rate': { type: 'string', default: '0.15' },
      instances: { type: 'string', default: '4' },
      seed: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  console.error(`reliability: ${(err as Error).message} (see npm run reliability -- --help)`);
  process.exit(2);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const only = values.only;
if (only !== undefined && only !== 'soak' && only !== 'edges') {
  console.error('reliability: --only must be soak or edges');
  process.exit(2);
}
const num = (name: string, v: string | boolean | undefined, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
};

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const missing = await redisUnreachable(redisUrl);
if (missing) {
  console.error(`reliability: ${missing}`);
  process.exit(69);
}
async function soak(): Promise<boolean> {
  const records = Math.round(num('records', values.records, 1, 1_000_000));
  const faultRate = num('fault-rate', values['fault-rate'], 0, 0.9);
  console.log(
    `soak: ${records} records, ${Math.round(faultRate * 100)} % of SAE calls (and of publishes after an abort) faulted`,
  );
  const report = await runSoak({
    records,
    faultRate,
    duplicateRate: num('duplicate-rate', values['duplicate-rate'], 0, 0.9),
    instances: Math.round(num('instances', values.instances, 1, 32)),
    redisUrl,
    ...(values.seed !== undefined ? { seed: Math.round(num('seed', values.seed, 0, 2 ** 31)) } : {}),
    progress: (line) => console.log(`  ${line}`),
  });
  console.log(`\n${formatSoakReport(report)}`);
  return report.violations.length === 0;
}

/** Function processes sharing Redis, SIGKILLed at each step, and a storm over a real minute. */
async function edges(): Promise<boolean> {
  console.log('\nedges: 2 function processes (sae-rollback dev --functions-only) sharing Redis');
  const rows = await runEdges({ redisUrl, progress: (line) => console.log(`  ${line}`) });
  console.log(`\n${formatEdges(rows)}`);
  return rows.every((r) => r.ok);
}

const soakOk = only === 'edges' ? true : await soak();
const edgesOk = only === 'soak' ? true : await edges();
process.exit(soakOk && edgesOk ? 0 : 1);
