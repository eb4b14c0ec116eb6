/** The shape of `bench/results.json` and the table `npm run bench` prints. */

/** One measured figure: sae-rollback's value, the baseline's, the target and whether it is met. */
export interface Row {
  figure: string;
  measure: string;
  ours: number | string;
  baseline?: number | string;
  /** Human-readable target, e.g. `≤ 2`; absent for figures reported without a target. */
  target?: string;
  /** Undefined when the row has no target. */
  met?: boolean;
  note?: string;
}

export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  settings: Record<string, unknown>;
  rows: Row[];
  /** Raw measurements behind the rows, per figure. */
  details: Record<string, unknown>;
  durationMs: number;
}

/** `value` against an upper bound: a row with its target and verdict. */
export function atMost(
  figure: string,
  measure: string,
  ours: number,
  max: number,
  extra: Partial<Row> = {},
): Row {
  return { figure, measure, ours, target: max === 0 ? '0' : `≤ ${max}`, met: ours <= max, ...extra };
}

export function fmt(v: number | string | undefined, digits = 2): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) >= 100 ? 0 : digits);
}

/** A Markdown table (also readable in a terminal), as quoted in the README. */
export function table(rows: readonly Row[]): string {
  const head = ['#', 'measure', 'sae-rollback', 'baseline', 'target', 'met'];
  const body = rows.map((r) => [
    r.figure,
    r.measure,
    fmt(r.ours),
    fmt(r.baseline),
    r.target ?? '—',
    r.met === undefined ? '—' : r.met ? 'met' : '**not met**',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The largest number of `times` that fall into any window of `windowMs`. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while (j < t.length && (t[j] ?? 0) < (t[i] ?? 0) + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
