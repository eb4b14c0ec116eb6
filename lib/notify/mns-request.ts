/**
 * The PublishMessage request: the XML envelope (escaped, never base64), the checks that keep a topic name
 * or a body from changing the request, and the signed headers (./mns-signature.ts).
 */
import type { CloudCredentials } from '../credentials.js';
import { ClientFailure, NotifyError } from './errors.js';
import { mnsInvalidInput } from './mns-endpoint.js';
import { mnsContentMd5, mnsSignature, mnsStringToSign } from './mns-signature.js';
import { escapeXmlText, findIllegalXmlChar } from './xml.js';

/** The API version every request must carry. */
export const MNS_API_VERSION = '2015-06-06';

const CONTENT_TYPE = 'text/xml;charset=utf-8';
const XMLNS = 'http://mns.aliyuncs.com/doc/v1/';

/** MNS topic names: a letter first, then letters, digits or hyphens; 1-255 characters in total. */
const TOPIC_NAME = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;

/** Rejects a topic name before anything leaves the process: a bad name would otherwise change the URL path. */
export function assertTopicName(topic: string): void {
  if (TOPIC_NAME.test(topic)) return;
  throw new NotifyError(
    `MNS topic name ${JSON.stringify(topic.slice(0, 80))} is invalid: it must start with a letter, contain ` +
      'only letters, digits and hyphens, and be 1-255 characters long',
    mnsInvalidInput(ClientFailure.invalidTopicName),
  );
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
export function assertXmlRepresentable(field: 'body' | 'tag', text: string): void {
  const bad = findIllegalXmlChar(text);
  if (bad === undefined) return;
  const cp = `U+${bad.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  throw new NotifyError(
    `MNS message ${field} contains ${cp} at index ${bad.index}, which XML 1.0 cannot represent; ` +
      'encode the payload (e.g. JSON.stringify) before publishing',
    mnsInvalidInput(ClientFailure.invalidMessage),
  );
}

/** The signed headers of `POST <resource>` carrying `payload`, dated `date` (an HTTP date). */
export function signedPublishHeaders(o: {
  host: string;
  date: string;
  resource: string;
  payload: Buffer;
  creds: CloudCredentials;
}): Record<string, string> {
  const headers: Record<string, string> = {
    host: o.host,
    date: o.date,
    'content-type': CONTENT_TYPE,
    'content-md5': mnsContentMd5(o.payload),
    'content-length': String(o.payload.length),
    'x-mns-version': MNS_API_VERSION,
  };
  const signature = mnsSignature(
    mnsStringToSign({
      method: 'POST',
      contentMd5: headers['content-md5'],
      contentType: CONTENT_TYPE,
      date: o.date,
      headers,
      resource: o.resource,
    }),
    o.creds.accessKeySecret,
  );
  headers.authorization = `MNS ${o.creds.accessKeyId}:${signature}`;
  // Sent unsigned, after signing, exactly as the official SDKs do.
  if (o.creds.securityToken !== undefined) headers['security-token'] = o.creds.securityToken;
  return headers;
}
