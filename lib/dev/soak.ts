/**
 * The soak: thousands of records (duplicates included) through the real consumer handler — several
 * "FC instances" sharing one Redis — against the SAE and MNS emulators, with faults injected into a
 * share of the calls, and every delivery that failed retryably redelivered (as EventBridge does) until
 * quiet. The emulators' logs are the truth for the accounting in {@link accountSoak}.
 * Used by `npm run reliability` (bin/reliability.ts) and, short, by test/reliability/soak.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { RetryLaterError } from '../handlers/alarm.js';
import { createConsumerHandler } from '../handlers/consumer.js';
import { dropKeysWithPrefix } from '../idempotency/redis.js';
import type { Runtime } from '../runtime.js';
import { SAE_ACTIONS } from '../sae/types.js';
import { fakeFcContext } from './fc-context.js';
import {
  accountSoak,
  type SoakReport as BaseReport,
  type Delivered,
  formatSoakReport as formatBase,
} from './soak-accounting.js';
import { soakAudit } from './soak-audit.js';
import {
  accountFollowUps,
  type FollowUpAccount,
  followUntilDone,
  formatFollowUps,
} from './soak-follow-ups.js';
import { buildDataset, type Dataset, eventFor, prng, saeFaultKinds } from './soak-plan.js';
import { SOAK_STS, SOAK_TOPIC, soakRuntime, timing } from './soak-runtime.js';

/** The accounting, with the follow-ups: one per rolled-back change order, none lost, none doubled. */
export type SoakReport = BaseReport & { followUps: FollowUpAccount };

export function formatSoakReport(r: SoakReport): string {
  const lines = formatBase(r).split('\n');
  // Before the invariants line (or the violations block), which stays last.
  const at = lines.findIndex((l) => l.startsWith('invariants') || l.startsWith('VIOLATIONS'));
  lines.splice(at < 0 ? lines.length : at, 0, formatFollowUps(r.followUps));
  return lines.join('\n');
}

export interface SoakOptions {
  records: number;
  /** Client timeout (ms), default 300; slow faults take 1.5×. More where CPU is scarce (a parallel suite). */
  timeoutMs?: number;
  /** Share of records that repeat an earlier one (a new alarm, or the same message again). Default 0.15. */
  duplicateRate?: number;
  /** Share of SAE calls hit by a fault, and of aborts whose outcome's publish is. Default 0.3. */
  faultRate?: number;
  /** Records per event (EventBridge batch). Default 10. */
  batchSize?: number;
  /** Runtimes ("FC instances") sharing the store. Default 4. */
  instances?: number;
  /** Deliveries in flight at once. Default 64. */
  concurrency?: number;
  /** Redelivery rounds before the remaining records count as lost. Default 25. */
  maxRounds?: number;
  /** Redis shared by the instances (a key prefix of its own; removed at the end). */
  redisUrl?: string;
  seed?: number;
  progress?: (line: string) => void;
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const random = prng(o.seed ?? 20261129);
  const faultRate = o.faultRate ?? 0.3;
  const { slowMs, redeliveryMs } = timing(o);
  const progress = o.progress ?? (() => undefined);
  const dataset = buildDataset({
    records: o.records,
    duplicateRate: o.duplicateRate ?? 0.15,
    batchSize: o.batchSize ?? 10,
    random,
  });
  const armed = new Map<string, number>();
  const kinds = saeFaultKinds(slowMs);
  const lookups = new Set<string>(SAE_ACTIONS);
  let sae: SaeEmulator | undefined;
  let mns: MnsEmulator | undefined;
  // While following up: a throttled look-up ends a guard run by design (the next tick goes on), so
  // that one kind is left out there; every other fault still hits the follow-ups' DescribeChangeOrder.
  let following = false;
  // Arms a fault for the very call that just arrived (it is taken after the signature check).
  const onCall = (call: { action: string }) => {
    if (!sae || !mns || !lookups.has(call.action)) return;
    if (random() < faultRate) {
      const k = kinds[Math.floor(random() * kinds.length)];
      if (!k || (following && k.label === 'throttling')) return;
      sae.injectFault({ ...k.fault, action: call.action });
      armed.set(`${call.action}/${k.label}`, (armed.get(`${call.action}/${k.label}`) ?? 0) + 1);
    }
    if (call.action === 'AbortAndRollbackChangeOrder' && random() < faultRate) {
      const pick = random();
      mns.injectFault(
        pick < 0.4
          ? { kind: 'status', status: 503, code: 'ServiceUnavailable', times: 1 }
          : pick < 0.7
            ? { kind: 'reset', times: 1 }
            : { kind: 'latency', ms: slowMs, times: 1 },
      );
    }
  };
  sae = await startSaeEmulator({ credentials: [SOAK_STS], onCall });
  mns = await startMnsEmulator({ credentials: [SOAK_STS], topics: [SOAK_TOPIC] });
  for (const t of dataset.targets) {
    sae.seedApp({ appId: t.appId, versions: ['v1', 'v2'] });
    sae.startChangeOrder({ appId: t.appId, changeOrderId: t.changeOrderId, toVersion: 'v3', subStatus: 1 });
  }
  const prefix = `soak:${randomUUID().slice(0, 8)}:`;
  const audit = soakAudit();
  const runtimes = Array.from({ length: o.instances ?? 4 }, () =>
    soakRuntime({ ...o, sae, mns, prefix, logger: audit.logger }),
  );
  const started = Date.now();
  try {
    await runtimes[0]?.store.get('sae-rollback:soak-probe').catch((err: unknown) => {
      throw new Error(`Redis at ${o.redisUrl ?? 'redis://127.0.0.1:6379'} does not answer: ${String(err)}`);
    });
    const delivered = await deliverUntilQuiet(dataset, runtimes, o, progress);
    await sleep(redeliveryMs); // let the last slow calls land before counting
    progress("following every rollback to its end (the guard's follow-up step)");
    following = true;
    const followed = await followUntilDone(runtimes);
    await sleep(redeliveryMs);
    const follow = accountFollowUps({ sae, mns, topic: SOAK_TOPIC }, followed);
    const base = accountSoak({
      dataset,
      delivered,
      sae,
      mns,
      topic: SOAK_TOPIC,
      armed,
      audit,
      durationMs: Date.now() - started,
    });
    return { ...base, followUps: follow.account, violations: [...base.violations, ...follow.violations] };
  } finally {
    await dropKeys(runtimes[0], prefix);
    await Promise.all(runtimes.map((rt) => rt.store.close?.()));
    await Promise.all([sae.close(), mns.close()]);
  }
}

/** Delivers every event; redelivers the ones that asked for it, round after round, until none do. */
async function deliverUntilQuiet(
  dataset: Dataset,
  runtimes: Runtime[],
  o: SoakOptions,
  progress: (line: string) => void,
): Promise<Delivered> {
  const delivered: Delivered = {
    final: new Map(),
    deliveries: 0,
    recordDeliveries: 0,
    rounds: 0,
    crashes: [],
  };
  const handlers = runtimes.map((rt) => createConsumerHandler(rt));
  let pending = dataset.events.map((_, i) => i);
  for (let round = 1; pending.length > 0 && round <= (o.maxRounds ?? 25); round++) {
    if (round > 1) await sleep(timing(o).redeliveryMs);
    const t0 = Date.now();
    const failed: number[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < pending.length; i = next++) {
        const e = pending[i] as number;
        const batch = dataset.events[e] as number[];
        const handler = handlers[e % handlers.length];
        if (!handler) continue;
        delivered.deliveries++;
        delivered.recordDeliveries += batch.length;
        const context = fakeFcContext({ credentials: SOAK_STS, functionName: 'sae-rollback-consumer' });
        try {
          const res = await handler(eventFor(dataset, batch), context);
          batch.forEach((r, k) => {
            const entry = res.outcomes[k];
            delivered.final.set(r, entry ? entry.outcome : 'missing');
          });
        } catch (err) {
          if (!(err instanceof RetryLaterError))
            delivered.crashes.push(`${(err as Error)?.name}: ${String(err)}`);
          failed.push(e);
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 64 }, worker));
    delivered.rounds = round;
    progress(
      `round ${round}: ${pending.length} events delivered, ${failed.length} to redeliver (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
    pending = failed;
  }
  return delivered;
}

async function dropKeys(rt: Runtime | undefined, prefix: string): Promise<void> {
  if (rt) await dropKeysWithPrefix(rt.config.redis.url, prefix);
}
