/**
 * A hand-made signed request, for tests and scripts that need to do what the SDK will not: tamper
 * with a signature, replay a nonce, send a stale date.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { acsEncode, signAcs3 } from './acs3.js';
import { SAE_API_VERSION } from './handlers.js';

export interface RawCallOptions {
  method: string;
  path: string;
  action: string;
  query?: Record<string, string>;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Default `2019-05-06`. */
  version?: string;
  /** `x-acs-date`; default now (system time), formatted as the SDK does. */
  date?: Date;
  /** Default a random 32-hex nonce. */
  nonce?: string;
  body?: string;
  /** Content type of `body`; default `application/json; charset=utf-8`. */
  contentType?: string;
  /** Body actually sent, when it should differ from the signed `body` (tampering tests). */
  sentBody?: string;
  /** Query actually sent, when it should differ from the signed `query` (tampering tests). */
  sentQuery?: Record<string, string>;
  /** Last word on the headers after signing, e.g. to flip a signature byte. */
  mutate?: (headers: Record<string, string>) => void;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** `2026-11-29T08:40:55Z`: ISO-8601 UTC without milliseconds, as openapi-util's getTimestamp. */
export function acsTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Signs with ACS3-HMAC-SHA256 and sends to `baseUrl` (`http://127.0.0.1:PORT`). */
export async function sendSigned(baseUrl: string, opts: RawCallOptions): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const query = opts.query ?? {};
  const headers: Record<string, string> = {
    host: url.host,
    'x-acs-action': opts.action,
    'x-acs-version': opts.version ?? SAE_API_VERSION,
    'x-acs-date': acsTimestamp(opts.date ?? new Date()),
    'x-acs-signature-nonce': opts.nonce ?? randomBytes(16).toString('hex'),
  };
  if (opts.securityToken !== undefined) {
    headers['x-acs-accesskey-id'] = opts.accessKeyId;
    headers['x-acs-security-token'] = opts.securityToken;
  }
  if (opts.body !== undefined)
    headers['content-type'] = opts.contentType ?? 'application/json; charset=utf-8';
  const signed = signAcs3({
    method: opts.method,
    path: opts.path,
    query,
    headers,
    ...(opts.body === undefined ? {} : { body: opts.body }),
    accessKeyId: opts.accessKeyId,
    accessKeySecret: opts.accessKeySecret,
  });
  opts.mutate?.(signed);
  const qs = Object.entries(opts.sentQuery ?? query)
    .map(([k, v]) => `${acsEncode(k)}=${acsEncode(v)}`)
    .join('&');
  return await new Promise<RawResponse>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method,
        path: qs ? `${opts.path}?${qs}` : opts.path,
        headers: signed,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.sentBody ?? opts.body);
  });
}
