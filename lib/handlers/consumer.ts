import { parseEvent } from '../events/index.js';
import { eventBytes, type FcContext, invocationOf } from '../fc/context.js';
import type { OutcomeKind } from '../rollback/outcome.js';
import type { Runtime } from '../runtime.js';
import { RetryLaterError } from './alarm.js';
import { handleRecords, type InvocationSummary } from './records.js';

/** What a consumer invocation did: counts for the FC log, and every record's entry. */
export interface ConsumerResult extends InvocationSummary {
  /** The outermost format, e.g. `mns-queue`, `kafka`, `mns-topic`, `timer`. */
  source: string;
  records: number;
  counts: Partial<Record<OutcomeKind | 'ignored' | 'guard', number>>;
}

/**
 * The consumer function: event triggers (MNS topic, EventBridge batches from MNS queues, RocketMQ,
 * Kafka, RabbitMQ, SAE and CloudMonitor events; the timer). One outcome per record; a record that can
 * never succeed is reported and acknowledged. If any record may succeed later, it throws — after all
 * records are done — so FC / EventBridge redeliver; the finished ones are then free duplicates.
 */
export function createConsumerHandler(rt: Runtime) {
  return async (event: unknown, context: FcContext): Promise<ConsumerResult> => {
    const receivedAt = rt.clock.now();
    const inv = invocationOf(context, receivedAt);

    const parsed = parseEvent(eventBytes(event), receivedAt, { alertKeys: rt.config.alertKeys });
    const summary = await handleRecords(rt, parsed.records, inv);
    const counts: ConsumerResult['counts'] = {};
    for (const o of summary.outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
    if (summary.ignored.length > 0) counts.ignored = summary.ignored.length;
    if (summary.guard.length > 0) counts.guard = summary.guard.length;
    rt.logger.info('consumed', {
      fcRequestId: context.requestId,
      source: parsed.source,
      records: parsed.records.length,
      counts,
    });

    if (summary.retry) {
      const failed = summary.outcomes.filter(
        (o) =>
          o.outcome === 'failed-retryable' ||
          o.outcome === 'in-progress' ||
          o.publications.some((p) => !p.ok),
      );
      throw new RetryLaterError(
        `${failed.length} of ${parsed.records.length} records may succeed later; redeliver: ${failed.map((o) => o.summary).join(' | ')}`,
      );
    }
    return { source: parsed.source, records: parsed.records.length, counts, ...summary };
  };
}
