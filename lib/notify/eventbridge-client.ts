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
import { type Clock, systemClock } from '../clock.js';
import type { CloudCredentials } from '../credentials.js';
import type { Outcome } from '../rollback/outcome.js';
import { NotifyError } from './errors.js';
import { DEFAULT_EVENT_SOURCE, type OutcomeCloudEvent, toOutcomeCloudEvent } from './eventbridge-envelope.js';
import { PUT_EVENTS_PATH, signedPutEventsHeaders } from './eventbridge-request.js';
import {
  credentialsError,
  entryVerdict,
  interpretPutEvents,
  invalidConfig,
  type OutcomeDelivery,
  type PutEventsEntry,
  transportError,
  unexpected,
} from './eventbridge-response.js';
import { type PostResponse, parseHttpEndpoint, postOnce } from './http-post.js';

export {
  CLOUDEVENTS_BATCH_CONTENT_TYPE,
  EVENTBRIDGE_API_VERSION,
  PUT_EVENTS_PATH,
} from './eventbridge-request.js';
export {
  isRetryableEntryError,
  isRetryableEventBridgeFailure,
  type OutcomeDelivery,
  type PutEventsEntry,
} from './eventbridge-response.js';

/** The EventBridge actions this client performs: the RAM policy (ram-policy.json) is checked against it. */
export const EVENTBRIDGE_ACTIONS = ['PutEvents'] as const;

/** Events per request. Conservative (AWS allows 10; we found no documented Alibaba limit); larger batches are split. */
export const MAX_EVENTS_PER_PUT = 10;

/** Bus names: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const EVENT_BUS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/;

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
        for (const [k, o] of chunk.entries()) results.push(entryVerdict(o, entries[k], this.#envelope.bus));
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
    const headers = signedPutEventsHeaders({ host: this.#endpoint.host, date, payload, creds });

    let res: PostResponse;
    try {
      res = await postOnce(new URL(PUT_EVENTS_PATH, this.#endpoint), headers, payload, this.#timeoutMs);
    } catch (e) {
      throw transportError(e, this.#envelope.bus, this.#timeoutMs, secrets);
    }
    return interpretPutEvents(res, events.length, this.#envelope.bus, secrets);
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
