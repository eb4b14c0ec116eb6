import { z } from 'zod';
import type { HttpRequestInfo } from './types.js';

/** The event an FC 3.0 HTTP trigger hands a built-in-runtime event function. */
const httpEventSchema = z.object({
  version: z.literal('v1'),
  rawPath: z.string(),
  body: z.string().optional().default(''),
  isBase64Encoded: z.boolean().optional().default(false),
  headers: z.record(z.string(), z.string()).optional().default({}),
  queryParameters: z.record(z.string(), z.string()).optional().default({}),
  requestContext: z.object({
    requestId: z.string().optional(),
    http: z.object({
      method: z.string(),
      path: z.string(),
      sourceIp: z.string().optional(),
    }),
  }),
});

export function looksLikeHttpTrigger(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'requestContext' in value &&
    'rawPath' in value &&
    'version' in value
  );
}

export type HttpUnwrap = { ok: true; info: HttpRequestInfo; body: Buffer } | { ok: false; reason: string };

/** Unwraps the HTTP-trigger envelope: request facts plus the raw body bytes (Base64-decoded if needed). */
export function unwrapHttpTrigger(value: unknown): HttpUnwrap {
  const r = httpEventSchema.safeParse(value);
  if (!r.success) {
    return {
      ok: false,
      reason: `Malformed FC HTTP-trigger event: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    };
  }
  const e = r.data;
  // Header names are case-insensitive; FC passes them as sent.
  const headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    ok: true,
    info: {
      method: e.requestContext.http.method.toUpperCase(),
      path: e.requestContext.http.path,
      headers,
      query: e.queryParameters,
      ...(e.requestContext.http.sourceIp ? { sourceIp: e.requestContext.http.sourceIp } : {}),
    },
    body: Buffer.from(e.body, e.isBase64Encoded ? 'base64' : 'utf8'),
  };
}
