// The FC emulator's own FC 2.0 signature code (emulators/fc/fc2-signature.ts, fc2-verify.ts) against the
// official SDK: the string-to-sign vector of aliyun/fc-nodejs-sdk test/helper.test.js ("test composeStringToSign"),
// and requests signed by @alicloud/fc2 2.6.6 itself (`FunctionComputeClient.getSignature`, a dependency).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fc2ContentMd5, fc2StringToSign } from '../../emulators/fc/fc2-signature.js';
import { fc2Verifier } from '../../emulators/fc/fc2-verify.js';
import { ManualClock } from '../../lib/clock.js';

const FcClient = createRequire(import.meta.url)('@alicloud/fc2') as {
  getSignature(
    id: string,
    secret: string,
    method: string,
    path: string,
    headers: object,
    queries?: object,
  ): string;
};

describe('FC 2.0 signature in the emulator (independent of the product)', () => {
  it('reproduces the SDK test vector of composeStringToSign', () => {
    const headers = {
      'content-md5': '1bca714f406993b309bb87fabeb30a6b',
      'content-type': 'text/json',
      date: 'today',
      'x-fc-foo': '123',
      'x-fc-bar': 'xyz',
      'x-fcdummy': 'dummy',
      test: 'foo',
    };
    const queries = {
      foo: 'bar',
      key1: ['xyz', 'abc'],
      'key3 with-escaped~chars_here.ext': 'value with-escaped~chars_here.ext',
      key2: ['123'],
    };
    expect(
      fc2StringToSign({ method: 'GET', path: '/path/action with-escaped~chars_here.ext', headers, queries }),
    ).toBe(
      'GET\n1bca714f406993b309bb87fabeb30a6b\ntext/json\ntoday\nx-fc-bar:xyz\nx-fc-foo:123\n/path/action with-escaped~chars_here.ext\nfoo=bar\nkey1=abc\nkey1=xyz\nkey2=123\nkey3 with-escaped~chars_here.ext=value with-escaped~chars_here.ext',
    );
  });

  const clock = new ManualClock();
  const cred = {
    accessKeyId: 'LTAIfc2Key',
    accessKeySecret: 'fc2-secret-0123456789',
    securityToken: 'fc2-token',
  };
  const verify = fc2Verifier(clock, new Map([[cred.accessKeyId, cred]]), '1234567890123456');
  const path = '/2016-08-15/services/svc/functions/fn/invocations';
  const body = Buffer.from('{"hello":"world"}');
  const sdkSigned = () => {
    const headers: Record<string, string> = {
      date: new Date(clock.now()).toUTCString(),
      'content-type': 'application/octet-stream',
      'content-md5': fc2ContentMd5(body),
      'x-fc-account-id': '1234567890123456',
      'x-fc-invocation-type': 'Async',
      'x-fc-security-token': cred.securityToken,
    };
    headers.authorization = FcClient.getSignature(
      cred.accessKeyId,
      cred.accessKeySecret,
      'POST',
      path,
      headers,
    );
    return headers;
  };

  it('accepts a request the official SDK signed', () => {
    expect(verify({ method: 'POST', path, headers: sdkSigned(), body })).toEqual({
      ok: true,
      accessKeyId: cred.accessKeyId,
    });
  });

  it('refuses it once a signed header or the path changes, or the body no longer matches', () => {
    const tampered = { ...sdkSigned(), 'x-fc-invocation-type': 'Sync' };
    expect(verify({ method: 'POST', path, headers: tampered, body })).toMatchObject({
      ok: false,
      code: 'SignatureNotMatch',
    });
    expect(
      verify({ method: 'POST', path: path.replace('fn', 'fm'), headers: sdkSigned(), body }),
    ).toMatchObject({
      ok: false,
      code: 'SignatureNotMatch',
    });
    expect(verify({ method: 'POST', path, headers: sdkSigned(), body: Buffer.from('{}') })).toMatchObject({
      ok: false,
      code: 'InvalidArgument',
    });
  });
});
