/**
 * Request verification for the emulated PublishMessage, in the order a gateway would apply it:
 * route, auth header shape, version, date shape, access key, signature, clock skew, STS token, Content-MD5,
 * topic, document. Parsing and signing are the emulator's own (./signature.ts), independent of the product's.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ReceivedRequest } from '../kit/types.js';
import { type MnsApiError, mnsErrors } from './responses.js';
import { mnsBodyDigest, mnsHmac, mnsRequestStringToSign } from './signature.js';
import { parseXmlDocument, type XmlElement, XmlSyntaxError } from './xml-reader.js';

/** A credential the emulator accepts. */
export interface EmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests signed with this key must carry this exact `security-token` header. */
  securityToken?: string;
}

/** Everything verification needs from one HTTP request. */
export interface PublishRequest extends ReceivedRequest<EmulatorCredential> {
  topics: ReadonlySet<string>;
}

/** A request that passed every check. */
export interface AcceptedPublish {
  ok: true;
  /** `GET /topics/<name>` (GetTopicAttributes): only the topic is checked; there is no document. */
  getAttributes?: true;
  topic: string;
  accessKeyId: string;
  body: string;
  tag?: string;
}

/** A rejected request, with what was learnt before rejecting it. */
export interface RejectedPublish {
  ok: false;
  error: MnsApiError;
  accessKeyId?: string;
  signatureValid: boolean;
}

/** MNS refuses requests whose Date is more than 15 minutes away from its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const ROUTE = /^\/topics\/([^/?#]+)\/messages$/;
const TOPIC_ROUTE = /^\/topics\/([^/?#]+)$/;
const AUTHORIZATION = /^MNS ([^:\s]+):([A-Za-z0-9+/]+={0,2})$/;

/** Verifies a PublishMessage request. Never throws. */
export function verifyPublish(req: PublishRequest): AcceptedPublish | RejectedPublish {
  const reject = (error: MnsApiError, accessKeyId?: string, signatureValid = false): RejectedPublish =>
    accessKeyId === undefined
      ? { ok: false, error, signatureValid }
      : { ok: false, error, accessKeyId, signatureValid };

  const path = req.url.split('?')[0] ?? '';
  const getAttributes = req.method === 'GET' ? TOPIC_ROUTE.exec(path) : null;
  const route = req.method === 'POST' ? ROUTE.exec(path) : getAttributes;
  if (!route?.[1]) return reject(mnsErrors.invalidRequestUrl());
  // Topic names are plain [A-Za-z0-9-]; anything percent-encoded simply names no topic.
  const topic = route[1];

  const authorization = header(req.headers, 'authorization');
  if (authorization === undefined) return reject(mnsErrors.missingAuthorization());
  const auth = AUTHORIZATION.exec(authorization);
  if (!auth?.[1] || !auth[2]) return reject(mnsErrors.invalidAuthorization());
  const accessKeyId = auth[1];
  const providedSignature = auth[2];

  if (header(req.headers, 'x-mns-version') !== '2015-06-06')
    return reject(mnsErrors.invalidVersion(), accessKeyId);

  // x-mns-date stands in for Date when a client cannot set Date.
  const date = header(req.headers, 'date') ?? header(req.headers, 'x-mns-date');
  if (date === undefined) return reject(mnsErrors.missingDate(), accessKeyId);
  const dateMs = Date.parse(date);
  if (!date.endsWith('GMT') || Number.isNaN(dateMs)) return reject(mnsErrors.invalidDate(), accessKeyId);

  const credential = req.credentials.get(accessKeyId);
  if (credential === undefined) return reject(mnsErrors.invalidAccessKeyId(), accessKeyId);

  const expected = mnsHmac(
    credential.accessKeySecret,
    mnsRequestStringToSign(req.method, req.headers, req.url),
  );
  if (!safeEqual(expected, providedSignature)) return reject(mnsErrors.signatureMismatch(), accessKeyId);

  if (Math.abs(req.nowMs - dateMs) > MAX_CLOCK_SKEW_MS)
    return reject(mnsErrors.timeExpired(), accessKeyId, true);

  if (credential.securityToken !== undefined) {
    const token = header(req.headers, 'security-token');
    if (token === undefined || !safeEqual(token, credential.securityToken)) {
      return reject(mnsErrors.invalidSecurityToken(), accessKeyId, true);
    }
  }

  const contentMd5 = header(req.headers, 'content-md5');
  if (contentMd5 !== undefined) {
    if (contentMd5 !== mnsBodyDigest(req.body)) {
      return reject(mnsErrors.invalidDigest(), accessKeyId, true);
    }
  }

  if (!req.topics.has(topic)) return reject(mnsErrors.topicNotExist(), accessKeyId, true);
  if (getAttributes) return { ok: true, getAttributes: true, topic, accessKeyId, body: '' };

  const doc = readPublishDocument(req.body);
  if ('error' in doc) return reject(doc.error, accessKeyId, true);
  const accepted: AcceptedPublish = { ok: true, topic, accessKeyId, body: doc.body };
  if (doc.tag !== undefined) accepted.tag = doc.tag;
  return accepted;
}

/** Decodes and validates `<Message><MessageBody/>[<MessageTag/>]</Message>`. */
function readPublishDocument(raw: Buffer): { body: string; tag?: string } | { error: MnsApiError } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { error: mnsErrors.malformedXml() };
  }
  let root: XmlElement;
  try {
    root = parseXmlDocument(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError)
      return {
        error: { ...mnsErrors.malformedXml(), message: `${mnsErrors.malformedXml().message} (${e.message})` },
      };
    throw e;
  }
  if (root.name !== 'Message') return { error: mnsErrors.invalidXmlShape(root.name) };
  if (root.text.trim() !== '') return { error: mnsErrors.invalidXmlShape('Message') };
  const seen = new Map<string, XmlElement>();
  for (const child of root.children) {
    // MessageAttributes (mail/SMS/DirectMail pushes) is not emulated; refusing it beats silently ignoring it.
    if (child.name !== 'MessageBody' && child.name !== 'MessageTag')
      return { error: mnsErrors.invalidXmlShape(child.name) };
    if (seen.has(child.name) || child.children.length > 0)
      return { error: mnsErrors.invalidXmlShape(child.name) };
    seen.set(child.name, child);
  }
  const body = seen.get('MessageBody');
  if (body === undefined) return { error: mnsErrors.invalidXmlShape('MessageBody') };
  const tag = seen.get('MessageTag');
  return tag === undefined ? { body: body.text } : { body: body.text, tag: tag.text };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
