/**
 * MNS request signing (the "MNS AccessKeyId:Signature" scheme). Pure functions shared by the client and the
 * emulator so both sides provably agree on the string-to-sign; the emulator still parses requests itself.
 */
import { createHash, createHmac } from 'node:crypto';

/** Header values as Node exposes them (`IncomingHttpHeaders`) or as a client builds them. */
export type MnsHeaderBag = Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** Parts of a request that go into the MNS string-to-sign. */
export interface MnsStringToSignInput {
  /** HTTP method; upper-cased here because the service signs the upper-case verb. */
  method: string;
  /** Value of the Content-MD5 header, or empty/undefined when the header is not sent. */
  contentMd5?: string | undefined;
  /** Value of the Content-Type header, or empty/undefined when the header is not sent. */
  contentType?: string | undefined;
  /** Value of the Date header (or of x-mns-date when that replaces Date). */
  date: string;
  /** All request headers; only `x-mns-*` ones are used, case-insensitively. */
  headers: MnsHeaderBag;
  /** Request path including the query string, e.g. `/topics/MyTopic/messages`. */
  resource: string;
}

/**
 * CanonicalizedMNSHeaders: every `x-mns-*` header, name lower-cased, sorted ascending, `name:value\n` each.
 * Multi-valued headers are joined with "," (what a proxy would fold them into); we never send duplicates.
 */
export function canonicalizedMnsHeaders(headers: MnsHeaderBag): string {
  const entries: Array<[string, string]> = [];
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!name.startsWith('x-mns-') || rawValue === undefined) continue;
    const value = Array.isArray(rawValue) ? rawValue.join(',') : String(rawValue);
    entries.push([name, value.trim()]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([name, value]) => `${name}:${value}\n`).join('');
}

/**
 * Builds the MNS string-to-sign:
 * `METHOD\nCONTENT-MD5\nCONTENT-TYPE\nDATE\n` + CanonicalizedMNSHeaders + CanonicalizedResource.
 * There is no newline between the header block and the resource (confirmed by the documented vector).
 */
export function mnsStringToSign(input: MnsStringToSignInput): string {
  return (
    `${input.method.toUpperCase()}\n${input.contentMd5 ?? ''}\n${input.contentType ?? ''}\n${input.date}\n` +
    `${canonicalizedMnsHeaders(input.headers)}${input.resource}`
  );
}

/** base64(HMAC-SHA1(secret, stringToSign)). */
export function mnsSignature(stringToSign: string, secret: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * The MNS Content-MD5 convention: Base64 of the lower-case *hex* MD5 string, not of the raw digest
 * (what the official SDKs send and what MNS push requests carry).
 */
export function mnsContentMd5(body: string | Uint8Array): string {
  const hex = createHash('md5').update(body).digest('hex');
  return Buffer.from(hex, 'utf8').toString('base64');
}

/** Upper-case hex MD5 of the UTF-8 message body: the form MNS returns as `MessageBodyMD5`. */
export function mnsBodyMd5(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex').toUpperCase();
}
