/** The PutEvents request: its path, headers and signature (./eventbridge-signature.ts). */
import { randomUUID } from 'node:crypto';
import type { CloudCredentials } from '../credentials.js';
import {
  eventBridgeContentMd5,
  eventBridgeSignature,
  eventBridgeStringToSign,
} from './eventbridge-signature.js';

/** `x-eventbridge-version`, as EventBridge's common request headers document it. */
export const EVENTBRIDGE_API_VERSION = '2020-04-01';
export const PUT_EVENTS_PATH = '/openapi/putEvents';
export const CLOUDEVENTS_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json; charset=utf-8';

/** The signed headers of `POST /openapi/putEvents` carrying `payload`, dated `date` (an HTTP date). */
export function signedPutEventsHeaders(o: {
  host: string;
  date: string;
  payload: Buffer;
  creds: CloudCredentials;
}): Record<string, string> {
  return signedEventBridgeHeaders({
    path: PUT_EVENTS_PATH,
    contentType: CLOUDEVENTS_BATCH_CONTENT_TYPE,
    date: o.date,
    body: o.payload,
    creds: o.creds,
    plain: { host: o.host, 'content-length': String(o.payload.length), 'user-agent': 'sae-rollback' },
  });
}

/**
 * The signed headers of an EventBridge `POST <path>` (PutEvents, GetEventBus) carrying `body` of
 * `contentType`, dated `date`. `plain`: headers sent as they are, outside the signature (host, length).
 */
export function signedEventBridgeHeaders(o: {
  path: string;
  contentType: string;
  date: string;
  body: Buffer | string;
  creds: CloudCredentials;
  plain?: Record<string, string>;
}): Record<string, string> {
  const { creds } = o;
  const headers: Record<string, string> = {
    ...o.plain,
    date: o.date,
    accept: 'application/json',
    'content-type': o.contentType,
    'content-md5': eventBridgeContentMd5(o.body),
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
    contentType: o.contentType,
    date: o.date,
    headers,
    path: o.path,
  });
  // `acs:<id>:<sig>` as the official SDKs send it (the docs also show `acs <id>:<sig>`; the service takes both).
  headers.authorization = `acs:${creds.accessKeyId}:${eventBridgeSignature(stringToSign, creds.accessKeySecret)}`;
  return headers;
}
