import { parseEvent } from '../events/index.js';
import { deadlineOf, eventBytes, type FcContext, type HttpResponse } from '../fc/context.js';
import type { Outcome } from '../rollback/outcome.js';
import { type Publication, processRequest, publishAll } from '../rollback/process.js';
import type { InvocationInfo } from '../rollback/types.js';
import type { Runtime } from '../runtime.js';

/** What one invocation did, record by record. Returned (as JSON) to direct and HTTP callers. */
export interface AlarmResult {
  outcomes: Array<
    Pick<Outcome, 'outcome' | 'summary' | 'messageId'> & {
      changeOrderId?: string;
      appId?: string;
      publications: Publication[];
    }
  >;
  ignored: string[];
  /** True when something may still succeed later; the caller should deliver the event again. */
  retry: boolean;
}

/** Thrown for non-HTTP invocations so FC's async retry (and the on-failure destination) takes over. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

/**
 * The alarm function: parse the event, run every record through the core, publish, answer.
 * HTTP callers (CloudMonitor, webhooks) get 200 when done, 400 for input that can never work, 503 when
 * they should retry. Direct/async invocations throw {@link RetryLaterError} only if a retry may help.
 */
export function createAlarmHandler(rt: Runtime) {
  return async (event: unknown, context: FcContext): Promise<HttpResponse | AlarmResult> => {
    const receivedAt = rt.clock.now();
    const inv: InvocationInfo = { fcRequestId: context.requestId };
    const deadline = deadlineOf(context, receivedAt);
    if (deadline !== undefined) inv.deadline = deadline;

    const parsed = parseEvent(eventBytes(event), receivedAt);
    const result: AlarmResult = { outcomes: [], ignored: [], retry: false };
    let rejected = 0;
    for (const record of parsed.records) {
      if (record.kind === 'ignored') {
        rt.logger.info('ignored', {
          fcRequestId: context.requestId,
          source: record.source,
          reason: record.reason,
        });
        result.ignored.push(record.reason);
        continue;
      }
      const processed =
        record.kind === 'request'
          ? await processRequest({ ...rt, notifyDuplicates: rt.config.notifyDuplicates }, record.request, inv)
          : await reportRejected(rt, record.source, record.reason, receivedAt, inv);
      if (processed.outcome.outcome === 'rejected-input') rejected += 1;
      result.retry ||= processed.retry;
      const o = processed.outcome;
      result.outcomes.push({
        outcome: o.outcome,
        summary: o.summary,
        messageId: o.messageId,
        ...(o.changeOrderId ? { changeOrderId: o.changeOrderId } : {}),
        ...(o.appId ? { appId: o.appId } : {}),
        publications: processed.publications,
      });
    }

    if (parsed.http) {
      const statusCode = result.retry ? 503 : rejected > 0 ? 400 : 200;
      return {
        statusCode,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          ...(result.retry ? { 'retry-after': '5' } : {}),
        },
        body: JSON.stringify(result),
      };
    }
    if (result.retry)
      throw new RetryLaterError(`Retry later: ${result.outcomes.map((o) => o.summary).join(' | ')}`);
    return result;
  };
}

async function reportRejected(
  rt: Runtime,
  source: string,
  reason: string,
  receivedAt: number,
  inv: InvocationInfo,
) {
  const outcome = rt.core.rejected(source, reason, receivedAt, inv);
  const publications = await publishAll(rt.notifiers, outcome);
  rt.logger.warn('decision', {
    fcRequestId: inv.fcRequestId,
    outcome: outcome.outcome,
    summary: outcome.summary,
    publications,
  });
  // Never retried: the input cannot change. A failed report is logged above, not a reason to redeliver.
  return { outcome, publications, retry: false };
}
