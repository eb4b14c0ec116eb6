/**
 * Puts outcome events on an EventBridge event bus with the data-plane `PutEvents` call:
 * `POST https://<accountId>.eventbridge.<region>.aliyuncs.com/openapi/putEvents`, body = a JSON array of
 * structured CloudEvents (`application/cloudevents-batch+json`), the bus named in each event's
 * `aliyuneventbusname` attribute, signed as in ./eventbridge-signature.ts. The answer is
 * `{"RequestId", "FailedEntryCount", "EntryList": [{"EventId", "TraceId", "ErrorCode", "ErrorMessage"}]}`
 * (read case-insensitively: the open-source EventBridge server writes the entry fields in camelCase); errors
 * are `{"code", "message", "requestId"}` with a 4xx/5xx status.
 *
 * Written by hand, like the MNS client, rather than with `@alicloud/eventbridge`: the project takes no new
 * dependencies, and that SDK brings the Tea runtime for one call, binds credentials at construction (FC hands
 * out fresh STS credentials per invocation), retries on its own without a deadline, and throws errors whose
 * retry verdict has to be dug out of strings. Here one deadline covers connect + send + read, credentials are
 * read per call, and every failure is a {@link NotifyError} with `retryable` set.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import type { CloudCredentials } from '../credentials.js';
import type { Outcome } from '../rollback/outcome.js';
import { NotifyChannel, NotifyError, NotifyErrorKind } from './errors.js';
import { DEFAULT_EVENT_SOURCE, type OutcomeCloudEvent, toOutcomeCloudEvent } from './eventbridge-envelope.js';
import {
  eventBridgeContentMd5,
  eventBridgeSignature,
  eventBridgeStringToSign,
} from './eventbridge-signature.js';
import {
  DeadlineExceeded,
  errnoOf,
  type PostResponse,
  parseHttpEndpoint,
  postOnce,
  ResponseTooLarge,
  redactSecrets,
} from './http-post.js';

/** The EventBridge actions this client performs: the RAM policy (ram-policy.json) is checked against it. */
export const EVENTBRIDGE_ACTIONS = ['PutEvents'] as const;

/** `x-eventbridge-version`, as EventBridge's common request headers document it. */
export const EVENTBRIDGE_API_VERSION = '2020-04-01';
export const PUT_EVENTS_PATH = '/openapi/putEvents';
export const CLOUDEVENTS_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json; charset=utf-8';
/** Events per request. Conservative (AWS allows 10; we found no documented Alibaba limit); larger batches are split. */
export const MAX_EVENTS_PER_PUT = 10;

/** Codes this client assigns itself; the service's own codes (`EventBusNotExist`, …) pass through. */
export const EventBridgeClientErrorCode = {
  invalidConfig: 'Client.InvalidConfig',
  timeout: 'Client.Timeout',
  network: 'Client.NetworkError',
  malformedResponse: 'Client.MalformedResponse',
  credentialsUnavailable: 'Client.CredentialsUnavailable',
} as const;

/** Bus names: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const EVENT_BUS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/;

/**
 * Request failures worth repeating: 5xx, 408, 429, throttling, and an expired STS token (the redelivery carries
 * fresh credentials). A signature mismatch, a denied action or an unknown bus answers the same every time.
 */
export function isRetryableEventBridgeFailure(httpStatus: number, code?: string): boolean {
  if (httpStatus >= 500 || httpStatus === 408 || httpStatus === 429) return true;
  return code !== undefined && /^(TooManyRequests|Throttling.*|InternalError|StsAccessIdExpired)$/.test(code);
}

/** Entry failures worth repeating: throttling and the service's own trouble; anything else is permanent. */
export function isRetryableEntryError(code: string): boolean {
  return /throttl|toomanyrequests|flowcontrol|internal|timeout|busy|unavailable|systemerror/i.test(code);
}

/** `https://<accountId>.eventbridge.<region>.aliyuncs.com`. */
export function defaultEventBridgeEndpoint(accountId: string, region: string): string {
  return `https://${accountId}.eventbridge.${region}.aliyuncs.com`;
}

/** Options for {@link EventBridgeClient}. */
export interface EventBridgeClientOptions {
  /** Origin: `https://<accountId>.eventbridge.<region>.aliyuncs.com`, or `http://127.0.0.1:PORT` (emulator). */
  endpoint: string;
  /** Called on every request, so rotating STS credentials are always current. */
  credentials: () => CloudCredentials | Promise<CloudCredentials>;
  bus: string;
  /** CloudEvents `source`; default `sae-rollback`. */
  source?: string | undefined;
  /** Region for the events' `subject`. */
  region: string;
  /** Account for the events' `subject`; may be empty. */
  accountId?: string | undefined;
  /** One deadline for connect + send + read of one request, in ms. Default 5000. */
  timeoutMs?: number | undefined;
  /** Source of the Date header. Default: the system clock. */
  clock?: Clock | undefined;
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

/** Client for PutEvents on one bus. Stateless between calls; build once per cold start. */
export class EventBridgeClient {
  readonly #endpoint: URL;
  readonly #credentials: EventBridgeClientOptions['credentials'];
  readonly #envelope: { bus: string; source: string; region: string; accountId: string };
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(opts: EventBridgeClientOptions) {
    const url = parseHttpEndpoint(opts.endpoint);
    if (typeof url === 'string') throw invalidConfig(`endpoint ${url}`);
    if (url.pathname !== '/' || url.search !== '') {
      throw invalidConfig(
        'endpoint must be an origin such as https://<accountId>.eventbridge.<region>.aliyuncs.com',
      );
    }
    if (!EVENT_BUS_NAME.test(opts.bus)) throw invalidConfig('bus must be an event bus name');
    const timeoutMs = opts.timeoutMs ?? 5000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw invalidConfig('timeoutMs must be a positive number');
    this.#endpoint = url;
    this.#credentials = opts.credentials;
    this.#envelope = {
      bus: opts.bus,
      source: opts.source ?? DEFAULT_EVENT_SOURCE,
      region: opts.region,
      accountId: opts.accountId ?? '',
    };
    this.#timeoutMs = timeoutMs;
    this.#clock = opts.clock ?? systemClock;
  }

  /** The bus the events go to (for messages and the demo). */
  get bus(): string {
    return this.#envelope.bus;
  }

  /** The envelope this client would send for `outcome`. */
  envelope(outcome: Outcome): OutcomeCloudEvent {
    return toOutcomeCloudEvent(outcome, this.#envelope);
  }

  /**
   * Publishes outcomes that are ready together, {@link MAX_EVENTS_PER_PUT} per request. Never throws: each outcome
   * gets its own verdict (a failed request fails every outcome it carried, with the same error).
   */
  async publishBatch(outcomes: readonly Outcome[]): Promise<OutcomeDelivery[]> {
    const results: OutcomeDelivery[] = [];
    for (let i = 0; i < outcomes.length; i += MAX_EVENTS_PER_PUT) {
      const chunk = outcomes.slice(i, i + MAX_EVENTS_PER_PUT);
      try {
        const entries = await this.putEvents(chunk.map((o) => this.envelope(o)));
        for (const [k, o] of chunk.entries()) results.push(this.#verdict(o, entries[k]));
      } catch (e) {
        const error = e instanceof NotifyError ? e : unexpected(e);
        for (const o of chunk) results.push({ messageId: o.messageId, ok: false, error });
      }
    }
    return results;
  }

  /**
   * One PutEvents request. Returns one entry per event, in order, whether it was accepted or not.
   * @throws {NotifyError} when the request as a whole failed; `retryable` says whether sending again may help.
   */
  async putEvents(events: readonly OutcomeCloudEvent[]): Promise<PutEventsEntry[]> {
    const creds = await this.#loadCredentials();
    const secrets = [creds.accessKeySecret, creds.securityToken ?? ''];
    const payload = Buffer.from(JSON.stringify(events), 'utf8');
    const date = new Date(this.#clock.now()).toUTCString();
    const headers: Record<string, string> = {
      host: this.#endpoint.host,
      date,
      accept: 'application/json',
      'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE,
      'content-md5': eventBridgeContentMd5(payload),
      'content-length': String(payload.length),
      'user-agent': 'sae-rollback',
      'x-eventbridge-version': EVENTBRIDGE_API_VERSION,
      'x-acs-signature-method': 'HMAC-SHA1',
      'x-acs-signature-version': '1.0',
      'x-acs-signature-nonce': randomUUID(),
    };
    // STS: the key ID and the token travel as x-acs-* headers, so the signature covers them too.
    if (creds.securityToken !== undefined) {
      headers['x-acs-accesskey-id'] = creds.accessKeyId;
      headers['x-acs-security-token'] = creds.securityToken;
    }
    const stringToSign = eventBridgeStringToSign({
      method: 'POST',
      contentMd5: headers['content-md5'],
      contentType: CLOUDEVENTS_BATCH_CONTENT_TYPE,
      date,
      headers,
      path: PUT_EVENTS_PATH,
    });
    // `acs:<id>:<sig>` as the official SDKs send it (the docs also show `acs <id>:<sig>`; the service takes both).
    headers.authorization = `acs:${creds.accessKeyId}:${eventBridgeSignature(stringToSign, creds.accessKeySecret)}`;

    let res: PostResponse;
    try {
      res = await postOnce(new URL(PUT_EVENTS_PATH, this.#endpoint), headers, payload, this.#timeoutMs);
    } catch (e) {
      throw transportError(e, this.#envelope.bus, this.#timeoutMs, secrets);
    }
    return this.#interpret(res, events.length, secrets);
  }

  #interpret(res: PostResponse, count: number, secrets: readonly string[]): PutEventsEntry[] {
    const bus = this.#envelope.bus;
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
          redactSecrets(
            `EventBridge PutEvents to bus "${bus}" failed: HTTP ${res.status} ${detail}`,
            secrets,
          ),
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
            kind: NotifyErrorKind.protocol,
            code: EventBridgeClientErrorCode.malformedResponse,
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

  #verdict(outcome: Outcome, entry: PutEventsEntry | undefined): OutcomeDelivery {
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
      `EventBridge refused event ${outcome.messageId} on bus "${this.#envelope.bus}": ${failed}` +
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

  async #loadCredentials(): Promise<CloudCredentials> {
    try {
      const c = await this.#credentials();
      if (c.accessKeyId && c.accessKeySecret) return c;
    } catch (e) {
      // The provider's own message is not echoed: it could quote what it was handed.
      throw credentialsError(true, e);
    }
    throw credentialsError(false);
  }
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

function transportError(e: unknown, bus: string, timeoutMs: number, secrets: readonly string[]): NotifyError {
  const base = { channel: NotifyChannel.eventbridge, retryable: true, cause: e } as const;
  if (e instanceof DeadlineExceeded) {
    return new NotifyError(
      `EventBridge PutEvents to bus "${bus}" timed out after ${timeoutMs} ms (connect + read)`,
      {
        ...base,
        kind: NotifyErrorKind.timeout,
        code: EventBridgeClientErrorCode.timeout,
      },
    );
  }
  const tooLarge = e instanceof ResponseTooLarge;
  const errno = errnoOf(e);
  const detail = redactSecrets(e instanceof Error ? e.message : String(e), secrets);
  return new NotifyError(
    `EventBridge PutEvents to bus "${bus}" failed: ${tooLarge ? 'protocol' : 'network'} error${errno ? ` ${errno}` : ''}: ${detail}`,
    {
      ...base,
      kind: tooLarge ? NotifyErrorKind.protocol : NotifyErrorKind.network,
      code: tooLarge ? EventBridgeClientErrorCode.malformedResponse : EventBridgeClientErrorCode.network,
    },
  );
}

function credentialsError(retryable: boolean, cause?: unknown): NotifyError {
  return new NotifyError(
    retryable
      ? 'EventBridge credentials provider failed'
      : 'EventBridge credentials provider returned an unusable value (accessKeyId and accessKeySecret must be non-empty)',
    {
      channel: NotifyChannel.eventbridge,
      kind: NotifyErrorKind.credentials,
      code: EventBridgeClientErrorCode.credentialsUnavailable,
      retryable,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

function unexpected(e: unknown): NotifyError {
  return new NotifyError('EventBridge PutEvents failed unexpectedly', {
    channel: NotifyChannel.eventbridge,
    kind: NotifyErrorKind.protocol,
    retryable: true,
    cause: e,
  });
}

function invalidConfig(message: string): NotifyError {
  return new NotifyError(`EventBridge client misconfigured: ${message}`, {
    channel: NotifyChannel.eventbridge,
    kind: NotifyErrorKind.invalidInput,
    code: EventBridgeClientErrorCode.invalidConfig,
    retryable: false,
  });
}
