/**
 * Request verification for the emulated `/openapi/*` calls (PutEvents, GetEventBus), in the order a gateway
 * would apply it: route, Authorization shape, Date, access key, signature, clock skew, STS token, nonce replay,
 * Content-MD5, content type, then the key's permission for the action (`AccessDenied`).
 *
 * The string-to-sign is rebuilt here from the request as received, independently of the client's signer
 * (lib/notify/eventbridge-signature.ts), so a mistake in one cannot hide in the other; both are checked against
 * the official SDK's test vectors. Codes EventBridge documents are used as documented (SignatureDoesNotMatch,
 * InvalidAccessKeyId, SecurityTokenInvalid — all 403); where it documents none, the emulator names its own.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NonceLedger } from '../kit/nonces.js';
import type { ReceivedRequest } from '../kit/types.js';

/** A credential the emulator accepts. */
export interface EmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests signed with this key must carry it in `x-acs-security-token` (signed). */
  securityToken?: string;
  /** Actions this key is not allowed (answered 403 `AccessDenied` once the request is otherwise valid). */
  denied?: EventBridgeAction[];
}

/** The `/openapi/*` routes the emulator serves, by path. */
export const EVENTBRIDGE_ROUTES = {
  '/openapi/putEvents': 'PutEvents',
  '/openapi/getEventBus': 'GetEventBus',
} as const;
export type EventBridgeAction = (typeof EVENTBRIDGE_ROUTES)[keyof typeof EVENTBRIDGE_ROUTES];

/** A refusal: HTTP status, error code and a message safe to echo (it never contains a secret). */
export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export type VerifyResult =
  | { ok: true; accessKeyId: string; action: EventBridgeAction; batch: boolean }
  | { ok: false; error: ApiError; accessKeyId?: string; signatureValid: boolean };

export interface SignedRequest extends ReceivedRequest<EmulatorCredential> {
  /** The `accessKeyId\nnonce` pairs seen within {@link MAX_CLOCK_SKEW_MS}; a request's is recorded here. */
  nonces: NonceLedger;
}

/** Requests whose Date is further than this from the emulator's clock are refused, and nonces live this long. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** `acs:<id>:<sig>` (what the SDKs send) or `acs <id>:<sig>` (what the docs show). */
const AUTHORIZATION = /^acs[: ]([^:\s]+):([A-Za-z0-9+/]+={0,2})$/;

const err = (status: number, code: string, message: string): ApiError => ({ status, code, message });

/** Verifies a request to one of {@link EVENTBRIDGE_ROUTES}. Never throws. */
export function verifyRequest(req: SignedRequest): VerifyResult {
  const reject = (error: ApiError, accessKeyId?: string, signatureValid = false): VerifyResult =>
    accessKeyId === undefined
      ? { ok: false, error, signatureValid }
      : { ok: false, error, accessKeyId, signatureValid };

  const url = new URL(req.url, 'http://emulator');
  const action = (EVENTBRIDGE_ROUTES as Record<string, EventBridgeAction>)[url.pathname];
  if (action === undefined) return reject(err(404, 'ApiNotFound', `No API at ${url.pathname}.`));
  if (req.method !== 'POST') return reject(err(405, 'MethodNotAllowed', `${action} takes POST.`));

  const authorization = header(req.headers, 'authorization');
  const auth = authorization === undefined ? null : AUTHORIZATION.exec(authorization);
  if (!auth?.[1] || !auth[2]) {
    return reject(err(400, 'InvalidAuthorization', 'Authorization must be "acs:<AccessKeyId>:<Signature>".'));
  }
  const accessKeyId = auth[1];

  const date = header(req.headers, 'date');
  const dateMs = date === undefined ? Number.NaN : Date.parse(date);
  if (date === undefined || !date.endsWith('GMT') || Number.isNaN(dateMs)) {
    return reject(err(400, 'InvalidDate', 'Date must be an RFC 7231 GMT date.'), accessKeyId);
  }

  const credential = req.credentials.get(accessKeyId);
  if (credential === undefined) {
    return reject(err(403, 'InvalidAccessKeyId', 'The access Id you provided is not exist.'), accessKeyId);
  }
  const expected = createHmac('sha1', credential.accessKeySecret)
    .update(stringToSign(req.method, req.headers, url), 'utf8')
    .digest('base64');
  if (!safeEqual(expected, auth[2])) {
    const message = 'The request signature we calculated does not match the signature you provided.';
    return reject(err(403, 'SignatureDoesNotMatch', message), accessKeyId);
  }

  if (Math.abs(req.nowMs - dateMs) > MAX_CLOCK_SKEW_MS) {
    return reject(err(403, 'RequestTimeTooSkewed', 'Date is more than 15 minutes away.'), accessKeyId, true);
  }

  const token = header(req.headers, 'x-acs-security-token');
  const tokenOk =
    credential.securityToken === undefined
      ? token === undefined
      : token !== undefined &&
        safeEqual(token, credential.securityToken) &&
        header(req.headers, 'x-acs-accesskey-id') === accessKeyId;
  if (!tokenOk) {
    const message = 'The Security token that your provide is invalid.';
    return reject(err(403, 'SecurityTokenInvalid', message), accessKeyId, true);
  }

  const nonce = header(req.headers, 'x-acs-signature-nonce');
  if (nonce === undefined || nonce.length < 8) {
    return reject(err(400, 'MissingSignatureNonce', 'x-acs-signature-nonce is required.'), accessKeyId, true);
  }
  const nonceKey = `${accessKeyId}\n${nonce}`;
  if (!req.nonces.use(nonceKey, req.nowMs)) {
    return reject(err(403, 'SignatureNonceUsed', 'This nonce was already used.'), accessKeyId, true);
  }

  const contentMd5 = header(req.headers, 'content-md5');
  if (contentMd5 !== undefined && contentMd5 !== createHash('md5').update(req.body).digest('base64')) {
    return reject(err(400, 'InvalidContentMD5', 'Content-MD5 does not match the body.'), accessKeyId, true);
  }

  const contentType = (header(req.headers, 'content-type') ?? '').toLowerCase();
  const batch = /^application\/cloudevents-batch\+json\s*(;|$)/.test(contentType);
  const typeOk =
    action === 'PutEvents'
      ? batch || /^application\/cloudevents\+json\s*(;|$)/.test(contentType)
      : /^application\/json\s*(;|$)/.test(contentType);
  if (!typeOk) {
    const message =
      action === 'PutEvents'
        ? 'Content-Type must be application/cloudevents-batch+json (or application/cloudevents+json).'
        : 'Content-Type must be application/json.';
    return reject(err(415, 'UnsupportedMediaType', message), accessKeyId, true);
  }
  if (credential.denied?.includes(action)) {
    const message = 'The OwnerId that your Access Key Id associated to is forbidden for this operation.';
    return reject(err(403, 'AccessDenied', message), accessKeyId, true);
  }
  return { ok: true, accessKeyId, action, batch };
}

/** METHOD, Content-MD5, Content-Type, Date, the x-acs-* headers, then the path with its sorted raw query. */
export function stringToSign(method: string, headers: IncomingHttpHeaders, url: URL): string {
  const acs = Object.keys(headers)
    .filter((name) => name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${(header(headers, name) ?? '').replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
  const query = [...url.searchParams.keys()]
    .sort()
    .map((k) => `${k}=${url.searchParams.get(k) ?? ''}`)
    .join('&');
  const resource = query === '' ? url.pathname : `${url.pathname}?${query}`;
  const line = (name: string) => `${header(headers, name) ?? ''}\n`;
  return `${method.toUpperCase()}\n${line('content-md5')}${line('content-type')}${line('date')}${acs}${resource}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
