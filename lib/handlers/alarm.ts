import { HttpAuth } from '../auth/http-auth.js';
import { parseEvent } from '../events/index.js';
import { eventBytes, type FcContext, type HttpResponse, invocationOf } from '../fc/context.js';
import { maskSecrets } from '../log.js';
import type { Runtime } from '../runtime.js';
import { handleRecords, type InvocationSummary } from './records.js';

/** What one invocation did, record by record. Returned (as JSON) to direct and HTTP callers. */
export type AlarmResult = InvocationSummary;

/** Thrown for non-HTTP invocations so FC's async retry (and the on-failure destination) takes over. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/**
 * True when the event starts like an FC 3.0 HTTP-trigger envelope (`{"version":"v1","rawPath":…`) even
 * though it could not be read whole (e.g. over the size limit): the caller is an HTTP client and gets a
 * proper 400 rather than a bare object.
 */
function httpEnvelopePrefix(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 256).toString('latin1');
  return /^\s*\{\s*"version"\s*:\s*"v1"\s*,\s*"rawPath"\s*:/.test(head);
}

/**
 * The alarm function: parse the event (CloudMonitor callback, ARMS/Alertmanager webhook, direct JSON
 * or ID — over the FC HTTP trigger or by direct invocation), run every record, publish, answer.
 * HTTP callers get 200 with the outcomes, 400 with the reason when nothing in the request can ever
 * work, 503 when they should retry — never a stack trace. Direct/async invocations throw
 * {@link RetryLaterError} only if a retry may help.
 */
export function createAlarmHandler(rt: Runtime) {
  const auth = new HttpAuth({ config: rt.config.auth, store: rt.store, logger: rt.logger, clock: rt.clock });
  return async (event: unknown, context: FcContext): Promise<HttpResponse | AlarmResult> => {
    const receivedAt = rt.clock.now();
    const inv = invocationOf(context, receivedAt);

    const bytes = eventBytes(event);
    // HTTP callers are authenticated before anything reads the body: refused means nothing parsed or done.
    const refused = await auth.guard(bytes, context.requestId);
    if (refused) return refused;
    const parsed = parseEvent(bytes, receivedAt, { alertKeys: rt.config.alertKeys });
    let result: AlarmResult;
    try {
      result = await handleRecords(rt, parsed.records, inv);
    } catch (err) {
      if (!parsed.http) throw err;
      rt.logger.error('invocation failed', { fcRequestId: context.requestId, error: err });
      return {
        statusCode: 503,
        headers: { ...JSON_TYPE, 'retry-after': '5' },
        body: JSON.stringify({ error: 'Internal error; retry later.', fcRequestId: context.requestId }),
      };
    }

    if (parsed.http || httpEnvelopePrefix(bytes)) {
      const statusCode = result.retry ? 503 : parsed.understood ? 200 : 400;
      return {
        statusCode,
        headers: { ...JSON_TYPE, ...(result.retry ? { 'retry-after': '5' } : {}) },
        // The caller is answered with what was published: configured secrets masked.
        body: JSON.stringify(maskSecrets(result)),
      };
    }
    if (result.retry)
      throw new RetryLaterError(`Retry later: ${result.outcomes.map((o) => o.summary).join(' | ')}`);
    return result;
  };
}
