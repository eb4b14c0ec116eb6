/**
 * Figure 3 (part 2): cold start to first abort, the whole process. Spawn node → load the bundle →
 * handle one CloudMonitor alarm callback (form-encoded, naming the app in `dimensions`) → the abort
 * reaches the SAE emulator → exit. Our alarm bundle and the baseline bundle alternate, one fresh app
 * each per run, so machine load hits both alike; the figure is the median of the per-pair ratios.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import type { Bundle } from '../bundles.js';
import { atMost, median, type Row } from '../report.js';
import { type Emulators, STS, seedApps } from '../setup.js';

const CHILD = new URL('../child/cold-abort.mjs', import.meta.url).pathname;
const MAX_RATIO = 1.0;

/** A CloudMonitor threshold alarm callback for `appId`, as the HTTP trigger delivers it. */
export function cloudMonitorCallback(appId: string): Buffer {
  const form = new URLSearchParams({
    alertName: 'SAE 5xx ratio',
    alertState: 'ALARM',
    triggerLevel: 'CRITICAL',
    metricProject: 'acs_serverless',
    namespace: 'acs_serverless',
    metricName: 'http_status_5xx_ratio',
    curValue: '7.5',
    expression: '$Average>=5',
    ruleId: `bench-rule-${appId}`,
    dimensions: JSON.stringify({ appId, userId: '1234567890123456' }),
    timestamp: String(Date.now()),
  });
  return httpTriggerEvent(form.toString(), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
  });
}

/**
 * One cold-abort child: `node [flags] child/cold-abort.mjs` with `bundle` and the event file; the wall time
 * from spawn to exit and what it wrote to stderr. Throws if it does not exit 0. (bench/profile/ runs it
 * with profiling flags.)
 */
export async function coldAbortChild(
  bundle: Pick<Bundle, 'name' | 'file'>,
  event: string,
  env: Record<string, string>,
  flags: readonly string[] = [],
): Promise<{ ms: number; stderr: string }> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [...flags, CHILD], {
    env: { ...env, BENCH_BUNDLE: bundle.file, BENCH_EVENT: event, BENCH_CREDENTIALS: JSON.stringify(STS) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (code !== 0) throw new Error(`${bundle.name} cold abort exited ${code}: ${stderr.slice(0, 800)}`);
  return { ms, stderr };
}

/**
 * `runs` interleaved pairs of cold-abort children, ours and the baseline, one fresh app each; who goes first
 * alternates. `flags` go to each child's node, its stderr to `onStderr` (bench/profile/ uses both).
 */
export async function coldAbortPairs(
  emu: Emulators,
  bundles: Record<'ours' | 'baseline', Pick<Bundle, 'name' | 'file'>>,
  runs: number,
  flags: readonly string[] = [],
  onStderr: (text: string) => void = () => {},
): Promise<{ ms: Record<'ours' | 'baseline', number[]>; ratios: number[]; missed: number }> {
  const env = { PATH: process.env.PATH ?? '', ...emu.env, LOG_LEVEL: 'error' };
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-cold-'));
  const ms: Record<'ours' | 'baseline', number[]> = { ours: [], baseline: [] };
  const ratios: number[] = [];
  let missed = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const pair = { ours: 0, baseline: 0 };
      // Alternate who goes first, so neither always runs on the warmer page cache.
      for (const who of i % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const)) {
        const [app] = seedApps(emu.sae, 1);
        if (!app) throw new Error('no app seeded');
        const file = join(dir, `${who}-${i}.json`);
        writeFileSync(file, cloudMonitorCallback(app.appId));
        const child = await coldAbortChild(bundles[who], file, env, flags);
        onStderr(child.stderr);
        pair[who] = child.ms;
        if (emu.sae.getChangeOrder(app.co)?.status !== 6) missed++;
      }
      ms.ours.push(pair.ours);
      ms.baseline.push(pair.baseline);
      ratios.push(pair.ours / pair.baseline);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ms, ratios, missed };
}

export async function coldAbort(
  emu: Emulators,
  ours: Bundle,
  baseline: Bundle,
  runs: number,
): Promise<{ rows: Row[]; details: unknown }> {
  const { ms, ratios, missed } = await coldAbortPairs(emu, { ours, baseline }, runs);
  if (missed > 0) throw new Error(`cold abort: ${missed} of ${runs * 2} runs did not abort their release`);
  const ratio = median(ratios);
  return {
    rows: [
      atMost('3', `cold start to first abort ÷ baseline (median of ${runs} pairs)`, ratio, MAX_RATIO, {
        note: `${median(ms.ours).toFixed(0)} ms vs ${median(ms.baseline).toFixed(0)} ms`,
      }),
      {
        figure: '3',
        measure: 'cold start to first abort, median (ms)',
        ours: median(ms.ours),
        baseline: median(ms.baseline),
      },
    ],
    details: { runs, ms, ratios },
  };
}
