/** Wraps a body the way an FC 3.0 HTTP trigger delivers it to an event function (a Buffer of JSON). */
export function httpTriggerEvent(
  body: string | Buffer,
  opts: {
    base64?: boolean;
    method?: string;
    headers?: Record<string, string>;
    path?: string;
    query?: Record<string, string>;
  } = {},
): Buffer {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const base64 = opts.base64 ?? Buffer.isBuffer(body);
  const path = opts.path ?? '/alarm';
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: path,
      body: base64 ? raw.toString('base64') : raw.toString('utf8'),
      isBase64Encoded: base64,
      headers: { 'Content-Type': 'application/json', ...opts.headers },
      queryParameters: { ...opts.query },
      requestContext: {
        accountId: '1234567890123456',
        domainName: 'sae-rollback-alarm.cn-hangzhou.fcapp.run',
        domainPrefix: 'sae-rollback-alarm',
        http: {
          method: opts.method ?? 'POST',
          path,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        },
        requestId: `1-test-${Math.random().toString(16).slice(2)}`,
        time: new Date().toISOString(),
        timeEpoch: String(Date.now()),
      },
    }),
  );
}
