/**
 * The soak's inputs: a deterministic set of records (alarms naming a change order or an app, with
 * duplicates), batched into EventBridge MNS-queue events, and the per-call fault plan.
 */
import type { Fault } from '../../emulators/sae/types.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same soak. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One release going bad: an app and its running change order. */
export interface Target {
  appId: string;
  changeOrderId: string;
}

/** One message on the queue. `messageId` repeats when the queue delivers the same message twice. */
export interface SoakRecord {
  index: number;
  messageId: string;
  target: number;
  /** Names the change order, or only the app (the function then looks the change order up). */
  names: 'change-order' | 'app';
  /** `repeat`: a new alarm about an earlier target; `redelivered`: the same message again. */
  duplicate?: 'repeat' | 'redelivered';
}

export interface Dataset {
  targets: Target[];
  records: SoakRecord[];
  /** Each event is one EventBridge batch of record indexes. */
  events: number[][];
}

const id = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Builds `records` records over `records × (1 − duplicateRate)` targets, shuffled and batched. */
export function buildDataset(opts: {
  records: number;
  duplicateRate: number;
  batchSize: number;
  random: () => number;
}): Dataset {
  const { random } = opts;
  const distinct = Math.max(1, Math.round(opts.records * (1 - opts.duplicateRate)));
  const targets = Array.from({ length: distinct }, (_, i) => ({
    appId: id('50a50000', i),
    changeOrderId: id('c0a50000', i),
  }));
  const records: SoakRecord[] = targets.map((_, i) => ({
    index: i,
    messageId: `MSG-${i}`,
    target: i,
    names: random() < 0.2 ? 'app' : 'change-order',
  }));
  for (let i = distinct; i < opts.records; i++) {
    const of = records[Math.floor(random() * distinct)] as SoakRecord;
    records.push(
      random() < 0.5
        ? { ...of, index: i, duplicate: 'redelivered' }
        : { index: i, messageId: `MSG-${i}`, target: of.target, names: of.names, duplicate: 'repeat' },
    );
  }
  const order = records.map((r) => r.index);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const events: number[][] = [];
  for (let i = 0; i < order.length; i += opts.batchSize) events.push(order.slice(i, i + opts.batchSize));
  return { targets, records, events };
}

/** The event FC hands the consumer for a batch: EventBridge CloudEvents from an MNS queue. */
export function eventFor(dataset: Dataset, batch: readonly number[]): Buffer {
  return Buffer.from(
    JSON.stringify(
      batch.map((i) => {
        const r = dataset.records[i] as SoakRecord;
        const t = dataset.targets[r.target] as Target;
        const body = r.names === 'app' ? { appId: t.appId } : { ChangeOrderId: t.changeOrderId };
        return {
          id: `ce-${r.messageId}`,
          source: 'MNS-sae-rollback-soak',
          specversion: '1.0',
          type: 'mns:Queue:SendMessage',
          data: { messageId: r.messageId, messageBody: JSON.stringify(body) },
        };
      }),
    ),
  );
}

/** SAE faults, one drawn per faulted call. `slow` outlasts the read timeout: the call may still land. */
export function saeFaultKinds(latencyMs: number): Array<{ label: string; fault: Fault }> {
  return [
    { label: 'http-503', fault: { kind: 'http-error', status: 503, code: 'ServiceUnavailable' } },
    { label: 'http-500', fault: { kind: 'http-error', status: 500, code: 'InternalError' } },
    { label: 'throttling', fault: { kind: 'throttle' } },
    { label: 'html-502', fault: { kind: 'html', status: 502 } },
    { label: 'reset', fault: { kind: 'reset' } },
    { label: 'slow', fault: { kind: 'latency', ms: latencyMs } },
  ];
}
