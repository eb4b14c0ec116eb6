/**
 * The soak's follow-ups: after the deliveries are quiet, the guard's follow-up step runs (on the soak's
 * instances, as timer ticks would) until nothing is pending; then, from the emulators' logs, every change
 * order SAE aborted must have exactly one follow-up message ID on the topic — none lost, none doubled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MnsEmulator } from '../../emulators/mns/index.js';
import type { SaeEmulator } from '../../emulators/sae/index.js';
import type { Runtime } from '../runtime.js';

export interface FollowUpAccount {
  /** Change orders whose `aborted` / `rolled-back-application` was published (each must be followed). */
  rolledBack: number;
  /**
   * Change orders SAE aborted but reported only as "no running change order" (the abort's answer was
   * lost and the redelivery named the app only; see "Known limits"): nothing says they were rolled back,
   * so nothing follows them.
   */
  unreported: number;
  /** Follow-up message IDs published, and messages in all (a re-send keeps its ID). */
  messageIds: number;
  messages: number;
  kinds: Record<string, number>;
  lost: number;
  /** Change orders with more than one follow-up message ID. */
  doubled: number;
  /** Guard runs it took, and rollbacks still pending when they stopped. */
  runs: number;
  pending: number;
}

/**
 * Runs the follow-up step on every instance at once (as overlapping timer ticks on several instances
 * would, without the guard's run lease: the outbox alone must keep it to one follow-up per change
 * order), round after round, until none is pending or 20 rounds in a row made no progress.
 */
export async function followUntilDone(runtimes: Runtime[]): Promise<{ runs: number; pending: number }> {
  let pending = Number.POSITIVE_INFINITY;
  let runs = 0;
  let stale = 0;
  while (pending > 0 && stale < 20) {
    const reports = await Promise.all(runtimes.map((rt) => rt.follow.run({})));
    runs += reports.length;
    const left = Math.min(...reports.map((r) => r.pending));
    stale = left < pending ? 0 : stale + 1;
    pending = left;
    if (pending > 0) await sleep(250);
  }
  return { runs, pending: Number.isFinite(pending) ? pending : 0 };
}

/** The invariants, from what SAE executed and what MNS stored; violations are returned as lines. */
export function accountFollowUps(
  x: { sae: SaeEmulator; mns: MnsEmulator; topic: string },
  progress: { runs: number; pending: number },
): { account: FollowUpAccount; violations: string[] } {
  const abortedBySae = new Set(
    x.sae
      .callsTo('AbortAndRollbackChangeOrder')
      .filter((c) => c.status === 200)
      .map((c) => c.query.ChangeOrderId ?? ''),
  );
  const rolledBack = new Set<string>();
  const idsByCo = new Map<string, Set<string>>();
  const kinds: Record<string, number> = {};
  let messages = 0;
  for (const m of x.mns.messages(x.topic)) {
    const o = JSON.parse(m.body) as {
      outcome: string;
      changeOrderId?: string;
      messageId: string;
      follows?: unknown;
    };
    if (!o.changeOrderId) continue;
    if (o.outcome === 'aborted' || o.outcome === 'rolled-back-application') rolledBack.add(o.changeOrderId);
    if (!o.follows) continue;
    messages++;
    const ids = idsByCo.get(o.changeOrderId) ?? new Set<string>();
    if (!ids.has(o.messageId)) kinds[o.outcome] = (kinds[o.outcome] ?? 0) + 1;
    ids.add(o.messageId);
    idsByCo.set(o.changeOrderId, ids);
  }
  const lost = [...rolledBack].filter((co) => !idsByCo.has(co)).length;
  const doubled = [...idsByCo.values()].filter((ids) => ids.size > 1).length;
  const account: FollowUpAccount = {
    rolledBack: rolledBack.size,
    unreported: [...abortedBySae].filter((co) => !rolledBack.has(co)).length,
    messageIds: [...idsByCo.values()].reduce((n, ids) => n + ids.size, 0),
    messages,
    kinds,
    lost,
    doubled,
    ...progress,
  };
  const violations: string[] = [];
  if (lost > 0) violations.push(`${lost} rolled-back change orders have no follow-up`);
  if (doubled > 0) violations.push(`${doubled} change orders have more than one follow-up`);
  const strays = [...idsByCo.keys()].filter((co) => !rolledBack.has(co)).length;
  if (strays > 0) violations.push(`${strays} follow-ups for change orders never reported rolled back`);
  return { account, violations };
}

export function formatFollowUps(a: FollowUpAccount): string {
  const kinds = Object.entries(a.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `follow-ups             ${a.messageIds} message IDs for ${a.rolledBack} rolled-back change orders (${kinds || 'none'}), ${a.messages} messages in all`,
    `  lost / doubled       ${a.lost} / ${a.doubled} (${a.runs} guard runs, ${a.pending} still pending)`,
    `  not followed         ${a.unreported} aborted by SAE but reported only as "not running" (nothing to follow)`,
  ].join('\n');
}
