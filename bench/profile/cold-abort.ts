/**
 * Not part of `npm run bench`: runs the cold-abort child (bench/child/cold-abort.mjs) for our alarm bundle
 * and the baseline, interleaved, against fresh emulators, optionally with node flags (e.g. `--cpu-prof
 * --cpu-prof-dir=DIR`), and prints the per-pair ratios' median. Usage:
 *   npx tsx bench/profile/cold-abort.ts RUNS [node flags...]
 * COLD_OURS / COLD_BASE replace the two bundles (any index.js), e.g. to compare two builds of ours.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineBundle, ourBundles } from '../bundles.js';
import { cloudMonitorCallback } from '../figures/cold-abort.js';
import { median } from '../report.js';
import { STS, seedApps, startEmulators } from '../setup.js';

const CHILD = new URL('../child/cold-abort.mjs', import.meta.url).pathname;
const [runsArg, ...flags] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const emu = await startEmulators();
const ours = process.env.COLD_OURS
  ? { file: process.env.COLD_OURS }
  : ourBundles().find((b) => b.name === 'alarm');
const base = process.env.COLD_BASE ? { file: process.env.COLD_BASE } : await baselineBundle();
if (!ours) throw new Error('no alarm bundle');
const env = { PATH: process.env.PATH ?? '', ...emu.env, LOG_LEVEL: 'error' };
const dir = mkdtempSync(join(tmpdir(), 'cold-profile-'));

function once(file: string, event: string): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [...flags, CHILD], {
    env: { ...env, BENCH_BUNDLE: file, BENCH_EVENT: event, BENCH_CREDENTIALS: JSON.stringify(STS) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`exit ${code}`)),
    ),
  );
}

const ms = { ours: [] as number[], baseline: [] as number[] };
const ratios: number[] = [];
for (let i = 0; i < runs; i++) {
  const pair = { ours: 0, baseline: 0 };
  for (const who of i % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const)) {
    const [app] = seedApps(emu.sae, 1);
    if (!app) throw new Error('no app');
    const event = join(dir, `${who}-${i}.json`);
    writeFileSync(event, cloudMonitorCallback(app.appId));
    pair[who] = await once(who === 'ours' ? ours.file : base.file, event);
    if (emu.sae.getChangeOrder(app.co)?.status !== 6) throw new Error(`${who} did not abort`);
  }
  ms.ours.push(pair.ours);
  ms.baseline.push(pair.baseline);
  ratios.push(pair.ours / pair.baseline);
}
await emu.close();
console.log(
  JSON.stringify({
    runs,
    ours: median(ms.ours),
    baseline: median(ms.baseline),
    ratio: median(ratios),
    ratios: ratios.map((r) => Math.round(r * 100) / 100),
  }),
);
