/**
 * Errors raised by outcome publishers. One class for every channel so callers can decide
 * "retry or give up" from `retryable` alone, without knowing the wire protocol.
 */
import { contextError } from '../context-error.js';

/**
 * Channels a notification can go out on: the MNS topic (primary), a DingTalk custom robot, a generic webhook,
 * an EventBridge event bus.
 */
export const NotifyChannel = {
  mns: 'mns',
  dingtalk: 'dingtalk',
  webhook: 'webhook',
  eventbridge: 'eventbridge',
} as const;
export type NotifyChannel = (typeof NotifyChannel)[keyof typeof NotifyChannel];

/**
 * Where a failure came from. `http`: the service answered with an error status; `network`: connect/reset/DNS;
 * `timeout`: our deadline fired; `protocol`: the service answered something we cannot trust (bad XML, MD5
 * mismatch); `invalid-input`: rejected locally before any request; `credentials`: the credential provider failed.
 */
export const NotifyErrorKind = {
  http: 'http',
  network: 'network',
  timeout: 'timeout',
  protocol: 'protocol',
  invalidInput: 'invalid-input',
  credentials: 'credentials',
} as const;
export type NotifyErrorKind = (typeof NotifyErrorKind)[keyof typeof NotifyErrorKind];

/**
 * Failures our notifiers detect themselves, the same on every channel: the code each carries and the kind of
 * failure it is. A call site spreads one entry (`...ClientFailure.timeout`), so a code never travels with
 * the wrong kind. The services' own codes pass through unchanged (MNS `TopicNotExist`, DingTalk errcodes such
 * as `"310000"`, EventBridge `EventBusNotExist`; a webhook's HTTP failures carry `httpStatus` instead). Ours
 * are distinct from every documented MNS code so the two never get confused in dashboards.
 * `invalidTopicName`, `invalidMessage` and `bodyMd5Mismatch` are MNS's alone.
 */
export const ClientFailure = {
  invalidTopicName: { kind: NotifyErrorKind.invalidInput, code: 'Client.InvalidTopicName' },
  invalidMessage: { kind: NotifyErrorKind.invalidInput, code: 'Client.InvalidMessage' },
  invalidConfig: { kind: NotifyErrorKind.invalidInput, code: 'Client.InvalidConfig' },
  timeout: { kind: NotifyErrorKind.timeout, code: 'Client.Timeout' },
  network: { kind: NotifyErrorKind.network, code: 'Client.NetworkError' },
  malformedResponse: { kind: NotifyErrorKind.protocol, code: 'Client.MalformedResponse' },
  bodyMd5Mismatch: { kind: NotifyErrorKind.protocol, code: 'Client.MessageBodyMD5Mismatch' },
  credentialsUnavailable: { kind: NotifyErrorKind.credentials, code: 'Client.CredentialsUnavailable' },
} as const satisfies Record<string, { kind: NotifyErrorKind; code: `Client.${string}` }>;
export type ClientFailure = (typeof ClientFailure)[keyof typeof ClientFailure];

/** Constructor input for {@link NotifyError}. */
export interface NotifyErrorInit {
  channel: NotifyChannel;
  kind: NotifyErrorKind;
  /** True when sending the same message again may succeed (5xx, 429, throttling, network, timeout). */
  retryable: boolean;
  code?: string | undefined;
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/**
 * A failed publish. `message` is safe to log: builders of this error must never put credentials in it
 * (the MNS client redacts the secret and the STS token from anything the server echoes back).
 * `cause` is kept non-enumerable (as `Error` does natively) so `JSON.stringify(err)` shows only the fields below.
 */
export class NotifyError extends contextError<NotifyErrorInit>([
  'channel',
  'kind',
  'code',
  'httpStatus',
  'requestId',
  'retryable',
]) {
  override readonly name = 'NotifyError';

  /** Structured form for log lines; `message` is included because it is not an own enumerable property. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      channel: this.channel,
      kind: this.kind,
      code: this.code,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
      retryable: this.retryable,
    };
  }
}

/** Narrowing helper for `catch (e: unknown)`. */
export function isNotifyError(e: unknown): e is NotifyError {
  return e instanceof NotifyError;
}

/**
 * A notifier's options rejected at construction (`who` names it, e.g. `webhook notifier`): never retryable,
 * code `Client.InvalidConfig` on every channel.
 */
export function misconfigured(channel: NotifyChannel, who: string, message: string): NotifyError {
  return new NotifyError(`${who} misconfigured: ${message}`, {
    channel,
    ...ClientFailure.invalidConfig,
    retryable: false,
  });
}
