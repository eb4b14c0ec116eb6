import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalizedMnsHeaders,
  mnsBodyMd5,
  mnsContentMd5,
  mnsSignature,
  mnsStringToSign,
} from '../../lib/notify/mns-signature.js';

describe('MNS signature', () => {
  it('reproduces the documented vector from its parts', () => {
    const stringToSign = mnsStringToSign({
      method: 'GET',
      date: 'Thu, 09 Jul 2015 03:01:34 GMT',
      headers: { 'X-MNS-Version': '2015-06-06', Host: 'example', Date: 'Thu, 09 Jul 2015 03:01:34 GMT' },
      resource: '/MyQueue',
    });
    expect(stringToSign).toBe('GET\n\n\nThu, 09 Jul 2015 03:01:34 GMT\nx-mns-version:2015-06-06\n/MyQueue');
    expect(mnsSignature(stringToSign, 'TestAccessSecret')).toBe('uwx3yeWoILzgmvesW0BQSgfM7b8=');
  });

  it('canonicalizes only x-mns-* headers: lower-cased, sorted, one per line', () => {
    expect(
      canonicalizedMnsHeaders({
        'x-mns-version': '2015-06-06',
        'X-MNS-Date': 'Thu, 09 Jul 2015 03:01:34 GMT',
        'content-type': 'text/xml',
        'x-mnsfoo': 'not mns',
        'x-mns-absent': undefined,
      }),
    ).toBe('x-mns-date:Thu, 09 Jul 2015 03:01:34 GMT\nx-mns-version:2015-06-06\n');
    expect(canonicalizedMnsHeaders({ host: 'h' })).toBe('');
  });

  it('puts Content-MD5 and Content-Type on their lines and keeps the query in the resource', () => {
    expect(
      mnsStringToSign({
        method: 'post',
        contentMd5: 'abc=',
        contentType: 'text/xml;charset=utf-8',
        date: 'D',
        headers: {},
        resource: '/queues/q?metaOverride=true',
      }),
    ).toBe('POST\nabc=\ntext/xml;charset=utf-8\nD\n/queues/q?metaOverride=true');
  });

  it('uses the MNS Content-MD5 convention: Base64 of the hex digest', () => {
    const body = '<Message/>';
    const hex = createHash('md5').update(body).digest('hex');
    expect(Buffer.from(mnsContentMd5(body), 'base64').toString('utf8')).toBe(hex);
    expect(mnsContentMd5(body)).not.toBe(createHash('md5').update(body).digest('base64'));
  });

  it('computes MessageBodyMD5 as upper-case hex over the UTF-8 body', () => {
    expect(mnsBodyMd5('回滚')).toBe(
      createHash('md5').update(Buffer.from('回滚', 'utf8')).digest('hex').toUpperCase(),
    );
    expect(mnsBodyMd5('hello')).toBe('5D41402ABC4B2A76B9719D911017C592');
  });
});
