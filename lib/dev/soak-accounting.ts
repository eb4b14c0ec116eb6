/**
 * The soak's accounting, from the emulators' logs (what SAE executed, what MNS stored) and the final
 * answer each record got, with the invariants that must hold. Any broken invariant is a violation.
 */
import type { MnsEmulator } from '../../emulators/mns/index.js';
import type { SaeEmulator } from '../../emulators/sae/index.js';
import type { SoakAudit } from './soak-audit.js';
import type { Dataset } from './soak-plan.js';
import type { Delivered, SoakReport } from './soak-report.js';

export type { Delivered, SoakReport } from './soak-report.js';
export { formatSoakReport } from './soak-report.js';

const LABEL: Record<string, (f: { kind: string; status?: number }) => boolean> = {
  'http-503': (f) => f.kind === 'http-error' && f.status === 503,
  'http-500': (f) => f.kind === 'http-error' && f.status === 500,
  throttling: (f) => f.kind === 'throttle',
  'html-502': (f) => f.kind === 'html',
  reset: (f) => f.kind === 'reset',
  slow: (f) => f.kind === 'latency',
};
const RESULTS = new Set(['aborted', 'already-finished']);
/** JSON with sorted keys: a stored outcome read back may list its fields in another order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );
const inc = (m: Record<string, number>, k: string, by = 1) => {
  m[k] = (m[k] ?? 0) + by;
};

export function accountSoak(x: {
  dataset: Dataset;
  delivered: Delivered;
  sae: SaeEmulator;
  mns: MnsEmulator;
  topic: string;
  armed: Map<string, number>;
  /** What the runtimes' audit lines say timed out: each may have been carried out all the same. */
  audit: Pick<SoakAudit, 'timedOutPublishes' | 'timedOutAborts'>;
  durationMs: number;
}): SoakReport {
  const { dataset, delivered, sae, mns } = x;
  const v: string[] = [];

  // Faults that fired: armed minus still armed (SAE); marked on the request (MNS).
  const left = new Map<string, number>();
  for (const f of sae.snapshot().faults) {
    const label = Object.keys(LABEL).find((l) => LABEL[l]?.(f)) ?? f.kind;
    left.set(`${f.action}/${label}`, (left.get(`${f.action}/${label}`) ?? 0) + f.remaining);
  }
  sae.clearFaults();
  mns.clearFaults();
  const saeFaults: Record<string, number> = {};
  for (const [key, n] of x.armed) inc(saeFaults, key.split('/')[1] ?? key, n - (left.get(key) ?? 0));
  const mnsFaults: Record<string, number> = {};
  for (const r of mns.requests) if (r.fault) inc(mnsFaults, r.fault);
  const slowAborts =
    (x.armed.get('AbortAndRollbackChangeOrder/slow') ?? 0) -
    (left.get('AbortAndRollbackChangeOrder/slow') ?? 0);

  // Aborts, as SAE saw them.
  const aborts = sae.callsTo('AbortAndRollbackChangeOrder');
  const executed = new Map<string, number>();
  for (const c of aborts)
    if (c.status === 200)
      executed.set(c.query.ChangeOrderId ?? '', (executed.get(c.query.ChangeOrderId ?? '') ?? 0) + 1);
  let doubleAborts = 0;
  let notAborted = 0;
  for (const t of dataset.targets) {
    const n = executed.get(t.changeOrderId) ?? 0;
    if (n > 1) doubleAborts += n - 1;
    if (n === 0 || sae.getChangeOrder(t.changeOrderId)?.status !== 6) notAborted++;
  }
  const refusedNotRunning = aborts.filter((c) => c.code === 'Application.ChangerOrder.Not.Running').length;

  // Every record: exactly one final answer, and one that ends the matter.
  const finalOutcomes: Record<string, number> = {};
  let lostRecords = 0;
  let unexpectedFinals = 0;
  for (const r of dataset.records) {
    const f = delivered.final.get(r.index);
    if (f === undefined) {
      lostRecords++;
      continue;
    }
    inc(finalOutcomes, f);
    const ok = RESULTS.has(f) || f === 'duplicate' || (f === 'no-running-change-order' && r.names === 'app');
    if (!ok) unexpectedFinals++;
  }

  // What MNS stored: one result message ID per change order, duplicates only from ambiguous publishes.
  const byId = new Map<string, { bodies: Set<string>; copies: number; co: string }>();
  let retryableNotices = 0;
  const notRunning = new Set<string>();
  const messages = mns.messages(x.topic);
  for (const m of messages) {
    const o = JSON.parse(m.body) as { outcome: string; messageId: string; changeOrderId?: string };
    if (o.outcome === 'failed-retryable') retryableNotices++;
    if (o.outcome === 'no-running-change-order' && o.changeOrderId) notRunning.add(o.changeOrderId);
    if (!RESULTS.has(o.outcome)) continue;
    const e = byId.get(o.messageId) ?? { bodies: new Set(), copies: 0, co: o.changeOrderId ?? '' };
    e.bodies.add(canonical(o));
    e.copies++;
    byId.set(o.messageId, e);
  }
  const idsPerCo = new Map<string, number>();
  let duplicateResults = 0;
  for (const [id, e] of byId) {
    idsPerCo.set(e.co, (idsPerCo.get(e.co) ?? 0) + 1);
    duplicateResults += e.copies - 1;
    if (e.bodies.size > 1) v.push(`message ${id} was published with different contents`);
  }
  // A change order whose abort's answer was lost, named afterwards only by app, is reported as "not
  // running" (true, but it does not say the abort was ours); every other one has its result.
  const reportedNotRunning = dataset.targets.filter(
    (t) => !idsPerCo.has(t.changeOrderId) && notRunning.has(t.changeOrderId),
  ).length;
  const lostResults = dataset.targets.filter(
    (t) => !idsPerCo.has(t.changeOrderId) && !notRunning.has(t.changeOrderId),
  ).length;
  const twoResults = [...idsPerCo.values()].filter((n) => n > 1).length;
  const ambiguousPublishFaults = mnsFaults.latency ?? 0;
  const timedOutPublishes = x.audit.timedOutPublishes();
  const timedOutAborts = x.audit.timedOutAborts();
  const faultTotal =
    Object.values(saeFaults).reduce((a, b) => a + b, 0) + Object.values(mnsFaults).reduce((a, b) => a + b, 0);

  if (delivered.crashes.length > 0)
    v.push(`${delivered.crashes.length} deliveries crashed (not RetryLaterError)`);
  if (lostRecords > 0) v.push(`${lostRecords} records lost (never accepted)`);
  if (unexpectedFinals > 0) v.push(`${unexpectedFinals} records ended in an unexpected outcome`);
  if (doubleAborts > 0) v.push(`${doubleAborts} double aborts`);
  if (notAborted > 0) v.push(`${notAborted} change orders never aborted`);
  if (refusedNotRunning > timedOutAborts)
    v.push(
      `${refusedNotRunning} redundant abort requests, more than the ${timedOutAborts} aborts that timed out explain`,
    );
  if (lostResults > 0) v.push(`${lostResults} change orders without a published outcome`);
  if (twoResults > 0) v.push(`${twoResults} change orders with two different results published`);
  if (duplicateResults > timedOutPublishes)
    v.push(
      `${duplicateResults} duplicate result messages, more than the ${timedOutPublishes} publishes that timed out explain`,
    );

  return {
    records: dataset.records.length,
    distinctChangeOrders: dataset.targets.length,
    duplicates: {
      repeatedAlarms: dataset.records.filter((r) => r.duplicate === 'repeat').length,
      redeliveredMessages: dataset.records.filter((r) => r.duplicate === 'redelivered').length,
    },
    deliveries: {
      events: delivered.deliveries,
      records: delivered.recordDeliveries,
      rounds: delivered.rounds,
    },
    faults: { total: faultTotal, sae: saeFaults, mns: mnsFaults },
    aborts: {
      requests: aborts.length,
      executed: [...executed.values()].reduce((a, b) => a + b, 0),
      doubleAborts,
      notAborted,
      refusedNotRunning,
      ambiguousAbortFaults: slowAborts,
      timedOutAborts,
    },
    finalOutcomes,
    lostRecords,
    unexpectedFinals,
    published: {
      messages: messages.length,
      resultMessageIds: byId.size,
      reportedNotRunning,
      duplicateResults,
      ambiguousPublishFaults,
      timedOutPublishes,
      lostResults,
      retryableNotices,
    },
    crashes: delivered.crashes.slice(0, 5),
    durationMs: x.durationMs,
    violations: v,
  };
}
