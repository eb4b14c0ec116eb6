/** Response bodies: the SAE envelope for business answers, the POP gateway shape for gateway errors. */
import { randomBytes } from 'node:crypto';
import { fill, popGateway, type Reply } from '../kit/pop-envelope.js';

export { GATEWAY_ERRORS, type GatewayErrorCode, newRequestId, type Reply } from '../kit/pop-envelope.js';

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

/** Gateway errors with SAE's `HostId` (`sae.<region>.aliyuncs.com`). */
export const { gatewayError, knownGatewayError } = popGateway({ host: 'sae', product: 'sae' });

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
