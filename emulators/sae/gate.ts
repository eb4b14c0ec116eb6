/** The POP gateway's authentication: ACS3 signature, AccessKey, STS token, timestamp, nonce. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../lib/clock.js';
import { NonceLedger } from '../kit/nonces.js';
import type { GatewayErrorCode, Reply } from '../kit/pop-envelope.js';
import {
  acs3Signature,
  canonicalRequest,
  parseAuthorization,
  sha256Hex,
  signaturesEqual,
  stringToSign,
} from './acs3.js';
import type { EmulatorCredential } from './types.js';

/** Headers a V3 request must sign; without them a captured request could be replayed or retargeted. */
export const REQUIRED_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
] as const;

/** How far `x-acs-date` may be from the emulator clock, and how long a nonce stays used. */
export const SIGNATURE_WINDOW_MS = 15 * 60 * 1000;

export interface GateInput {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type GateResult =
  | { ok: true; accessKeyId: string; credential: EmulatorCredential }
  | { ok: false; code: GatewayErrorCode; detail?: string; accessKeyId?: string; signatureValid: boolean };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The call-log fields the gate fills in. */
interface GatedCall {
  signatureValid: boolean;
  accessKeyId?: string;
}

type Admission = Extract<GateResult, { ok: true }> | { ok: false; reply: Reply };

/** Checks requests against registered credentials; remembers nonces per AccessKey. */
export class Acs3Gate {
  readonly #nonces = new NonceLedger(SIGNATURE_WINDOW_MS);

  constructor(
    private readonly clock: Clock,
    private readonly credentials: ReadonlyMap<string, EmulatorCredential>,
  ) {}

  /**
   * The gateway's door for one API call: the signature check, then the API version. Records on `call`
   * whether the signature matched and whose key it was; a refusal comes back as `reject`'s reply.
   */
  admit(
    call: GatedCall,
    input: GateInput,
    version: string,
    reject: (code: GatewayErrorCode, detail?: string) => Reply,
  ): Admission {
    const gate = this.check(input);
    if (!gate.ok) {
      call.signatureValid = gate.signatureValid;
      if (gate.accessKeyId !== undefined) call.accessKeyId = gate.accessKeyId;
      return { ok: false, reply: reject(gate.code, gate.detail) };
    }
    call.signatureValid = true;
    call.accessKeyId = gate.accessKeyId;
    if (input.headers['x-acs-version'] !== version) return { ok: false, reply: reject('InvalidVersion') };
    return gate;
  }

  check(input: GateInput): GateResult {
    const rawAuth = header(input.headers, 'authorization');
    if (!rawAuth) return { ok: false, code: 'MissingAuthorization', signatureValid: false };
    const auth = parseAuthorization(rawAuth);
    if (!auth) {
      const detail = 'Authorization is not a valid ACS3-HMAC-SHA256 header.';
      return { ok: false, code: 'IncompleteSignature', detail, signatureValid: false };
    }
    const accessKeyId = auth.accessKeyId;
    const fail = (code: GatewayErrorCode, signatureValid: boolean, detail?: string): GateResult =>
      detail === undefined
        ? { ok: false, code, accessKeyId, signatureValid }
        : { ok: false, code, detail, accessKeyId, signatureValid };

    const signed = new Set(auth.signedHeaders);
    const mustSign = [
      ...REQUIRED_SIGNED_HEADERS,
      ...(input.headers['x-acs-security-token'] ? ['x-acs-security-token'] : []),
    ];
    const unsigned = mustSign.find((h) => !signed.has(h));
    if (unsigned) return fail('IncompleteSignature', false, `Header ${unsigned} must be signed.`);
    const values: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const v = header(input.headers, name);
      if (v === undefined) return fail('IncompleteSignature', false, `Signed header ${name} is missing.`);
      values[name] = v;
    }

    const credential = this.credentials.get(accessKeyId);
    if (!credential) return fail('InvalidAccessKeyId.NotFound', false);

    const claimedHash = values['x-acs-content-sha256'] ?? '';
    const canonical = canonicalRequest({
      method: input.method,
      path: input.path,
      query: input.query,
      headers: values,
      signedHeaders: auth.signedHeaders,
      payloadHash: claimedHash,
    });
    const expected = acs3Signature(credential.accessKeySecret, canonical);
    // A correct signature over a hash that is not the body's still means the body was altered.
    const valid = signaturesEqual(expected, auth.signature) && claimedHash === sha256Hex(input.body);
    if (!valid) return fail('SignatureDoesNotMatch', false, stringToSign(canonical));

    const token = values['x-acs-security-token'];
    if (credential.securityToken !== undefined && token === undefined) {
      return fail('InvalidSecurityToken.Malformed', true);
    }
    if (token !== undefined && token !== credential.securityToken)
      return fail('InvalidSecurityToken.Mismatch', true);

    const date = values['x-acs-date'] ?? '';
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(date) || Number.isNaN(Date.parse(date))) {
      return fail('InvalidTimeStamp.Format', true);
    }
    const now = this.clock.now();
    if (Math.abs(now - Date.parse(date)) > SIGNATURE_WINDOW_MS) return fail('InvalidTimeStamp.Expired', true);

    const nonceKey = `${accessKeyId}\n${values['x-acs-signature-nonce'] ?? ''}`;
    if (!this.#nonces.use(nonceKey, now)) return fail('SignatureNonceUsed', true);
    return { ok: true, accessKeyId, credential };
  }
}
