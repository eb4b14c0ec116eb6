/**
 * ACS3-HMAC-SHA256 (Alibaba Cloud V3 signature), written from the published algorithm rather than
 * imported from @alicloud/openapi-util: the emulator must catch the SDK's mistakes, not share them.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** sha256 of an empty payload: what every SAE change-order call (all params in the query) sends. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Lower-case hex SHA-256. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3986 encoding as the signer does it: encodeURIComponent plus `!'()*`. */
export function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Canonical URI: the path as sent, with the three substitutions the signer applies. */
export function canonicalUri(path: string): string {
  return (path || '/').replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/** Sorted `key=encode(value)` pairs; keys are not encoded (the SDK does not encode them either). */
export function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${key}=${acsEncode(query[key] ?? '')}`)
    .join('&');
}

/** Everything the canonical request is built from. Header names must be lower-case. */
export interface CanonicalInput {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  signedHeaders: readonly string[];
  payloadHash: string;
}

/** The canonical request; note the blank line after the header block (each line ends in `\n`). */
export function canonicalRequest(input: CanonicalInput): string {
  const headerBlock = input.signedHeaders
    .map((name) => `${name}:${(input.headers[name] ?? '').trim()}\n`)
    .join('');
  return [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQueryString(input.query),
    headerBlock,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** `ACS3-HMAC-SHA256\n<hex sha256 of the canonical request>`; safe to echo back, holds no secret. */
export function stringToSign(canonical: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonical)}`;
}

/** Hex HMAC-SHA256 of the string to sign. */
export function acs3Signature(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(stringToSign(canonical)).digest('hex');
}

/** The fields of an `Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..` header. */
export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses the header; `undefined` when it is not a well-formed ACS3-HMAC-SHA256 authorization. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = /^ACS3-HMAC-SHA256\s+(.+)$/.exec(header.trim());
  if (!match?.[1]) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return undefined;
  return { accessKeyId, signedHeaders: signedHeaders.split(';'), signature: signature.toLowerCase() };
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Which headers a V3 signer signs: host, content-type and every x-acs-* header, sorted. */
export function defaultSignedHeaders(headers: Readonly<Record<string, string>>): string[] {
  return Object.keys(headers)
    .map((h) => h.toLowerCase())
    .filter((h) => h === 'host' || h === 'content-type' || h.startsWith('x-acs-'))
    .sort();
}

/** A request to sign, as a client would build it. Header names must be lower-case. */
export interface SignInput {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  body?: string | Buffer;
  accessKeyId: string;
  accessKeySecret: string;
}

/**
 * Signs like the SDK does (tests use it to build hand-made requests). Returns the headers to send,
 * including `x-acs-content-sha256` and `authorization`.
 */
export function signAcs3(input: SignInput): Record<string, string> {
  const payloadHash = sha256Hex(input.body ?? '');
  const headers: Record<string, string> = { ...input.headers, 'x-acs-content-sha256': payloadHash };
  const signedHeaders = defaultSignedHeaders(headers);
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    query: input.query,
    headers,
    signedHeaders,
    payloadHash,
  });
  const signature = acs3Signature(input.accessKeySecret, canonical);
  headers.authorization = `${ACS3_ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  return headers;
}
