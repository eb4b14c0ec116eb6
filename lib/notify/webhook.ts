/**
 * Publishes outcomes to any HTTPS endpoint as signed JSON (Stripe-style), so teams can wire sae-rollback into
 * their own tooling.
 *
 * The request: `POST <url>`, body = the outcome document exactly (`JSON.stringify(outcome)`, UTF-8), headers
 * - `content-type: application/json`
 * - `x-sae-rollback-timestamp: <unix seconds>`
 * - `x-sae-rollback-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * - `x-sae-rollback-message-id: <outcome.messageId>` (stable across redeliveries: deduplicate on it)
 *
 * Receivers verify with {@link verifyWebhookSignature} (or the same three lines in any language): recompute the
 * HMAC over the raw body bytes, compare in constant time, and reject timestamps more than 5 minutes away.
 * Answer 2xx once stored; 5xx/429 (or a timeout) make us send again, with a fresh timestamp and signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import { registerSecret } from '../log.js';
import type { Outcome } from '../rollback/outcome.js';
import { misconfigured, NotifyChannel, NotifyError, NotifyErrorKind } from './errors.js';
import { type PostResponse, parseHttpEndpoint, postOnce, transportFailure } from './http-post.js';
import type { Notifier } from './notifier.js';

/** Header names, lower-case as Node exposes them. */
export const WebhookHeader = {
  timestamp: 'x-sae-rollback-timestamp',
  signature: 'x-sae-rollback-signature',
  messageId: 'x-sae-rollback-message-id',
} as const;

/** Default replay window for receivers, in seconds. */
export const WEBHOOK_TOLERANCE_SEC = 300;

/** Hex HMAC-SHA256 over `"<timestamp>.<body>"`; `body` as the exact bytes on the wire. */
export function webhookSignature(
  secret: string,
  timestamp: number | string,
  body: string | Uint8Array,
): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex');
}

/** Input for {@link verifyWebhookSignature}: the raw header values and the raw body. */
export interface VerifyWebhookInput {
  /** The shared secret; several during a rotation (any may match). */
  secret: string | readonly string[];
  /** `x-sae-rollback-timestamp` as received. */
  timestamp: string | undefined;
  /** `x-sae-rollback-signature` as received: `v1=<hex>`, possibly several comma-separated. */
  signature: string | undefined;
  /** The raw request body, before any JSON parsing. */
  body: string | Uint8Array;
  /** Receiver's "now" in epoch milliseconds; default `Date.now()`. */
  now?: number | undefined;
  /** Largest accepted distance between `timestamp` and `now`, either way; default 300. */
  toleranceSec?: number | undefined;
}

/** Why a delivery was refused. */
export type WebhookVerifyFailure =
  | 'missing-header'
  | 'malformed-timestamp'
  | 'malformed-signature'
  | 'expired'
  | 'mismatch';

/** `{ ok: true }` or the reason for refusing. Never throws. */
export type WebhookVerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: WebhookVerifyFailure };

/**
 * Verifies a delivery: well-formed headers, timestamp within the tolerance, and a `v1` signature that matches
 * one of the secrets (constant-time comparison). Replays inside the window are the receiver's to refuse: keep the
 * signatures of accepted deliveries for the window, and deduplicate on the message ID regardless.
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): WebhookVerifyResult {
  if (input.timestamp === undefined || input.signature === undefined)
    return { ok: false, reason: 'missing-header' };
  if (!/^\d{1,12}$/.test(input.timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  const provided = input.signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (provided.length === 0 || provided.some((hex) => !/^[0-9a-f]{64}$/.test(hex))) {
    return { ok: false, reason: 'malformed-signature' };
  }
  const timestamp = Number(input.timestamp);
  const now = input.now ?? Date.now();
  const tolerance = input.toleranceSec ?? WEBHOOK_TOLERANCE_SEC;
  if (Math.abs(now / 1000 - timestamp) > tolerance) return { ok: false, reason: 'expired' };
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  let match = false;
  // No early exit: the time taken does not reveal which secret or signature matched.
  for (const secret of secrets) {
    const expected = Buffer.from(webhookSignature(secret, input.timestamp, input.body), 'hex');
    for (const hex of provided) if (timingSafeEqual(expected, Buffer.from(hex, 'hex'))) match = true;
  }
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

/** Options for {@link WebhookNotifier}. */
export interface WebhookNotifierOptions {
  /** Receiver URL: https, or http to loopback. Treated as secret-bearing: errors show only its origin. */
  url: string;
  /** Shared signing secret; at least 16 characters. */
  secret: string;
  /** One deadline for connect + send + read, in ms. Default 5000. */
  timeoutMs?: number | undefined;
  /** Source of the timestamp header. Default: the system clock. */
  clock?: Clock | undefined;
}

/** A {@link Notifier} that POSTs the signed outcome document to one URL. Build once per cold start. */
export class WebhookNotifier implements Notifier {
  readonly channel = NotifyChannel.webhook;
  readonly #url: URL;
  readonly #secret: string;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(opts: WebhookNotifierOptions) {
    const url = parseHttpEndpoint(opts.url);
    if (typeof url === 'string') throw invalidConfig(`url ${url}`);
    if (opts.secret.length < 16) throw invalidConfig('secret must be at least 16 characters long');
    const timeoutMs = opts.timeoutMs ?? 5000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw invalidConfig('timeoutMs must be a positive number');
    registerSecret(opts.secret);
    // Hook URLs often embed a token in the path or query; keep them out of the logs too.
    if (url.pathname.length > 1 || url.search !== '') registerSecret(url.href);
    this.#url = url;
    this.#secret = opts.secret;
    this.#timeoutMs = timeoutMs;
    this.#clock = opts.clock ?? systemClock;
  }

  /**
   * Delivers the outcome once. Returns the outcome's `messageId` (also sent as a header).
   * @throws {NotifyError} 5xx, 408, 429, network and timeout are retryable; other 4xx are not.
   */
  async publish(outcome: Outcome): Promise<{ messageId: string }> {
    const body = JSON.stringify(outcome);
    const payload = Buffer.from(body, 'utf8');
    const timestamp = String(Math.floor(this.#clock.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(payload.length),
      [WebhookHeader.timestamp]: timestamp,
      [WebhookHeader.signature]: `v1=${webhookSignature(this.#secret, timestamp, payload)}`,
      [WebhookHeader.messageId]: outcome.messageId,
    };
    const where = this.#url.origin;
    let res: PostResponse;
    try {
      res = await postOnce(this.#url, headers, payload, this.#timeoutMs);
    } catch (e) {
      throw transportError(e, where, this.#timeoutMs, [this.#secret, this.#url.href]);
    }
    if (res.status >= 200 && res.status < 300) return { messageId: outcome.messageId };
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new NotifyError(`webhook delivery to ${where} failed: HTTP ${res.status}`, {
      channel: NotifyChannel.webhook,
      kind: NotifyErrorKind.http,
      httpStatus: res.status,
      retryable,
    });
  }
}

function transportError(
  e: unknown,
  where: string,
  timeoutMs: number,
  secrets: readonly string[],
): NotifyError {
  return transportFailure(e, {
    channel: NotifyChannel.webhook,
    what: `webhook delivery to ${where}`,
    timeoutMs,
    secrets,
  });
}

function invalidConfig(message: string): NotifyError {
  return misconfigured(NotifyChannel.webhook, 'webhook notifier', message);
}
