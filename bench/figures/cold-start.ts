/**
 * Figure 3: cold start. Wall time of `node -e "require(bundle)"` (loading the module: config, clients,
 * everything built at module scope) against `node -e ''`, in fresh processes, runs interleaved so
 * drift in machine load hits every variant alike; the median of `runs`. And each bundle's size.
 */
import { spawnSync } from 'node:child_process';
import type { Bundle } from '../bundles.js';
import { atMost, median, type Row } from '../report.js';

const MAX_RATIO = 1.5;
const MAX_BYTES = 1_000_000;

function wallMs(args: string[], env: Record<string, string>): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr?.toString().slice(0, 500)}`);
  return ms;
}

export function coldStart(
  ours: Bundle[],
  baseline: Bundle,
  env: Record<string, string>,
  runs: number,
): { rows: Row[]; details: unknown } {
  const childEnv = { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'error' };
  const all = [...ours, baseline];
  const times: Record<string, number[]> = { empty: [] };
  for (const b of all) times[b.name] = [];
  for (let i = 0; i < runs; i++) {
    times.empty?.push(wallMs(['-e', ''], childEnv));
    for (const b of all) times[b.name]?.push(wallMs(['-e', `require(${JSON.stringify(b.file)})`], childEnv));
  }
  const empty = median(times.empty ?? []);
  const ratio = (b: Bundle) => median(times[b.name] ?? []) / empty;
  const rows: Row[] = [];
  for (const b of ours) {
    rows.push(
      atMost('3', `cold start: ${b.name} import ÷ node -e '' (median of ${runs})`, ratio(b), MAX_RATIO, {
        baseline: ratio(baseline),
        note: `${median(times[b.name] ?? []).toFixed(0)} ms vs ${empty.toFixed(0)} ms`,
      }),
    );
  }
  for (const b of ours) {
    rows.push(
      atMost('3', `bundle size: dist/${b.name}/bundle.js (bytes)`, b.bytes, MAX_BYTES, {
        baseline: baseline.bytes,
      }),
    );
  }
  const medians = Object.fromEntries(
    Object.entries(times).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]),
  );
  return {
    rows,
    details: { runs, medianMs: medians, bytes: Object.fromEntries(all.map((b) => [b.name, b.bytes])) },
  };
}
