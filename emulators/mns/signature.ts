/**
 * The emulator's own MNS signature code, written from the official SDK (aliyun/mns-nodejs-sdk, lib/client.js
 * `sign` and `getCanonicalizedMNSHeaders`), never shared with the product's signer (lib/notify/mns-signature.ts):
 * a mistake on one side then shows as a 403 instead of hiding on both. Checked against the documented vector in
 * test/emulators/mns-signature.test.ts.
 *
 *   Signature = base64(HMAC-SHA1(secret, VERB \n Content-MD5 \n Content-Type \n Date \n
 *                                       CanonicalizedMNSHeaders CanonicalizedResource))
 *
 * CanonicalizedMNSHeaders: the `x-mns-*` headers, lower-case names in ascending order, `name:value\n` each.
 * CanonicalizedResource: the request URI as sent, query included. Content-MD5 is Base64 of the hex digest.
 */
import { createHash, createHmac } from 'node:crypto';

/** Headers with lower-case names, as node delivers them; repeated values are taken first-only. */
export type LowerCaseHeaders = Readonly<Record<string, string | readonly string[] | number | undefined>>;

const one = (v: string | readonly string[] | number | undefined): string | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? String(v[0]) : String(v);

export function mnsCanonicalHeaders(headers: LowerCaseHeaders): string {
  let out = '';
  for (const name of Object.keys(headers).sort()) {
    const value = one(headers[name]);
    if (name.startsWith('x-mns-') && value !== undefined) out += `${name}:${value.trim()}\n`;
  }
  return out;
}

/** The string to sign of a request; `date` is Date, or x-mns-date when Date is absent. */
export function mnsRequestStringToSign(method: string, headers: LowerCaseHeaders, resource: string): string {
  const date = one(headers.date) ?? one(headers['x-mns-date']) ?? '';
  const md5 = one(headers['content-md5']) ?? '';
  const type = one(headers['content-type']) ?? '';
  return [method.toUpperCase(), md5, type, date, `${mnsCanonicalHeaders(headers)}${resource}`].join('\n');
}

export function mnsHmac(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(Buffer.from(stringToSign, 'utf8')).digest('base64');
}

/** Base64 of the hex MD5 string, as the SDK sends it. */
export function mnsBodyDigest(body: Uint8Array): string {
  return Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64');
}
