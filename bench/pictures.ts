/** Turns the bench's raw details into the SVG pictures written beside results.json. */
import type { BenchResults } from './report.js';
import { type Bar, barsSvg, stormSvg } from './svg.js';

interface StormDetails {
  budgetCalls: number;
  ours: { callOffsetsMs?: number[] };
  baseline: { callOffsetsMs?: number[] };
}
interface ColdDetails {
  medianMs: Record<string, number>;
}
interface ColdAbortDetails {
  ms: { ours: number[]; baseline: number[] };
}

const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;

/** File name → SVG text, for the figures that ran. */
export function pictures(r: BenchResults): Record<string, string> {
  const out: Record<string, string> = {};
  const storm = r.details.storm as StormDetails | undefined;
  const settings = r.settings.storm as { windowMs: number; saeLimit: number; alarms: number; apps: number };
  if (storm?.ours.callOffsetsMs && storm.baseline.callOffsetsMs) {
    out['storm.svg'] = stormSvg({
      title: `Alarm storm: ${settings.alarms} alarms for ${settings.apps} apps — SAE calls per ${settings.windowMs} ms window`,
      windowMs: settings.windowMs,
      saeLimit: settings.saeLimit,
      budget: storm.budgetCalls,
      series: [
        { label: 'sae-rollback', color: '#1a7f37', offsetsMs: storm.ours.callOffsetsMs },
        {
          label: 'baseline (hand-written script)',
          color: '#cf6a00',
          offsetsMs: storm.baseline.callOffsetsMs,
        },
      ],
    });
  }
  const cold = r.details['cold-start'] as ColdDetails | undefined;
  const abort = r.details['cold-abort'] as ColdAbortDetails | undefined;
  if (cold || abort) {
    const bars: Bar[] = [];
    if (cold) {
      const m = cold.medianMs;
      bars.push({ label: "node -e ''", ms: m.empty ?? 0, color: '#bbb' });
      bars.push({ label: 'import: baseline bundle', ms: m.baseline ?? 0, color: '#cf6a00' });
      for (const [k, v] of Object.entries(m))
        if (k !== 'empty' && k !== 'baseline')
          bars.push({ label: `import: ${k} bundle`, ms: v, color: '#1a7f37' });
    }
    if (abort) {
      bars.push({ label: 'to first abort: baseline', ms: median(abort.ms.baseline), color: '#cf6a00' });
      bars.push({ label: 'to first abort: sae-rollback', ms: median(abort.ms.ours), color: '#1a7f37' });
    }
    out['cold-start.svg'] = barsSvg(
      'Cold start, whole process (median wall time)',
      bars,
      `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, ${r.date.slice(0, 16)} UTC`,
    );
  }
  return out;
}
