import { describe, expect, test } from 'vitest';
import {
  acs3Signature,
  acsEncode,
  canonicalQueryString,
  canonicalRequest,
  EMPTY_PAYLOAD_SHA256,
  parseAuthorization,
  signAcs3,
} from '../../emulators/sae/acs3.js';

// The documented request of reference §3.3a (official V3 signature docs).
const vector = {
  method: 'POST',
  path: '/',
  query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T09:01:01Z',
    'x-acs-signature-nonce': 'd410180a5abf7fe235dd9b74aca91fc0',
    'x-acs-content-sha256': EMPTY_PAYLOAD_SHA256,
  },
};
const DOCUMENTED_SIGNATURE = 'e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804';
const SIGNED = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';

describe('ACS3-HMAC-SHA256', () => {
  test('reproduces the documented test vector through the verifier canonicalization', () => {
    const canonical = canonicalRequest({
      ...vector,
      signedHeaders: SIGNED.split(';'),
      payloadHash: EMPTY_PAYLOAD_SHA256,
    });

    expect(canonical).toBe(
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:' +
          `${EMPTY_PAYLOAD_SHA256}\nx-acs-date:2023-10-26T09:01:01Z\n` +
          'x-acs-signature-nonce:d410180a5abf7fe235dd9b74aca91fc0\nx-acs-version:2014-05-26\n',
        SIGNED,
        EMPTY_PAYLOAD_SHA256,
      ].join('\n'),
    );
    expect(acs3Signature('YourAccessKeySecret', canonical)).toBe(DOCUMENTED_SIGNATURE);
  });

  test('the signer produces the documented Authorization header', () => {
    const { 'x-acs-content-sha256': _hash, ...headers } = vector.headers;
    const signed = signAcs3({
      method: vector.method,
      path: vector.path,
      query: vector.query,
      headers,
      accessKeyId: 'YourAccessKeyId',
      accessKeySecret: 'YourAccessKeySecret',
    });

    expect(signed.authorization).toBe(
      `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=${SIGNED},Signature=${DOCUMENTED_SIGNATURE}`,
    );
  });

  test('a different secret gives a different signature', () => {
    const canonical = canonicalRequest({
      ...vector,
      signedHeaders: SIGNED.split(';'),
      payloadHash: EMPTY_PAYLOAD_SHA256,
    });

    expect(acs3Signature('YourAccessKeySecreT', canonical)).not.toBe(DOCUMENTED_SIGNATURE);
  });

  test("query values are RFC 3986 encoded, including !'()*, and keys sorted", () => {
    expect(acsEncode("a b!'()*~")).toBe('a%20b%21%27%28%29%2A~');
    expect(canonicalQueryString({ b: 'x+y', a: '', C: '1' })).toBe('C=1&a=&b=x%2By');
  });

  test('parses an Authorization header and rejects malformed ones', () => {
    expect(
      parseAuthorization(
        `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=${DOCUMENTED_SIGNATURE}`,
      ),
    ).toEqual({
      accessKeyId: 'AK',
      signedHeaders: ['host', 'x-acs-date'],
      signature: DOCUMENTED_SIGNATURE,
    });
    expect(parseAuthorization('acs AK:c2lnbmF0dXJl')).toBeUndefined();
    expect(
      parseAuthorization('ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=zz'),
    ).toBeUndefined();
  });
});
