import { describe, expect, it } from 'vitest';
import { httpTriggerEvent } from '../helpers/http-event.js';
import { b64, CO, only, parse } from '../helpers/parse.js';

const direct = JSON.stringify({ ChangeOrderId: CO });

describe('what is taken as an FC HTTP-trigger event', () => {
  it.each([
    ['requestContext', { version: 'v1', rawPath: '/alarm' }],
    ['rawPath', { version: 'v1', requestContext: {} }],
    ['version', { rawPath: '/alarm', requestContext: {} }],
  ])('a body without %s is read as the body it is', (_missing, v) => {
    const e = parse({ ...v, ChangeOrderId: CO });
    expect(e).toMatchObject({ source: 'direct', understood: true });
    expect(e.http).toBeUndefined();
  });

  it('refuses a malformed one, listing each problem with its path', () => {
    const r = only({ version: 'v2', rawPath: '/alarm', requestContext: { http: { path: '/alarm' } } });
    expect(r).toMatchObject({ source: 'http', disposition: 'reject' });
    expect(r.reason).toMatch(
      /^Malformed FC HTTP-trigger event: version: [^;]+; requestContext\.http\.method: [^;]+$/,
    );
  });
});

describe('the request an HTTP trigger describes', () => {
  it('keeps the caller address when FC gives one', () => {
    expect(parse(httpTriggerEvent(direct)).http?.sourceIp).toBe('127.0.0.1');
    const raw = JSON.parse(httpTriggerEvent(direct).toString());
    delete raw.requestContext.http.sourceIp;
    expect(parse(raw).http).not.toHaveProperty('sourceIp');
  });

  it('decodes a Base64 body (isBase64Encoded) and reads a plain one as sent', () => {
    expect(parse(httpTriggerEvent(Buffer.from(direct))).records[0]).toMatchObject({
      disposition: 'act',
      changeOrderId: CO,
      via: ['http'],
    });
    const e = parse(httpTriggerEvent(b64(direct), { base64: false }));
    expect(e.records[0]).toMatchObject({ disposition: 'act', changeOrderId: CO, via: ['http', 'base64'] });
  });
});
