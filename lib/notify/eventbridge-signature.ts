/**
 * EventBridge data-plane request signing (the `acs:<AccessKeyId>:<Signature>` scheme of `/openapi/*` calls on
 * `<accountId>.eventbridge.<region>.aliyuncs.com`). This is not ACS3-HMAC-SHA256: the data plane keeps the older
 * ROA-style HMAC-SHA1 signature. Written from the official SDK (aliyun/alibabacloud-eventbridge-sdk, `util/ts`
 * `getStringToSign` / `getSignature`, the same in its Go and Java utils) and checked against that SDK's own test
 * vectors in test/notify/eventbridge-signature.test.ts:
 *
 * ```
 * StringToSign = METHOD + "\n" + Content-MD5 + "\n" + Content-Type + "\n" + Date + "\n"
 *              + CanonicalizedHeaders      (every x-acs-* header: lower-case name, sorted, "name:value\n")
 *              + CanonicalizedResource     (the path, plus "?" + sorted raw "k=v" pairs joined by "&" if any)
 * Signature    = base64(HMAC-SHA1(AccessKeySecret, UTF-8(StringToSign)))
 * ```
 *
 * Empty headers contribute empty lines. `Accept` is sent but not signed (older util versions signed it; the
 * current ones and the service do not).
 */
import { createHash, createHmac } from 'node:crypto';

/** Parts of a request that go into the string-to-sign. Header names may be in any case. */
export interface EventBridgeStringToSignInput {
  method: string;
  contentMd5?: string | undefined;
  contentType?: string | undefined;
  date: string;
  headers: Readonly<Record<string, string | undefined>>;
  /** The request path, e.g. `/openapi/putEvents`. */
  path: string;
  /** Query parameters, unencoded (the signer uses them raw). */
  query?: Readonly<Record<string, string>> | undefined;
}

/** Control characters inside a value are folded to spaces (as the SDK does), then the value is trimmed. */
function headerValue(v: string): string {
  return v.replace(/[\t\n\r\f]/g, ' ').trim();
}

/** Every `x-acs-*` header, lower-cased, sorted by name, `name:value\n` each. */
export function canonicalizedAcsHeaders(headers: Readonly<Record<string, string | undefined>>): string {
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-acs-') && value !== undefined) entries.push([lower, headerValue(value)]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([name, value]) => `${name}:${value}\n`).join('');
}

/** The string-to-sign described in the file comment. */
export function eventBridgeStringToSign(input: EventBridgeStringToSignInput): string {
  const keys = Object.keys(input.query ?? {}).sort();
  const resource =
    keys.length === 0 ? input.path : `${input.path}?${keys.map((k) => `${k}=${input.query?.[k]}`).join('&')}`;
  return (
    `${input.method.toUpperCase()}\n${input.contentMd5 ?? ''}\n${input.contentType ?? ''}\n${input.date}\n` +
    `${canonicalizedAcsHeaders(input.headers)}${resource}`
  );
}

/** base64(HMAC-SHA1(secret, stringToSign)). */
export function eventBridgeSignature(stringToSign: string, secret: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Content-MD5 as RFC 1864 and EventBridge's common headers describe it: Base64 of the 128-bit digest (unlike
 * MNS, which Base64-encodes the hex string). Sent and signed so the signature also covers the body.
 */
export function eventBridgeContentMd5(body: string | Uint8Array): string {
  return createHash('md5').update(body).digest('base64');
}
