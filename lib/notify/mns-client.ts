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
import type { CloudCredentials } from '../credentials.js';
import { ClientFailure, NotifyChannel, NotifyError } from './errors.js';
import { type PostResponse, postOnce } from './http-post.js';
import { invalidConfig, parseMnsEndpoint } from './mns-endpoint.js';
import {
  assertTopicName,
  assertXmlRepresentable,
  buildPublishXml,
  signedPublishHeaders,
} from './mns-request.js';
import { interpretPublishResponse, mnsTransportError, type PublishAnswer } from './mns-response.js';

export { defaultMnsEndpoint, MnsNetwork } from './mns-endpoint.js';
export { buildPublishXml, MNS_API_VERSION } from './mns-request.js';
export { isRetryableMnsFailure } from './mns-response.js';

/** Credentials for one publish. `securityToken` is present for STS credentials (always, on FC). */
export type MnsCredentials = CloudCredentials;

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
export type MnsPublishResult = PublishAnswer;

/** The MNS actions this client performs: the RAM policy (ram-policy.json) is checked against it. */
export const MNS_ACTIONS = ['PublishMessage'] as const;

const DEFAULT_TIMEOUT_MS = 5000;

const credentialsSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
});

/** Client for `POST /topics/<topic>/messages` (PublishMessage). Stateless between calls; safe to share. */
export class MnsTopicClient {
  readonly #endpoint: URL;
  readonly #credentials: MnsTopicClientOptions['credentials'];
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(opts: MnsTopicClientOptions) {
    this.#endpoint = parseMnsEndpoint(opts.endpoint);
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
    assertTopicName(topic);
    const tag = msg.tag === '' ? undefined : msg.tag;
    assertXmlRepresentable('body', msg.body);
    if (tag !== undefined) assertXmlRepresentable('tag', tag);

    const creds = await this.#loadCredentials();
    const secrets = [creds.accessKeySecret, creds.securityToken].filter((s): s is string => s !== undefined);

    const xml = buildPublishXml(msg.body, tag);
    const payload = Buffer.from(xml, 'utf8');
    const resource = `/topics/${topic}/messages`;
    const date = new Date(this.#clock.now()).toUTCString();
    const headers = signedPublishHeaders({ host: this.#endpoint.host, date, resource, payload, creds });

    const url = new URL(resource, this.#endpoint);
    let res: PostResponse;
    try {
      res = await postOnce(url, headers, payload, this.#timeoutMs);
    } catch (e) {
      throw mnsTransportError(e, topic, this.#timeoutMs);
    }
    return interpretPublishResponse(res, topic, msg.body, secrets);
  }

  async #loadCredentials(): Promise<MnsCredentials> {
    let raw: unknown;
    try {
      raw = await this.#credentials();
    } catch (e) {
      // The provider's own message is not echoed: it could quote what it was handed.
      throw new NotifyError('MNS credentials provider failed', {
        channel: NotifyChannel.mns,
        ...ClientFailure.credentialsUnavailable,
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
          ...ClientFailure.credentialsUnavailable,
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
