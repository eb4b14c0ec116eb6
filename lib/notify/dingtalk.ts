/**
 * Publishes outcomes to a DingTalk group through a custom robot ("自定义机器人") as markdown messages.
 *
 * Signing ("加签"), as DingTalk documents it: the string to sign is `timestamp + "\n" + secret` (timestamp in
 * epoch milliseconds, within one hour of DingTalk's clock), the key is the secret (the `SEC…` string), the
 * digest is HMAC-SHA256, Base64-encoded and then URL-encoded into the `sign` query parameter next to
 * `access_token` and `timestamp`. Each publish signs afresh, so a retried message never carries a stale stamp.
 *
 * DingTalk answers HTTP 200 with `{"errcode":0,"errmsg":"ok"}`; any other errcode is a failure, classified by
 * {@link isRetryableDingTalkErrcode}. The access token and the secret are credentials: they are registered with
 * the log redactor and scrubbed from every error message.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { registerSecret } from '../log.js';
import type { Outcome } from '../rollback/outcome.js';
import { renderDingTalkMarkdown } from './dingtalk-markdown.js';
import { ClientFailure, misconfigured, NotifyChannel, NotifyError, NotifyErrorKind } from './errors.js';
import {
  type PostResponse,
  parseHttpEndpoint,
  postOnce,
  redactSecrets,
  transportFailure,
} from './http-post.js';
import type { Notifier } from './notifier.js';

/** DingTalk's public robot endpoint. */
export const DINGTALK_ROBOT_ENDPOINT = 'https://oapi.dingtalk.com/robot/send';

/**
 * Errcodes worth sending again: `-1` (system busy), `130101` (send too fast: more than 20 messages a minute)
 * and `410100` (rate limited). Everything else — `310000` (signature, timestamp, keyword or IP allowlist
 * mismatch), `300001`/`400101` (no such token), `400102` (robot disabled), `460101` (message too long), the
 * `4301xx` content checks — yields the same answer for the same request.
 */
const RETRYABLE_ERRCODES: ReadonlySet<number> = new Set([-1, 130101, 410100]);

/** Retry verdict for a DingTalk errcode. */
export function isRetryableDingTalkErrcode(errcode: number): boolean {
  return RETRYABLE_ERRCODES.has(errcode);
}

/** `base64(HMAC-SHA256(key = secret, timestamp + "\n" + secret))`, before URL-encoding. */
export function dingTalkSign(timestampMs: number | string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** Options for {@link DingTalkNotifier}. */
export interface DingTalkNotifierOptions {
  /** The robot's `access_token` (the value after `access_token=` in its webhook URL, not the URL). */
  accessToken: string;
  /** The `SEC…` signing secret. Omit only for a robot secured by keywords or an IP allowlist instead. */
  secret?: string | undefined;
  /** Robot send URL; default {@link DINGTALK_ROBOT_ENDPOINT}. A bare origin gets `/robot/send` appended. */
  endpoint?: string | undefined;
  /** One deadline for connect + send + read, in ms. Default 5000. */
  timeoutMs?: number | undefined;
  /** Source of the signing timestamp. Default: the system clock. */
  clock?: Clock | undefined;
}

const responseSchema = z.object({ errcode: z.number().int(), errmsg: z.string().optional() });

/** A {@link Notifier} for a DingTalk custom robot. Build once per cold start; safe to share. */
export class DingTalkNotifier implements Notifier {
  readonly channel = NotifyChannel.dingtalk;
  readonly #endpoint: URL;
  readonly #accessToken: string;
  readonly #secret: string | undefined;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(opts: DingTalkNotifierOptions) {
    if (!/^\S+$/.test(opts.accessToken)) throw invalidConfig('accessToken must be non-empty, without spaces');
    if (opts.secret !== undefined && opts.secret === '') throw invalidConfig('secret must not be empty');
    const endpoint = parseHttpEndpoint(opts.endpoint ?? DINGTALK_ROBOT_ENDPOINT);
    if (typeof endpoint === 'string') throw invalidConfig(`endpoint ${endpoint}`);
    // The token belongs in accessToken; a pasted webhook URL would otherwise send it twice (or a stale one).
    if (endpoint.search !== '')
      throw invalidConfig('endpoint must not have a query; pass the token as accessToken');
    if (endpoint.pathname === '/' || endpoint.pathname === '') endpoint.pathname = '/robot/send';
    const timeoutMs = opts.timeoutMs ?? 5000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw invalidConfig('timeoutMs must be a positive number');

    registerSecret(opts.accessToken);
    registerSecret(opts.secret);
    this.#endpoint = endpoint;
    this.#accessToken = opts.accessToken;
    this.#secret = opts.secret;
    this.#timeoutMs = timeoutMs;
    this.#clock = opts.clock ?? systemClock;
  }

  /**
   * Sends the outcome as one markdown message. DingTalk returns no message ID, so the outcome's own stable
   * `messageId` is returned.
   * @throws {NotifyError} always this type; `retryable` says whether sending again may help.
   */
  async publish(outcome: Outcome): Promise<{ messageId: string }> {
    const markdown = renderDingTalkMarkdown(outcome);
    const payload = Buffer.from(JSON.stringify({ msgtype: 'markdown', markdown }), 'utf8');
    const timestamp = String(this.#clock.now());
    const sign = this.#secret === undefined ? undefined : dingTalkSign(timestamp, this.#secret);
    const url = new URL(this.#endpoint);
    url.search =
      `access_token=${encodeURIComponent(this.#accessToken)}` +
      (sign === undefined ? '' : `&timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`);
    const secrets = [this.#accessToken, this.#secret, sign].filter((s): s is string => s !== undefined);

    let res: PostResponse;
    try {
      res = await postOnce(
        url,
        {
          'content-type': 'application/json;charset=utf-8',
          'content-length': String(payload.length),
        },
        payload,
        this.#timeoutMs,
      );
    } catch (e) {
      throw transportError(e, this.#timeoutMs, secrets);
    }
    interpret(res, secrets);
    return { messageId: outcome.messageId };
  }
}

function interpret(res: PostResponse, secrets: readonly string[]): void {
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    json = undefined;
  }
  const parsed = responseSchema.safeParse(json);
  if (res.status < 200 || res.status >= 300) {
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new NotifyError(
      `DingTalk robot send failed: HTTP ${res.status}${parsed.success ? ` errcode ${parsed.data.errcode}` : ''}`,
      {
        channel: NotifyChannel.dingtalk,
        kind: NotifyErrorKind.http,
        httpStatus: res.status,
        code: parsed.success ? String(parsed.data.errcode) : undefined,
        retryable,
      },
    );
  }
  if (!parsed.success) {
    // Retryable, accepting a possible duplicate: an unreadable answer may hide either success or failure.
    throw new NotifyError(`DingTalk robot send returned HTTP ${res.status} without a readable errcode`, {
      channel: NotifyChannel.dingtalk,
      ...ClientFailure.malformedResponse,
      httpStatus: res.status,
      retryable: true,
    });
  }
  const { errcode, errmsg } = parsed.data;
  if (errcode === 0) return;
  throw new NotifyError(
    redactSecrets(`DingTalk robot send failed: errcode ${errcode}: ${(errmsg ?? '').slice(0, 300)}`, secrets),
    {
      channel: NotifyChannel.dingtalk,
      kind: NotifyErrorKind.http,
      code: String(errcode),
      httpStatus: res.status,
      retryable: isRetryableDingTalkErrcode(errcode),
    },
  );
}

function transportError(e: unknown, timeoutMs: number, secrets: readonly string[]): NotifyError {
  return transportFailure(e, {
    channel: NotifyChannel.dingtalk,
    what: 'DingTalk robot send',
    timeoutMs,
    secrets,
  });
}

function invalidConfig(message: string): NotifyError {
  return misconfigured(NotifyChannel.dingtalk, 'DingTalk notifier', message);
}
