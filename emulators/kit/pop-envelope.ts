/** What every POP-style emulator (SAE, CMS) answers with: the reply type and the gateway error shape. */
import { randomUUID } from 'node:crypto';

/** A response the server will write: status, JSON body, and the code for the call log. */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
  code?: string;
}

/** `91F93257-7A4A-4BD3-9A7E-2F6EAE6D1234`-style request ID. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** Errors the POP gateway answers before the product sees the request. */
export const GATEWAY_ERRORS = {
  MissingAuthorization: { status: 400, message: 'Authorization is mandatory for this action.' },
  IncompleteSignature: {
    status: 400,
    message: 'The request signature does not conform to Aliyun standards. %s',
  },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  SignatureDoesNotMatch: {
    status: 403,
    message: 'The request signature does not conform to Aliyun standards. server string to sign is:%s',
  },
  'InvalidSecurityToken.Mismatch': {
    status: 403,
    message: 'Specified SecurityToken mismatch with the AccessKey.',
  },
  'InvalidSecurityToken.Malformed': {
    status: 403,
    message: 'Specified SecurityToken is malformed or missing.',
  },
  'InvalidTimeStamp.Format': {
    status: 400,
    message: 'Specified time stamp or date value is not well formatted.',
  },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  'InvalidAction.NotFound': {
    status: 404,
    message: 'Specified api is not found, please check your url and method.',
  },
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** Replaces each `%s` in turn with the next detail (missing ones become empty). */
export function fill(template: string, ...details: Array<string | undefined>): string {
  let i = 0;
  return template.replace(/%s/g, () => details[i++] ?? '');
}

/** Which product answers: its host prefix (`sae`, `metrics`) and the troubleshoot link's `product`. */
export interface PopProduct {
  host: string;
  product: string;
}

/** The gateway error builders for one product. */
export interface PopGateway {
  /** The gateway error body `{RequestId, HostId, Code, Message, Recommend}`. */
  gatewayError(requestId: string, regionId: string, code: string, message: string, status: number): Reply;
  /** A documented gateway error, with `%s` in its message filled by `detail`. */
  knownGatewayError(requestId: string, regionId: string, code: GatewayErrorCode, detail?: string): Reply;
}

/** Gateway errors as `product` answers them (`HostId: <host>.<region>.aliyuncs.com`). */
export function popGateway({ host, product }: PopProduct): PopGateway {
  const gatewayError: PopGateway['gatewayError'] = (requestId, regionId, code, message, status) => ({
    status,
    code,
    body: {
      RequestId: requestId,
      HostId: `${host}.${regionId}.aliyuncs.com`,
      Code: code,
      Message: message,
      Recommend: `https://next.api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=${product}`,
    },
  });
  return {
    gatewayError,
    knownGatewayError(requestId, regionId, code, detail) {
      const { status, message } = GATEWAY_ERRORS[code];
      return gatewayError(requestId, regionId, code, fill(message, detail), status);
    },
  };
}
