/** The soak's figures and how `npm run reliability` prints them (computed by ./soak-accounting.ts). */

/** What the deliveries produced: each record's outcome in the delivery that was accepted. */
export interface Delivered {
  final: Map<number, string>;
  deliveries: number;
  recordDeliveries: number;
  rounds: number;
  crashes: string[];
}

export interface SoakReport {
  records: number;
  distinctChangeOrders: number;
  duplicates: { repeatedAlarms: number; redeliveredMessages: number };
  deliveries: { events: number; records: number; rounds: number };
  faults: { total: number; sae: Record<string, number>; mns: Record<string, number> };
  aborts: {
    requests: number;
    executed: number;
    doubleAborts: number;
    notAborted: number;
    /** Abort requests SAE refused as "not running": sent after an abort whose answer was lost. */
    refusedNotRunning: number;
    /** Aborts slowed on purpose: the client gave up, the abort landed anyway. */
    ambiguousAbortFaults: number;
    /** Aborts the runtimes saw time out, those slowed on purpose included: the only cause of redundant ones. */
    timedOutAborts: number;
  };
  finalOutcomes: Record<string, number>;
  lostRecords: number;
  unexpectedFinals: number;
  published: {
    messages: number;
    /** Result outcomes (aborted / already-finished): one message ID per change order. */
    resultMessageIds: number;
    /** Change orders reported only as "no running change order" (see accountSoak). */
    reportedNotRunning: number;
    /** Result messages beyond the first per message ID (at-least-once publishing). */
    duplicateResults: number;
    /** Publishes slowed on purpose past the client timeout (MNS stored them after the client gave up). */
    ambiguousPublishFaults: number;
    /** Publishes the runtimes saw time out, those slowed on purpose included: the only cause duplicates may have. */
    timedOutPublishes: number;
    lostResults: number;
    retryableNotices: number;
  };
  crashes: string[];
  durationMs: number;
  violations: string[];
}

/** The figures, as printed by `npm run reliability`. */
export function formatSoakReport(r: SoakReport): string {
  const kv = (m: Record<string, number>) =>
    Object.entries(m)
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  return [
    `records                ${r.records} (${r.distinctChangeOrders} change orders)`,
    `duplicates             ${r.duplicates.repeatedAlarms + r.duplicates.redeliveredMessages} (${r.duplicates.repeatedAlarms} repeated alarms, ${r.duplicates.redeliveredMessages} messages delivered twice)`,
    `deliveries             ${r.deliveries.events} events, ${r.deliveries.records} record deliveries, ${r.deliveries.rounds} rounds`,
    `injected faults        ${r.faults.total} — SAE: ${kv(r.faults.sae)}; MNS: ${kv(r.faults.mns)}`,
    `aborts                 ${r.aborts.executed} executed by SAE (${r.aborts.requests} requests)`,
    `double aborts          ${r.aborts.doubleAborts}`,
    `not aborted            ${r.aborts.notAborted}`,
    `redundant aborts       ${r.aborts.refusedNotRunning} refused by SAE as not running (≤ ${r.aborts.timedOutAborts} aborts that timed out, ${r.aborts.ambiguousAbortFaults} of them slowed on purpose)`,
    `final outcomes         ${kv(r.finalOutcomes)}`,
    `lost records           ${r.lostRecords}`,
    `published outcomes     ${r.published.resultMessageIds} result message IDs (at most one per change order), ${r.published.messages} messages in all`,
    `  duplicates by ID     ${r.published.duplicateResults} (≤ ${r.published.timedOutPublishes} publishes that timed out, ${r.published.ambiguousPublishFaults} of them slowed on purpose)`,
    `  only "not running"   ${r.published.reportedNotRunning} (the abort's answer was lost; later named by app only)`,
    `  lost results         ${r.published.lostResults}`,
    `  retryable notices    ${r.published.retryableNotices}`,
    `crashes                ${r.crashes.length}`,
    `duration               ${(r.durationMs / 1000).toFixed(1)} s`,
    r.violations.length === 0
      ? 'invariants             all hold'
      : `VIOLATIONS:\n  ${r.violations.join('\n  ')}`,
  ].join('\n');
}
