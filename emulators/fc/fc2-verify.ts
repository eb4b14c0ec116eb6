/** FC 2.0 request authentication: signature, AccessKey, STS token, Date window, Content-MD5. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../lib/clock.js';
import {
  fc2ContentMd5,
  fc2Signature,
  fc2SignaturesEqual,
  fc2StringToSign,
  parseFc2Authorization,
} from './fc2-signature.js';
import type { FcEmulatorCredential } from './types.js';

/** How far `Date` may be from the emulator's clock. */
export const FC2_DATE_WINDOW_MS = 15 * 60 * 1000;

export type Fc2Result =
  | { ok: true; accessKeyId: string }
  | { ok: false; status: number; code: string; message: string };

export type Fc2Check = (input: {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}) => Fc2Result;

const fail = (status: number, code: string, message: string): Fc2Result => ({
  ok: false,
  status,
  code,
  message,
});

/** Builds the checker over the registered credentials (and the account the endpoint belongs to). */
export function fc2Verifier(
  clock: Clock,
  credentials: ReadonlyMap<string, FcEmulatorCredential>,
  accountId: string,
): Fc2Check {
  return ({ method, path, headers: raw, body }) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const auth = headers.authorization ? parseFc2Authorization(headers.authorization) : undefined;
    if (!auth)
      return fail(400, 'MissingRequiredHeader', 'required HTTP header Authorization was not specified');
    if (!headers.date)
      return fail(400, 'MissingRequiredHeader', 'required HTTP header Date was not specified');
    const cred = credentials.get(auth.accessKeyId);
    if (!cred) return fail(403, 'InvalidAccessKeyID', `invalid access key ID '${auth.accessKeyId}'`);
    if (body.length > 0 && headers['content-md5'] !== fc2ContentMd5(body)) {
      return fail(400, 'InvalidArgument', 'Content-MD5 does not match the body');
    }
    const stringToSign = fc2StringToSign({ method, path, headers });
    if (!fc2SignaturesEqual(fc2Signature(cred.accessKeySecret, stringToSign), auth.signature)) {
      return fail(
        403,
        'SignatureNotMatch',
        `The request signature we calculated does not match the signature you provided. String to sign: ${JSON.stringify(stringToSign)}`,
      );
    }
    const at = Date.parse(headers.date);
    if (Number.isNaN(at) || Math.abs(clock.now() - at) > FC2_DATE_WINDOW_MS) {
      return fail(403, 'RequestTimeTooSkewed', 'the Date header is too far from the server time');
    }
    const token = headers['x-fc-security-token'];
    if ((cred.securityToken ?? undefined) !== token) {
      return fail(
        403,
        'InvalidSecurityToken',
        'the security token is missing or does not match the AccessKey',
      );
    }
    if (headers['x-fc-account-id'] !== undefined && headers['x-fc-account-id'] !== accountId) {
      return fail(403, 'AccessDenied', 'the account ID does not own this endpoint');
    }
    return { ok: true, accessKeyId: auth.accessKeyId };
  };
}
