/**
 * Both directions of FC 3.0's HTTP trigger for an event function in a built-in runtime: an HTTP request
 * becomes the event JSON (`version: "v1"`, rawPath, headers and query values joined with ",", the body as
 * UTF-8 or base64, requestContext), and the handler's `{statusCode, headers, isBase64Encoded, body}`
 * becomes the HTTP response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpRequestFacts {
  method: string;
  /** Path and query as the client sent them, relative to the function's trigger URL (e.g. `/?token=x`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  functionName: string;
  accountId?: string;
  region?: string;
}

const TEXT_TYPES =
  /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json|[^;]*\+xml)/i;

/** `content-type` → `Content-Type`, the spelling FC hands the function. */
function canonicalName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** The event Buffer FC would pass the handler for this request. */
export function httpTriggerEventFrom(r: HttpRequestFacts): Buffer {
  const q = r.url.indexOf('?');
  const rawPath = (q < 0 ? r.url : r.url.slice(0, q)) || '/';
  const queryParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : r.url.slice(q + 1))) {
    queryParameters[k] = queryParameters[k] === undefined ? v : `${queryParameters[k]},${v}`;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (v !== undefined) headers[canonicalName(k)] = Array.isArray(v) ? v.join(',') : v;
  }
  const contentType = headers['Content-Type'] ?? '';
  const asText = r.body.length === 0 || TEXT_TYPES.test(contentType);
  const now = Date.now();
  const region = r.region ?? 'cn-hangzhou';
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // A malformed escape stays as sent, as in rawPath.
  }
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath,
      body: asText ? r.body.toString('utf8') : r.body.toString('base64'),
      isBase64Encoded: !asText,
      headers,
      queryParameters,
      requestContext: {
        accountId: r.accountId ?? '1234567890123456',
        domainName: `${r.functionName}.${region}.fcapp.run`,
        domainPrefix: r.functionName,
        http: {
          method: r.method,
          path,
          protocol: 'HTTP/1.1',
          sourceIp: r.sourceIp,
          userAgent: headers['User-Agent'] ?? '',
        },
        requestId: `1-${now.toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        time: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        timeEpoch: String(now),
      },
    }),
  );
}

export interface HttpReply {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The HTTP response for what the handler returned; anything but the struct is sent as JSON with 200. */
export function httpReplyFrom(result: unknown): HttpReply {
  const r = result as {
    statusCode?: unknown;
    headers?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  } | null;
  if (r && typeof r === 'object' && typeof r.statusCode === 'number') {
    const headers: Record<string, string> = {};
    if (r.headers && typeof r.headers === 'object') {
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    }
    const raw = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
    const body = r.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    return { statusCode: r.statusCode, headers, body };
  }
  return jsonReply(200, result);
}

export function jsonReply(
  statusCode: number,
  value: unknown,
  headers: Record<string, string> = {},
): HttpReply {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(`${JSON.stringify(value ?? null)}\n`, 'utf8'),
  };
}

/** What FC answers when the handler throws: 200 with `X-Fc-Error-Type` and the error JSON. */
export function errorReply(err: unknown): HttpReply {
  const e = err instanceof Error ? err : new Error(String(err));
  return jsonReply(
    200,
    { errorMessage: e.message, errorType: e.name, stackTrace: [] },
    { 'x-fc-error-type': 'UnhandledInvocationError' },
  );
}
