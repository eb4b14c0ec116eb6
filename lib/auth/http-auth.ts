import { createHash, randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import type { HttpRequestInfo } from '../events/types.js';
import { MAX_EVENT_BYTES } from '../events/types.js';
import type { HttpResponse } from '../fc/context.js';
import type { SharedState } from '../idempotency/store.js';
import { type Logger, registerSecret } from '../log.js';
import { SourceAllowlist } from './cidr.js';
import { canonicalSignature, hmacV1, matchesAny, signatureEquals } from './compare.js';
import type { AuthConfig } from './config.js';
import { httpRequestOf } from './request.js';

/**
 * Where a caller may put the token: the callback URL's query string, this header, or
 * `Authorization: Bearer <token>` (what Alertmanager's `http_config.authorization` sends).
 */
export const TOKEN_QUERY_PARAM = 'token';
export const TOKEN_HEADER = 'x-sae-rollback-token';
/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, several comma-separated during rotation. */
export const SIGNATURE_HEADER = 'x-sae-rollback-signature';
/** Unix seconds at signing; the signature is accepted within {@link SIGNATURE_WINDOW_MS} of now. */
export const TIMESTAMP_HEADER = 'x-sae-rollback-timestamp';
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** How a request got in (or `not-http`: a direct invocation, already authorised by FC's RAM check). */
export type AuthVia = 'token-query' | 'token-header' | 'token-bearer' | 'hmac' | 'open' | 'not-http';

export type AuthVerdict =
  | { ok: true; via: AuthVia }
  | { ok: false; status: 401 | 403 | 413 | 503; reason: string; request?: HttpRequestInfo };

export interface HttpAuthOptions {
  config: AuthConfig;
  /** Shared state for the HMAC replay cache (Redis when instances share one). */
  store: Pick<SharedState, 'lease'>;
  logger: Logger;
  clock?: Clock;
}

/**
 * The replay-cache entry of one canonical signature (its decoded bytes, which cover the timestamp and
 * the body). A request takes the entry of every signature it is valid under — one per configured
 * secret, whichever it carries — so a copy re-cased, reordered or cut down to one signature of a
 * rotation pair finds an entry taken, even on an instance whose secrets differ mid-rotation.
 */
const replayKey = (canonical: Buffer) =>
  `sae-rollback:auth:hmac:${createHash('sha256').update(canonical).digest('hex')}`;

/**
 * Authenticates the alarm function's HTTP trigger before anything reads the body: a source-IP
 * allowlist (403), then a secret token (URL query or header) or an HMAC signature (401). Direct
 * invocations are not HTTP and pass (FC checks `fc:InvokeFunction` for them). Secure by default:
 * required with no token or secret configured, every HTTP request gets 401. Built once per cold start;
 * says so loudly then when the trigger is closed to everyone (error) or open on purpose (warning).
 */
export class HttpAuth {
  readonly #config: AuthConfig;
  readonly #store: Pick<SharedState, 'lease'>;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #sources: SourceAllowlist;

  constructor(opts: HttpAuthOptions) {
    this.#config = opts.config;
    this.#store = opts.store;
    this.#logger = opts.logger;
    this.#clock = opts.clock ?? systemClock;
    this.#sources = new SourceAllowlist(opts.config.sourceCidrs);
    for (const s of [...opts.config.tokens, ...opts.config.hmacSecrets]) registerSecret(s);
    if (opts.config.required && !this.#hasCredential()) {
      this.#logger.error(
        'The HTTP trigger refuses every HTTP request (401): no credential is configured. Set ALARM_AUTH_TOKENS (and/or ALARM_HMAC_SECRETS) and give the callers the token, or set ALARM_AUTH_REQUIRED=false to open the trigger on purpose (see README, "Security").',
      );
    }
    if (!opts.config.required) {
      this.#logger.warn(
        'SECURITY WARNING: the HTTP trigger accepts requests WITHOUT a credential — anyone who can reach the URL can make this function abort SAE releases. Set ALARM_AUTH_TOKENS (and/or ALARM_HMAC_SECRETS), or use FC authType "function" (see README, "Security").',
        // Counts under names the redactor leaves alone (it masks any field named like "token").
        {
          acceptedKeys: opts.config.tokens.length,
          hmacKeys: opts.config.hmacSecrets.length,
          sourceCidrs: this.#sources.size,
        },
      );
    }
  }

  #hasCredential(): boolean {
    return this.#config.tokens.length + this.#config.hmacSecrets.length > 0;
  }

  /** The verdict for one FC event. Never throws. */
  async check(event: Buffer): Promise<AuthVerdict> {
    const request = httpRequestOf(event);
    if (request === undefined) return { ok: true, via: 'not-http' };
    if ('error' in request) {
      const open = !this.#config.required && this.#sources.size === 0;
      return open ? { ok: true, via: 'open' } : { ok: false, status: 401, reason: request.error };
    }
    const { info, body } = request;
    const deny = (status: 401 | 403 | 413 | 503, reason: string): AuthVerdict => ({
      ok: false,
      status,
      reason,
      request: info,
    });
    if (this.#sources.size > 0 && !this.#sources.allows(info.sourceIp)) {
      return deny(403, 'source address not in ALARM_SOURCE_CIDRS');
    }
    const verdict = await this.#authenticate(info, body, deny);
    // Only an authenticated caller learns about the size limit; the parser would reject the event unread.
    if (verdict.ok && event.length > MAX_EVENT_BYTES) {
      return deny(
        413,
        `The request is ${event.length} bytes as an FC event; the limit is ${MAX_EVENT_BYTES}. Send small alarms or batches.`,
      );
    }
    return verdict;
  }

  async #authenticate(
    info: HttpRequestInfo,
    body: Buffer,
    deny: (status: 401 | 503, reason: string) => AuthVerdict,
  ): Promise<AuthVerdict> {
    if (!this.#config.required) return { ok: true, via: 'open' };
    if (!this.#hasCredential())
      return deny(401, 'no credential configured (ALARM_AUTH_TOKENS, ALARM_HMAC_SECRETS)');
    const { tokens, hmacSecrets } = this.#config;
    const queryToken = info.query[TOKEN_QUERY_PARAM];
    if (tokens.length > 0 && queryToken !== undefined && matchesAny(queryToken, tokens)) {
      return { ok: true, via: 'token-query' };
    }
    const headerToken = info.headers[TOKEN_HEADER];
    if (tokens.length > 0 && headerToken !== undefined && matchesAny(headerToken, tokens)) {
      return { ok: true, via: 'token-header' };
    }
    const bearer = BEARER.exec(info.headers.authorization ?? '')?.[1];
    if (tokens.length > 0 && bearer !== undefined && matchesAny(bearer, tokens)) {
      return { ok: true, via: 'token-bearer' };
    }
    const signature = info.headers[SIGNATURE_HEADER];
    if (hmacSecrets.length === 0 || signature === undefined) {
      const offered = queryToken !== undefined || headerToken !== undefined || bearer !== undefined;
      return deny(401, offered ? 'token not accepted' : 'no credential (token or signature)');
    }
    return this.#checkSignature(signature, info.headers[TIMESTAMP_HEADER], body, deny);
  }

  async #checkSignature(
    header: string,
    timestamp: string | undefined,
    body: Buffer,
    deny: (status: 401 | 503, reason: string) => AuthVerdict,
  ): Promise<AuthVerdict> {
    if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
      return deny(401, `signature without a valid ${TIMESTAMP_HEADER} (Unix seconds)`);
    }
    if (Math.abs(this.#clock.now() - Number(timestamp) * 1000) > SIGNATURE_WINDOW_MS) {
      return deny(401, 'signature timestamp outside the 5-minute window');
    }
    const given = header
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('v1='))
      .slice(0, 4)
      .map((s) => canonicalSignature(s.slice(3)))
      .filter((g): g is Buffer => g !== undefined);
    const expected = this.#config.hmacSecrets.map(
      (secret) => canonicalSignature(hmacV1(secret, timestamp, body)) as Buffer,
    );
    let valid = false;
    for (const g of given) for (const e of expected) valid = signatureEquals(g, e) || valid;
    if (!valid) return deny(401, 'signature does not match');
    // Only a valid request is remembered, so junk cannot fill the cache; a second use is a replay.
    let first = true;
    try {
      for (const e of expected) {
        first = (await this.#store.lease(replayKey(e), randomUUID(), 2 * SIGNATURE_WINDOW_MS)) && first;
      }
    } catch (err) {
      this.#logger.warn('auth replay cache unavailable', { error: err });
      return deny(503, 'cannot check for replays right now (idempotency store unreachable)');
    }
    return first ? { ok: true, via: 'hmac' } : deny(401, 'signature already used (replay)');
  }

  /**
   * The HTTP answer for a refused request — after logging who was refused and why (never a credential:
   * the query and headers are logged by name only) — or undefined when the request may proceed.
   */
  async guard(event: Buffer, fcRequestId: string): Promise<HttpResponse | undefined> {
    const v = await this.check(event);
    if (v.ok) return undefined;
    const r = v.request;
    this.#logger.warn('http request refused', {
      fcRequestId,
      status: v.status,
      reason: v.reason,
      ...(r
        ? {
            sourceIp: r.sourceIp,
            method: r.method,
            path: r.path,
            userAgent: r.headers['user-agent'],
            queryNames: Object.keys(r.query),
            headerNames: Object.keys(r.headers),
          }
        : {}),
    });
    const error = ERROR_NAMES[v.status];
    return {
      statusCode: v.status,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(v.status === 401 ? { 'www-authenticate': 'Token realm="sae-rollback"' } : {}),
        ...(v.status === 503 ? { 'retry-after': '5' } : {}),
      },
      // The reason is told only past authentication (413); a refused caller learns nothing.
      body: JSON.stringify({ error, ...(v.status === 413 ? { reason: v.reason } : {}), fcRequestId }),
    };
  }
}

/** RFC 6750 credentials: the scheme (any case), one space, the token. */
const BEARER = /^Bearer (\S+)$/i;

const ERROR_NAMES = {
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Payload Too Large',
  503: 'Unavailable',
} as const;
