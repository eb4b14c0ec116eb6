/**
 * Sends hand-built PublishMessage requests, signed the way the official SDK signs them, with knobs to break one
 * thing at a time. For tests that must prove the emulator rejects what real MNS rejects; production code uses
 * `MnsTopicClient`.
 */
import { request } from 'node:http';
import { mnsBodyDigest, mnsHmac, mnsRequestStringToSign } from './signature.js';

/** What to send. Everything not overridden mirrors `@alicloud/mns` 1.2.0 (`x-mns-date`, `text/xml`, Content-MD5). */
export interface RawPublishOptions {
  /** Emulator base URL (`http://127.0.0.1:PORT`). */
  url: string;
  topic: string;
  /** The request body, sent byte for byte (no escaping happens here); a string is UTF-8 encoded. */
  xml: string | Uint8Array;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  /** Date header value; default: now. `null` omits it. */
  date?: string | null;
  /** Also send `x-mns-date` with the same value (as the SDK does). Default true. */
  mnsDate?: boolean;
  /** `x-mns-version` value; `null` omits it. Default 2015-06-06. */
  version?: string | null;
  /** Content-MD5 value; default: the correct Base64-of-hex MD5; `null` omits it. */
  contentMd5?: string | null;
  /** Replaces the `security-token` header; `null` omits it even when the credentials have a token. */
  securityToken?: string | null;
  /** Edits the computed signature before it is sent (e.g. flip one character). */
  tamperSignature?: (signature: string) => string;
}

/** The raw answer. */
export interface RawPublishResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Signs and sends one request; resolves with whatever came back. */
export function rawPublish(opts: RawPublishOptions): Promise<RawPublishResponse> {
  const payload = typeof opts.xml === 'string' ? Buffer.from(opts.xml, 'utf8') : Buffer.from(opts.xml);
  const resource = `/topics/${opts.topic}/messages`;
  const date = opts.date === undefined ? new Date().toUTCString() : opts.date;
  const headers: Record<string, string> = {
    'content-type': 'text/xml',
    'content-length': String(payload.length),
  };
  if (date !== null) headers.date = date;
  if (date !== null && opts.mnsDate !== false) headers['x-mns-date'] = date;
  const version = opts.version === undefined ? '2015-06-06' : opts.version;
  if (version !== null) headers['x-mns-version'] = version;
  const md5 = opts.contentMd5 === undefined ? mnsBodyDigest(payload) : opts.contentMd5;
  if (md5 !== null) headers['content-md5'] = md5;

  const signature = mnsHmac(
    opts.credentials.accessKeySecret,
    mnsRequestStringToSign('POST', headers, resource),
  );
  headers.authorization = `MNS ${opts.credentials.accessKeyId}:${opts.tamperSignature ? opts.tamperSignature(signature) : signature}`;
  const token = opts.securityToken === undefined ? opts.credentials.securityToken : opts.securityToken;
  if (token !== undefined && token !== null) headers['security-token'] = token;

  return new Promise((resolve, reject) => {
    const req = request(new URL(resource, opts.url), { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Flips one character of a Base64 signature, keeping it syntactically valid. */
export function alterOneChar(signature: string): string {
  const first = signature[0] ?? 'A';
  return (first === 'A' ? 'B' : 'A') + signature.slice(1);
}
