/**
 * Publishes outcome messages to an MNS (Simple Message Queue) topic.
 *
 * Written by hand instead of using the official `@alicloud/mns` SDK because that SDK:
 * - does not XML-escape MessageBody/MessageTag, so any `&` or `<` in an alert yields malformed XML (a lost or
 *   mangled notification exactly when something went wrong);
 * - defaults to plain http;
 * - surfaces failures as `Error`s whose only discriminator is `name` (no `code`, no status field), which makes
 *   retry classification a string-parsing exercise;
 * - binds credentials at construction, while Function Compute hands out fresh STS credentials per invocation.
 *
 * Here credentials are fetched per publish, bodies are escaped, errors are {@link NotifyError}s with a
 * `retryable` verdict, and one deadline covers connect + send + read.
 */
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { MnsClientErrorCode, NotifyChannel, NotifyError, NotifyErrorKind } from './errors.js';
import { DeadlineExceeded, type PostResponse, postOnce, ResponseTooLarge } from './http-post.js';
import { mnsBodyMd5, mnsContentMd5, mnsSignature, mnsStringToSign } from './mns-signature.js';
import { escapeXmlText, findIllegalXmlChar, looksLikeXml, readXmlElementText, xmlRootName } from './xml.js';

/** Credentials for one publish. `securityToken` is present for STS credentials (always, on FC). */
export interface MnsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Options for {@link MnsTopicClient}. */
export interface MnsTopicClientOptions {
  /** `https://<accountId>.mns.<region>.aliyuncs.com` (see {@link defaultMnsEndpoint}) or a loopback `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** Called on every publish, so rotating STS credentials are always current. */
  credentials: () => MnsCredentials | Promise<MnsCredentials>;
  /** One deadline for connect + request + full response, in ms. Default 5000. */
  timeoutMs?: number;
  /** Source of the Date header. Default: the system clock. */
  clock?: Clock;
}

/** A message to publish. `body` is sent as-is (XML-escaped on the wire, never base64-encoded). */
export interface MnsPublishMessage {
  body: string;
  /** Optional MNS message tag used by subscription filters. An empty string is treated as "no tag". */
  tag?: string;
}

/** What MNS returned for a successful publish. */
export interface MnsPublishResult {
  messageId: string;
  /** Upper-case hex MD5 of the body, as returned by MNS and verified against what we sent. */
  bodyMd5: string;
  requestId?: string;
}

/** How the function reaches MNS: over the internet, the classic internal network, or a VPC. */
export const MnsNetwork = { public: 'public', internal: 'internal', vpc: 'vpc' } as const;
export type MnsNetwork = (typeof MnsNetwork)[keyof typeof MnsNetwork];

/** The MNS actions this client performs: the RAM policy (ram-policy.json) is checked against it. */
export const MNS_ACTIONS = ['PublishMessage'] as const;

/** The API version every request must carry. */
export const MNS_API_VERSION = '2015-06-06';

const DEFAULT_TIMEOUT_MS = 5000;
const CONTENT_TYPE = 'text/xml;charset=utf-8';
const XMLNS = 'http://mns.aliyuncs.com/doc/v1/';

/** MNS topic names: a letter first, then letters, digits or hyphens; 1-255 characters in total. */
const TOPIC_NAME = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;

/**
 * Error codes that may succeed when the same message is sent again even though the status is 4xx.
 * `TimeExpired` (documented as 408): the next attempt is signed with a fresh Date, and the usual cause is a
 * request that sat in a queue or a retry loop; if the host clock itself is off, the caller's retry budget bounds
 * the damage. `QpsLimitExceeded` is documented with status 400 but is throttling.
 */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['TimeExpired', 'QpsLimitExceeded', 'InternalError']);

/**
 * Retry verdict for an MNS HTTP failure: 5xx, 408, 429 and the throttling/expiry codes above are retryable;
 * every other 4xx (TopicNotExist, SignatureDoesNotMatch, AccessDenied, InvalidArgument, MalformedXML, ...) is
 * permanent because repeating the identical request yields the identical answer.
 */
export function isRetryableMnsFailure(httpStatus: number, code?: string): boolean {
  if (httpStatus >= 500 || httpStatus === 408 || httpStatus === 429) return true;
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** `https://<accountId>.mns.<region>[-internal|-internal-vpc].aliyuncs.com`; https always. */
export function defaultMnsEndpoint(
  accountId: string,
  region: string,
  network: MnsNetwork = 'public',
): string {
  if (!/^\d+$/.test(accountId)) throw invalidConfig('accountId must be the numeric Alibaba Cloud account ID');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) throw invalidConfig(`region "${region}" is not a region ID`);
  const suffix = network === 'internal' ? '-internal' : network === 'vpc' ? '-internal-vpc' : '';
  return `https://${accountId}.mns.${region}${suffix}.aliyuncs.com`;
}

const credentialsSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
});

const publishResponseSchema = z.object({
  MessageId: z.string().min(1),
  MessageBodyMD5: z.string().regex(/^[0-9A-Fa-f]{32}$/),
});

/** Client for `POST /topics/<topic>/messages` (PublishMessage). Stateless between calls; safe to share. */
export class MnsTopicClient {
  readonly #endpoint: URL;
  readonly #credentials: MnsTopicClientOptions['credentials'];
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(opts: MnsTopicClientOptions) {
    this.#endpoint = parseEndpoint(opts.endpoint);
    this.#credentials = opts.credentials;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw invalidConfig('timeoutMs must be a positive number');
    this.#timeoutMs = timeoutMs;
    this.#clock = opts.clock ?? systemClock;
  }

  /**
   * Publishes one message. Resolves once MNS has accepted it and echoed the body MD5 we expect.
   * @throws {NotifyError} always this type; check `retryable` before sending the same message again.
   */
  async publish(topic: string, msg: MnsPublishMessage): Promise<MnsPublishResult> {
    // Validate before anything leaves the process: a bad name would otherwise change the URL path.
    if (!TOPIC_NAME.test(topic)) {
      throw new NotifyError(
        `MNS topic name ${JSON.stringify(topic.slice(0, 80))} is invalid: it must start with a letter, contain ` +
          'only letters, digits and hyphens, and be 1-255 characters long',
        invalidInput(MnsClientErrorCode.invalidTopicName),
      );
    }
    const tag = msg.tag === '' ? undefined : msg.tag;
    assertXmlRepresentable('body', msg.body);
    if (tag !== undefined) assertXmlRepresentable('tag', tag);

    const creds = await this.#loadCredentials();
    const secrets = [creds.accessKeySecret, creds.securityToken].filter((s): s is string => s !== undefined);

    const xml = buildPublishXml(msg.body, tag);
    const payload = Buffer.from(xml, 'utf8');
    const resource = `/topics/${topic}/messages`;
    const date = new Date(this.#clock.now()).toUTCString();
    const headers: Record<string, string> = {
      host: this.#endpoint.host,
      date,
      'content-type': CONTENT_TYPE,
      'content-md5': mnsContentMd5(payload),
      'content-length': String(payload.length),
      'x-mns-version': MNS_API_VERSION,
    };
    const signature = mnsSignature(
      mnsStringToSign({
        method: 'POST',
        contentMd5: headers['content-md5'],
        contentType: CONTENT_TYPE,
        date,
        headers,
        resource,
      }),
      creds.accessKeySecret,
    );
    headers.authorization = `MNS ${creds.accessKeyId}:${signature}`;
    // Sent unsigned, after signing, exactly as the official SDKs do.
    if (creds.securityToken !== undefined) headers['security-token'] = creds.securityToken;

    const url = new URL(resource, this.#endpoint);
    let res: PostResponse;
    try {
      res = await postOnce(url, headers, payload, this.#timeoutMs);
    } catch (e) {
      throw transportError(e, topic, this.#timeoutMs);
    }
    return interpretResponse(res, topic, msg.body, secrets);
  }

  async #loadCredentials(): Promise<MnsCredentials> {
    let raw: unknown;
    try {
      raw = await this.#credentials();
    } catch (e) {
      // The provider's own message is not echoed: it could quote what it was handed.
      throw new NotifyError('MNS credentials provider failed', {
        channel: NotifyChannel.mns,
        kind: NotifyErrorKind.credentials,
        code: MnsClientErrorCode.credentialsUnavailable,
        retryable: true,
        cause: e,
      });
    }
    const parsed = credentialsSchema.safeParse(raw);
    if (!parsed.success) {
      throw new NotifyError(
        'MNS credentials provider returned an unusable value (accessKeyId and accessKeySecret must be non-empty)',
        {
          channel: NotifyChannel.mns,
          kind: NotifyErrorKind.credentials,
          code: MnsClientErrorCode.credentialsUnavailable,
          retryable: false,
        },
      );
    }
    const { accessKeyId, accessKeySecret, securityToken } = parsed.data;
    return securityToken === undefined
      ? { accessKeyId, accessKeySecret }
      : { accessKeyId, accessKeySecret, securityToken };
  }
}

/** The PublishMessage document. Exported for tests that need the exact bytes the client sends. */
export function buildPublishXml(body: string, tag?: string): string {
  const tagXml = tag === undefined ? '' : `<MessageTag>${escapeXmlText(tag)}</MessageTag>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Message xmlns="${XMLNS}">` +
    `<MessageBody>${escapeXmlText(body)}</MessageBody>${tagXml}</Message>`
  );
}

/**
 * Characters XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are rejected, not
 * stripped: silently editing an alert would hide data and defeat the MD5 check, and there is no escape for them.
 * Bodies produced by `JSON.stringify` never contain them (it escapes controls and lone surrogates).
 */
function assertXmlRepresentable(field: 'body' | 'tag', text: string): void {
  const bad = findIllegalXmlChar(text);
  if (bad === undefined) return;
  const cp = `U+${bad.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  throw new NotifyError(
    `MNS message ${field} contains ${cp} at index ${bad.index}, which XML 1.0 cannot represent; ` +
      'encode the payload (e.g. JSON.stringify) before publishing',
    invalidInput(MnsClientErrorCode.invalidMessage),
  );
}

function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidConfig('endpoint is not a valid URL');
  }
  if (url.username !== '' || url.password !== '') throw invalidConfig('endpoint must not embed credentials');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw invalidConfig('endpoint must be an origin such as https://<accountId>.mns.<region>.aliyuncs.com');
  }
  // Plain http would put the STS token (sent unsigned) and the message on the wire in clear text;
  // it is allowed only for the local emulator.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalidConfig('endpoint must use https (http is accepted only for loopback emulators)');
  }
  return url;
}

function transportError(e: unknown, topic: string, timeoutMs: number): NotifyError {
  if (e instanceof DeadlineExceeded) {
    return new NotifyError(
      `MNS publish to topic "${topic}" timed out after ${timeoutMs} ms (connect + read)`,
      {
        channel: NotifyChannel.mns,
        kind: NotifyErrorKind.timeout,
        code: MnsClientErrorCode.timeout,
        retryable: true,
        cause: e,
      },
    );
  }
  if (e instanceof ResponseTooLarge) {
    return new NotifyError(`MNS publish to topic "${topic}" failed: ${e.message}`, {
      channel: NotifyChannel.mns,
      kind: NotifyErrorKind.protocol,
      code: MnsClientErrorCode.malformedResponse,
      retryable: true,
      cause: e,
    });
  }
  // Node network errors (ECONNRESET, ECONNREFUSED, ENOTFOUND, "socket hang up") never contain request headers.
  const errno = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined;
  const detail = e instanceof Error ? e.message : String(e);
  return new NotifyError(
    `MNS publish to topic "${topic}" failed: network error${errno ? ` ${errno}` : ''}: ${detail}`,
    {
      channel: NotifyChannel.mns,
      kind: NotifyErrorKind.network,
      code: MnsClientErrorCode.network,
      retryable: true,
      cause: e,
    },
  );
}

function interpretResponse(
  res: PostResponse,
  topic: string,
  body: string,
  secrets: string[],
): MnsPublishResult {
  const headerRequestId = headerValue(res.headers['x-mns-request-id']);
  if (res.status < 200 || res.status >= 300) throw httpError(res, topic, headerRequestId, secrets);

  const parsed =
    looksLikeXml(res.body) && xmlRootName(res.body) === 'Message'
      ? publishResponseSchema.safeParse({
          MessageId: readXmlElementText(res.body, 'MessageId'),
          MessageBodyMD5: readXmlElementText(res.body, 'MessageBodyMD5'),
        })
      : undefined;
  if (!parsed?.success) {
    // Retryable, accepting a possible duplicate: an unreadable success is indistinguishable from a failure.
    throw new NotifyError(
      `MNS publish to topic "${topic}" returned HTTP ${res.status} without a readable MessageId/MessageBodyMD5`,
      {
        channel: NotifyChannel.mns,
        kind: NotifyErrorKind.protocol,
        code: MnsClientErrorCode.malformedResponse,
        httpStatus: res.status,
        requestId: headerRequestId,
        retryable: true,
      },
    );
  }
  const expected = mnsBodyMd5(body);
  const returned = parsed.data.MessageBodyMD5.toUpperCase();
  if (returned !== expected) {
    // MNS stored a different body than we meant (an encoding bug somewhere). Not retryable: the same bytes
    // would be mangled the same way, and the corrupted message has already been delivered.
    throw new NotifyError(
      `MNS publish to topic "${topic}" stored a different body: MessageBodyMD5 ${returned} != expected ${expected} ` +
        `(messageId ${parsed.data.MessageId})`,
      {
        channel: NotifyChannel.mns,
        kind: NotifyErrorKind.protocol,
        code: MnsClientErrorCode.bodyMd5Mismatch,
        httpStatus: res.status,
        requestId: headerRequestId,
        retryable: false,
      },
    );
  }
  return headerRequestId === undefined
    ? { messageId: parsed.data.MessageId, bodyMd5: returned }
    : { messageId: parsed.data.MessageId, bodyMd5: returned, requestId: headerRequestId };
}

function httpError(
  res: PostResponse,
  topic: string,
  headerRequestId: string | undefined,
  secrets: string[],
): NotifyError {
  const isErrorXml = looksLikeXml(res.body) && xmlRootName(res.body) === 'Error';
  const code = isErrorXml ? nonEmpty(readXmlElementText(res.body, 'Code')) : undefined;
  if (!isErrorXml || code === undefined) {
    // Not MNS talking (a gateway, a proxy, a load balancer page): treat as transient.
    return new NotifyError(
      `MNS publish to topic "${topic}" failed: HTTP ${res.status} with a non-MNS error body`,
      {
        channel: NotifyChannel.mns,
        kind: NotifyErrorKind.http,
        httpStatus: res.status,
        requestId: headerRequestId,
        retryable: true,
      },
    );
  }
  const serverMessage = readXmlElementText(res.body, 'Message') ?? '';
  const requestId = nonEmpty(readXmlElementText(res.body, 'RequestId')) ?? headerRequestId;
  const hostId = nonEmpty(readXmlElementText(res.body, 'HostId'));
  const context = [requestId && `requestId ${requestId}`, hostId && `hostId ${hostId}`]
    .filter(Boolean)
    .join(', ');
  const message = redact(
    `MNS publish to topic "${topic}" failed: HTTP ${res.status} ${code}: ${serverMessage.slice(0, 300)}` +
      (context ? ` (${context})` : ''),
    secrets,
  );
  return new NotifyError(message, {
    channel: NotifyChannel.mns,
    kind: NotifyErrorKind.http,
    code,
    httpStatus: res.status,
    requestId,
    retryable: isRetryableMnsFailure(res.status, code),
  });
}

/** Belt and braces: the server should never echo credentials, but an error message must never carry them. */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return nonEmpty(Array.isArray(v) ? v[0] : v);
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === '' ? undefined : t;
}

function invalidInput(code: MnsClientErrorCode): ConstructorParameters<typeof NotifyError>[1] {
  return { channel: NotifyChannel.mns, kind: NotifyErrorKind.invalidInput, code, retryable: false };
}

function invalidConfig(message: string): NotifyError {
  return new NotifyError(
    `MNS client misconfigured: ${message}`,
    invalidInput(MnsClientErrorCode.invalidConfig),
  );
}
