import { type Outcome, outcomeSchema, type Timeline, timelineSchema } from '../rollback/outcome.js';

/** One line of outcome history: from a stored outcome, an outcome document, or an audit log line. */
export interface HistoryItem {
  at: number;
  outcome: string;
  messageId?: string;
  appId?: string;
  changeOrderId?: string;
  /** Why: the alarm's name, else its source (`guard`, `cloudmonitor`, …). */
  reason?: string;
  summary?: string;
  timeline?: Timeline;
  follows?: string;
}

export interface AppReport {
  appId: string;
  /** Change orders rolled back (aborted or RollbackApplication). */
  rollbacks: number;
  outcomes: Record<string, number>;
  reasons: Record<string, number>;
  timeToAbortMs: { p50?: number; p95?: number; n: number };
  timeToRecoverMs: { p50?: number; p95?: number; n: number };
  failures: Array<{ at: string; outcome: string; changeOrderId?: string; summary?: string }>;
}

export interface Report {
  since: string;
  until: string;
  apps: AppReport[];
  /** Every rollback with a timeline, for the chart: oldest first. */
  timelines: Array<{ appId: string; changeOrderId?: string; outcome: string; timeline: Timeline }>;
}

const ROLLED_BACK = new Set(['aborted', 'rolled-back-application']);
const FAILURES = new Set(['rollback-failed', 'rollback-stuck', 'failed-permanent', 'forbidden']);

/** `7d`, `24h`, `90m`, `3600s` → milliseconds; undefined for anything else. */
export function parseSince(text: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Nearest-rank percentile of `xs` (unsorted), undefined when empty. */
export function percentile(xs: readonly number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function fromOutcome(o: Outcome): HistoryItem {
  return {
    at: Date.parse(o.decidedAt),
    outcome: o.outcome,
    messageId: o.messageId,
    ...(o.appId ? { appId: o.appId } : {}),
    ...(o.changeOrderId ? { changeOrderId: o.changeOrderId } : {}),
    ...(o.alarm ? { reason: o.alarm.name ?? o.alarm.source } : {}),
    summary: o.summary,
    ...(o.timeline ? { timeline: o.timeline } : {}),
    ...(o.follows ? { follows: o.follows.outcome } : {}),
  };
}

/** SLS exports may keep nested fields as JSON text; this reads them either way. */
function nested(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/**
 * One JSONL line: an outcome document, or the function's `decision` audit line (as `LOG_LEVEL=info`
 * writes it and SLS exports it, possibly wrapped in `content`). Anything else is skipped (undefined).
 */
export function fromJsonLine(line: string): HistoryItem | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (raw && typeof raw === 'object' && typeof (raw as { content?: unknown }).content === 'string') {
    raw = nested((raw as { content: string }).content);
  }
  const doc = outcomeSchema.safeParse(raw);
  if (doc.success) return fromOutcome(doc.data);
  const r = raw as Record<string, unknown> | null;
  if (r?.msg !== 'decision' || typeof r.outcome !== 'string') return undefined;
  const at = Date.parse(String(r.time ?? ''));
  if (!Number.isFinite(at)) return undefined;
  const alarm = nested(r.alarm) as { name?: string; source?: string } | undefined;
  const timeline = timelineSchema.safeParse(nested(r.timeline));
  const follows = nested(r.follows) as { outcome?: string } | undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const reason = alarm?.name ?? alarm?.source;
  const [messageId, appId, changeOrderId, summary] = [r.messageId, r.appId, r.changeOrderId, r.summary].map(
    str,
  );
  return {
    at,
    outcome: r.outcome,
    ...(messageId ? { messageId } : {}),
    ...(appId ? { appId } : {}),
    ...(changeOrderId ? { changeOrderId } : {}),
    ...(reason ? { reason } : {}),
    ...(summary ? { summary } : {}),
    ...(timeline.success ? { timeline: timeline.data } : {}),
    ...(follows?.outcome ? { follows: follows.outcome } : {}),
  };
}

/** Per app: rollbacks, reasons, outcomes, p50/p95 time to abort and to recover, the failures. */
export function buildReport(items: readonly HistoryItem[], since: number, until: number): Report {
  const seen = new Set<string>();
  const kept = items
    .filter((i) => i.at >= since && i.at <= until)
    .filter((i) => {
      // The same decision from two sources (or a redelivery's audit line) counts once.
      const key = i.messageId ?? `${i.changeOrderId}:${i.outcome}:${i.at}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.at - b.at);
  const byApp = new Map<string, HistoryItem[]>();
  for (const i of kept) {
    const app = i.appId ?? '(unknown app)';
    byApp.set(app, [...(byApp.get(app) ?? []), i]);
  }
  const apps: AppReport[] = [...byApp.entries()].map(([appId, xs]) => {
    const rolled = new Set<string>();
    const outcomes: Record<string, number> = {};
    const reasons: Record<string, number> = {};
    const abort: number[] = [];
    const recover: number[] = [];
    for (const i of xs) {
      outcomes[i.outcome] = (outcomes[i.outcome] ?? 0) + 1;
      if (ROLLED_BACK.has(i.outcome) || (i.follows && ROLLED_BACK.has(i.follows))) {
        rolled.add(i.changeOrderId ?? i.messageId ?? String(i.at));
        if (ROLLED_BACK.has(i.outcome))
          reasons[i.reason ?? 'unknown'] = (reasons[i.reason ?? 'unknown'] ?? 0) + 1;
      }
      if (i.timeline) {
        abort.push(i.timeline.timeToAbortMs);
        if (i.timeline.timeToRecoverMs !== undefined) recover.push(i.timeline.timeToRecoverMs);
      }
    }
    const stats = (v: number[]) => ({
      n: v.length,
      ...(v.length ? { p50: percentile(v, 50) as number, p95: percentile(v, 95) as number } : {}),
    });
    return {
      appId,
      rollbacks: rolled.size,
      outcomes,
      reasons,
      timeToAbortMs: stats(abort),
      timeToRecoverMs: stats(recover),
      failures: xs
        .filter((i) => FAILURES.has(i.outcome))
        .map((i) => ({
          at: new Date(i.at).toISOString(),
          outcome: i.outcome,
          ...(i.changeOrderId ? { changeOrderId: i.changeOrderId } : {}),
          ...(i.summary ? { summary: i.summary } : {}),
        })),
    };
  });
  apps.sort((a, b) => b.rollbacks - a.rollbacks || a.appId.localeCompare(b.appId));
  const timelines = kept.flatMap((i) =>
    i.timeline
      ? [
          {
            appId: i.appId ?? '(unknown app)',
            ...(i.changeOrderId ? { changeOrderId: i.changeOrderId } : {}),
            outcome: i.outcome,
            timeline: i.timeline,
          },
        ]
      : [],
  );
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString(), apps, timelines };
}

const secs = (ms?: number) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

/** The report as text for the terminal. */
export function reportText(r: Report): string {
  const out = [`sae-rollback report ${r.since} .. ${r.until}`, ''];
  if (r.apps.length === 0) out.push('No outcomes in this window.');
  for (const a of r.apps) {
    out.push(`${a.appId}: ${a.rollbacks} rollback${a.rollbacks === 1 ? '' : 's'}`);
    const list = (o: Record<string, number>) =>
      Object.entries(o)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-';
    out.push(`  outcomes:        ${list(a.outcomes)}`);
    out.push(`  reasons:         ${list(a.reasons)}`);
    out.push(
      `  time to abort:   p50 ${secs(a.timeToAbortMs.p50)}, p95 ${secs(a.timeToAbortMs.p95)} (${a.timeToAbortMs.n})`,
    );
    out.push(
      `  time to recover: p50 ${secs(a.timeToRecoverMs.p50)}, p95 ${secs(a.timeToRecoverMs.p95)} (${a.timeToRecoverMs.n})`,
    );
    for (const f of a.failures)
      out.push(`  FAILURE ${f.at} ${f.outcome} ${f.changeOrderId ?? ''}: ${f.summary ?? ''}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
