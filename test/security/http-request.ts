import { httpTriggerEvent } from '../../lib/dev/http-event.js';

/** An FC HTTP-trigger event with control over the query string and the caller's address. */
export function httpRequest(
  body: string | Buffer,
  opts: { query?: Record<string, string>; headers?: Record<string, string>; sourceIp?: string } = {},
): Buffer {
  const e = JSON.parse(
    httpTriggerEvent(body, opts.headers ? { headers: opts.headers } : {}).toString('utf8'),
  ) as {
    queryParameters: Record<string, string>;
    requestContext: { http: { sourceIp: string } };
  };
  e.queryParameters = opts.query ?? {};
  e.requestContext.http.sourceIp = opts.sourceIp ?? '127.0.0.1';
  return Buffer.from(JSON.stringify(e));
}
