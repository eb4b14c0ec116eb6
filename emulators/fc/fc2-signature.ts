/**
 * The FC 2.0 (2016-08-15) request signature, `Authorization: FC <AccessKeyId>:<signature>`, written from the
 * algorithm as `@alicloud/fc2` 2.6.6 implements it (lib/helper.js `composeStringToSign`, lib/client.js
 * `getSignature`) rather than imported from it, so the emulator catches a client's mistakes:
 *
 *   signature    = base64(HMAC-SHA256(AccessKeySecret, stringToSign))
 *   stringToSign = METHOD \n Content-MD5 \n Content-Type \n Date \n CanonicalizedFCHeaders Path
 *   CanonicalizedFCHeaders = every `x-fc-*` header, lower-cased, sorted, each as `name:value\n`
 *   Path         = the request path from `/2016-08-15/...`, without the query (the query is signed only for
 *                  `/proxy/` paths, which the emulator does not serve)
 *
 * `Content-MD5` as fc2 sends it is base64 of the *hex* MD5 digest of the body (not of the raw digest).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The canonical `x-fc-*` block. Header names must already be lower-case (node's `req.headers` are). */
export function canonicalFcHeaders(headers: Readonly<Record<string, string>>): string {
  return Object.keys(headers)
    .filter((k) => k.startsWith('x-fc-'))
    .sort()
    .map((k) => `${k}:${headers[k]}\n`)
    .join('');
}

export function fc2StringToSign(input: {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  /** Signed only on `/proxy/` paths (not served here): `key=value` lines, sorted, after the path. */
  queries?: Readonly<Record<string, string | readonly string[]>>;
}): string {
  const h = input.headers;
  const base = `${input.method.toUpperCase()}\n${h['content-md5'] ?? ''}\n${h['content-type'] ?? ''}\n${h.date ?? ''}\n${canonicalFcHeaders(h)}${input.path}`;
  if (input.queries === undefined) return base;
  const lines = Object.entries(input.queries).flatMap(([k, v]) =>
    (typeof v === 'string' ? [v] : v).map((one) => `${k}=${one}`),
  );
  return `${base}\n${lines.sort().join('\n')}`;
}

export function fc2Signature(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
}

/** `Content-MD5` the way fc2 computes it: base64 of the hex digest. */
export function fc2ContentMd5(body: Buffer): string {
  return Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64');
}

/** Parses `FC <AccessKeyId>:<base64 signature>`; undefined when malformed. */
export function parseFc2Authorization(
  header: string,
): { accessKeyId: string; signature: string } | undefined {
  const m = /^FC ([^:\s]+):([A-Za-z0-9+/]+={0,2})$/.exec(header.trim());
  return m?.[1] && m[2] ? { accessKeyId: m[1], signature: m[2] } : undefined;
}

export function fc2SignaturesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * Signs a hand-made request like fc2 does (tests use it). Header names must be lower-case; returns the
 * headers to send with `content-md5` (when there is a body) and `authorization` added.
 */
export function signFc2(input: {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: Buffer;
  accessKeyId: string;
  accessKeySecret: string;
}): Record<string, string> {
  const headers: Record<string, string> = { ...input.headers };
  if (input.body && input.body.length > 0) headers['content-md5'] = fc2ContentMd5(input.body);
  const sts = fc2StringToSign({ method: input.method, path: input.path, headers });
  headers.authorization = `FC ${input.accessKeyId}:${fc2Signature(input.accessKeySecret, sts)}`;
  return headers;
}
