/**
 * Not part of `npm run bench`: runs the cold-abort child (bench/child/cold-abort.mjs) for our alarm bundle
 * and the baseline, interleaved, against fresh emulators, optionally with node flags (e.g. `--cpu-prof
 * --cpu-prof-dir=DIR`), and prints the per-pair ratios' median. Usage:
 *   npx tsx bench/profile/cold-abort.ts RUNS [node flags...]
 * COLD_OURS / COLD_BASE replace the two bundles (any index.js), e.g. to compare two builds of ours.
 */
import { baselineBundle, ourBundles } from '../bundles.js';
import { coldAbortPairs } from '../figures/cold-abort.js';
import { median } from '../report.js';
import { startEmulators } from '../setup.js';

const [runsArg, ...flags] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const emu = await startEmulators();
const ours = process.env.COLD_OURS
  ? { name: 'ours', file: process.env.COLD_OURS }
  : ourBundles().find((b) => b.name === 'alarm');
const base = process.env.COLD_BASE
  ? { name: 'baseline', file: process.env.COLD_BASE }
  : await baselineBundle();
if (!ours) throw new Error('no alarm bundle');
const { ms, ratios, missed } = await coldAbortPairs(emu, { ours, baseline: base }, runs, flags, (t) =>
  process.stderr.write(t),
);
if (missed > 0) throw new Error(`${missed} runs did not abort their release`);
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
