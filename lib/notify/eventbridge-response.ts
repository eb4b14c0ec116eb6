/**
 * What came back from EventBridge, or what went wrong on the way: the PutEvents answer read (case-insensitively:
 * the open-source EventBridge server writes the entry fields in camelCase), each event's verdict, and every
 * failure as a {@link NotifyError} with the retry verdict of EventBridge's tables (lib/aliyun/tables/eventbridge.ts).
 */
import { z } from 'zod';
import { isRetryable } from '../aliyun/classify.js';
import { classifyEventBridgeCode, classifyEventBridgeEntry } from '../aliyun/tables/eventbridge.js';
import type { Outcome } from '../rollback/outcome.js';
import { ClientFailure, misconfigured, NotifyChannel, NotifyError, NotifyErrorKind } from './errors.js';
import { type PostResponse, redactSecrets, transportFailure } from './http-post.js';

/**
 * Request failures worth repeating: 5xx, 408, 429, throttling, and an expired STS token (the redelivery carries
 * fresh credentials). A signature mismatch, a denied action or an unknown bus answers the same every time.
 */
export function isRetryableEventBridgeFailure(httpStatus: number, code?: string): boolean {
  return isRetryable(classifyEventBridgeCode(code ?? '', httpStatus));
}

/** Entry failures worth repeating: throttling and the service's own trouble; anything else is permanent. */
export function isRetryableEntryError(code: string): boolean {
  return isRetryable(classifyEventBridgeEntry(code));
}

/** What EventBridge said about one event. */
export interface PutEventsEntry {
  eventId: string | undefined;
  traceId: string | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
}

/** What happened to one outcome of a batch. */
export type OutcomeDelivery =
  | { messageId: string; ok: true; eventId: string; traceId?: string | undefined }
  | { messageId: string; ok: false; error: NotifyError };

const str = z.string().optional();
const entrySchema = z.object({
  EventId: str,
  eventId: str,
  TraceId: str,
  traceId: str,
  ErrorCode: str,
  errorCode: str,
  ErrorMessage: str,
  errorMessage: str,
});
const responseSchema = z.object({
  RequestId: str,
  requestId: str,
  FailedEntryCount: z.number().int().min(0).optional(),
  failedEntryCount: z.number().int().min(0).optional(),
  EntryList: z.array(entrySchema).optional(),
  entryList: z.array(entrySchema).optional(),
});
const errorSchema = z.object({
  code: str,
  Code: str,
  message: str,
  Message: str,
  requestId: str,
  RequestId: str,
});

/**
 * What EventBridge answered a PutEvents of `count` events: one entry per event, in order.
 * @throws {NotifyError} when the request as a whole failed.
 */
export function interpretPutEvents(
  res: PostResponse,
  count: number,
  bus: string,
  secrets: readonly string[],
): PutEventsEntry[] {
  const json = parseJson(res.body);
  if (res.status < 200 || res.status >= 300) {
    const err = errorSchema.safeParse(json);
    const code = err.success ? (err.data.code ?? err.data.Code) : undefined;
    const requestId = err.success ? (err.data.requestId ?? err.data.RequestId) : undefined;
    const text = err.success ? (err.data.message ?? err.data.Message ?? '') : '';
    const detail =
      code === undefined ? 'with a non-EventBridge error body' : `${code}: ${text.slice(0, 300)}`;
    return throwIt(
      new NotifyError(
        redactSecrets(`EventBridge PutEvents to bus "${bus}" failed: HTTP ${res.status} ${detail}`, secrets),
        {
          channel: NotifyChannel.eventbridge,
          kind: NotifyErrorKind.http,
          code,
          httpStatus: res.status,
          requestId,
          // A body that is not EventBridge talking (a gateway, a proxy) is treated as transient.
          retryable: code === undefined || isRetryableEventBridgeFailure(res.status, code),
        },
      ),
    );
  }
  const parsed = responseSchema.safeParse(json);
  const list = parsed.success ? (parsed.data.EntryList ?? parsed.data.entryList) : undefined;
  if (!parsed.success || list === undefined || list.length !== count) {
    // Retryable, accepting a possible duplicate (consumers dedupe on the event id).
    return throwIt(
      new NotifyError(
        `EventBridge PutEvents to bus "${bus}" returned HTTP ${res.status} without an entry per event`,
        {
          channel: NotifyChannel.eventbridge,
          ...ClientFailure.malformedResponse,
          httpStatus: res.status,
          retryable: true,
        },
      ),
    );
  }
  return list.map((e) => ({
    eventId: e.EventId ?? e.eventId,
    traceId: e.TraceId ?? e.traceId,
    errorCode: e.ErrorCode ?? e.errorCode,
    errorMessage: e.ErrorMessage ?? e.errorMessage,
  }));
}

/** What happened to `outcome`, given the entry EventBridge answered for it. */
export function entryVerdict(
  outcome: Outcome,
  entry: PutEventsEntry | undefined,
  bus: string,
): OutcomeDelivery {
  const code = entry?.errorCode;
  // Some EventBridge answers spell success as ErrorCode "Success" rather than leaving it out.
  if (entry !== undefined && (code === undefined || code === '' || code === 'Success')) {
    return {
      messageId: outcome.messageId,
      ok: true,
      eventId: entry.eventId ?? outcome.messageId,
      traceId: entry.traceId,
    };
  }
  const failed = code ?? 'Unknown';
  const error = new NotifyError(
    `EventBridge refused event ${outcome.messageId} on bus "${bus}": ${failed}` +
      (entry?.errorMessage ? `: ${entry.errorMessage.slice(0, 300)}` : ''),
    {
      channel: NotifyChannel.eventbridge,
      kind: NotifyErrorKind.http,
      code: failed,
      httpStatus: 200,
      retryable: isRetryableEntryError(failed),
    },
  );
  return { messageId: outcome.messageId, ok: false, error };
}

function throwIt(e: NotifyError): never {
  throw e;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A POST that got no complete answer: our deadline, an oversize answer, or a network error — all retryable. */
export function transportError(
  e: unknown,
  bus: string,
  timeoutMs: number,
  secrets: readonly string[],
): NotifyError {
  return transportFailure(e, {
    channel: NotifyChannel.eventbridge,
    what: `EventBridge PutEvents to bus "${bus}"`,
    timeoutMs,
    secrets,
  });
}

export function credentialsError(retryable: boolean, cause?: unknown): NotifyError {
  return new NotifyError(
    retryable
      ? 'EventBridge credentials provider failed'
      : 'EventBridge credentials provider returned an unusable value (accessKeyId and accessKeySecret must be non-empty)',
    {
      channel: NotifyChannel.eventbridge,
      ...ClientFailure.credentialsUnavailable,
      retryable,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

export function unexpected(e: unknown): NotifyError {
  return new NotifyError('EventBridge PutEvents failed unexpectedly', {
    channel: NotifyChannel.eventbridge,
    kind: NotifyErrorKind.protocol,
    retryable: true,
    cause: e,
  });
}

export function invalidConfig(message: string): NotifyError {
  return misconfigured(NotifyChannel.eventbridge, 'EventBridge client', message);
}
