/** Response bodies: the SAE envelope for business answers, the POP gateway shape for gateway errors. */
import { randomBytes, randomUUID } from 'node:crypto';

/** `91F93257-7A4A-4BD3-9A7E-2F6EAE6D1234`-style request ID. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** 30 hex characters, like `0a98a02315955564772843261e1234`. */
export function newTraceId(): string {
  return randomBytes(15).toString('hex');
}

/** SAE business errors with their documented HTTP status and message (misspellings are official). */
export const SAE_ERRORS = {
  'InvalidParameter.NotEmpty': { status: 400, message: 'You must specify the parameter %s.' },
  'InvalidParameter.Obviously': { status: 400, message: 'The specified parameter is invalid {%s}.' },
  'Resouce.no.permission': {
    status: 400,
    message: 'You are not authorized to operate on the specified resources.',
  },
  'InvalidChangeOrder.NotFound': { status: 400, message: 'The current change order does not exist.' },
  'Application.ChangerOrder.Not.Running': {
    status: 400,
    message: 'The change order is not running and cannot be terminated.',
  },
  'Application.ChangerOrderRunning': {
    status: 400,
    message: 'An application change process is in progress. Please try again later.',
  },
  AccessDenied: { status: 403, message: 'AccessDenied: %s' },
  'InvalidAppId.NotFound': { status: 404, message: 'The specified AppId does not exist.' },
  // ListAppVersions and RollbackApplication document this one (400) rather than InvalidAppId.NotFound.
  'InvalidApplication.NotFound': { status: 400, message: 'The current application does not exist.' },
  'InvalidNamespaceId.NotFound': { status: 404, message: 'The specified NamespaceId does not exist.' },
  'InvalidParameter.WithMessage': { status: 400, message: 'The parameter is invalid {%s}: %s' },
} as const;

export type SaeErrorCode = keyof typeof SAE_ERRORS;

/** Errors the POP gateway answers before SAE sees the request. */
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

/** A response the server will write: status, JSON body, and the code for the call log. */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
  code?: string;
}

/** Replaces each `%s` in turn with the next detail (missing ones become empty). */
function fill(template: string, ...details: Array<string | undefined>): string {
  let i = 0;
  return template.replace(/%s/g, () => details[i++] ?? '');
}

/** The gateway error body `{RequestId, HostId, Code, Message, Recommend}`. */
export function gatewayError(
  requestId: string,
  regionId: string,
  code: string,
  message: string,
  status: number,
): Reply {
  return {
    status,
    code,
    body: {
      RequestId: requestId,
      HostId: `sae.${regionId}.aliyuncs.com`,
      Code: code,
      Message: message,
      Recommend: `https://next.api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=sae`,
    },
  };
}

/** A documented gateway error, with `%s` in its message filled by `detail`. */
export function knownGatewayError(
  requestId: string,
  regionId: string,
  code: GatewayErrorCode,
  detail?: string,
): Reply {
  const { status, message } = GATEWAY_ERRORS[code];
  return gatewayError(requestId, regionId, code, fill(message, detail), status);
}

/**
 * How SAE error bodies name the code: `documented` (default) as the official SDK's response models say —
 * `Code` is the HTTP status ("400"), the error code is in `ErrorCode`; `legacy`: `Code` repeats `ErrorCode`
 * (what this emulator sent before, and what some answers show). Gateway errors are `{Code}` either way.
 */
export type SaeErrorShape = 'documented' | 'legacy';

/**
 * The SAE envelope for a failed call, in the documented shape. `bodyStatus` is the status `Code` says,
 * when it differs from the wire's (an HTTP-200 `Success: false` answer still says the call failed: 4xx).
 */
export function saeError(
  requestId: string,
  code: string,
  message: string,
  status: number,
  bodyStatus = status,
): Reply {
  return {
    status,
    code,
    body: {
      RequestId: requestId,
      TraceId: newTraceId(),
      Code: String(bodyStatus),
      ErrorCode: code,
      Message: message,
      Success: false,
    },
  };
}

/** The reply as `shape` writes it: `legacy` puts the error code in `Code` too. Success and gateway bodies pass. */
export function inShape(reply: Reply, shape: SaeErrorShape): Reply {
  const { body } = reply;
  if (shape === 'documented' || body.Success !== false || typeof body.ErrorCode !== 'string') return reply;
  return { ...reply, body: { ...body, Code: body.ErrorCode } };
}

/** A documented SAE business error, with each `%s` in its message filled by the next detail. */
export function knownSaeError(requestId: string, code: SaeErrorCode, ...details: string[]): Reply {
  const { status, message } = SAE_ERRORS[code];
  return saeError(requestId, code, fill(message, ...details), status);
}

/** The SAE success envelope. `ErrorCode: "success"` as in the doc samples, so clients must not key on it. */
export function saeSuccess(requestId: string, data: unknown): Reply {
  return {
    status: 200,
    body: {
      RequestId: requestId,
      Message: 'success',
      TraceId: newTraceId(),
      Data: data,
      ErrorCode: 'success',
      Code: '200',
      Success: true,
    },
  };
}
