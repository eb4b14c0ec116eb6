/** CMS response bodies: the POP gateway error shape, CMS's own `{Success, Code, Message}` envelope. */
import { GATEWAY_ERRORS, type GatewayErrorCode, type Reply } from '../sae/envelope.js';

/** The gateway error body, with CMS's `HostId` (`metrics.<region>.aliyuncs.com`). */
export function cmsGatewayError(
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
      HostId: `metrics.${regionId}.aliyuncs.com`,
      Code: code,
      Message: message,
      Recommend: `https://next.api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Cms`,
    },
  };
}

/** A documented gateway error (same table as the SAE emulator's), `%s` filled by `detail`. */
export function knownCmsGatewayError(
  requestId: string,
  regionId: string,
  code: GatewayErrorCode,
  detail?: string,
): Reply {
  const { status, message } = GATEWAY_ERRORS[code];
  return cmsGatewayError(requestId, regionId, code, message.replace('%s', detail ?? ''), status);
}

/**
 * A parameter error. CMS's exact code for these is not documented for DescribeMetricRuleList; the
 * emulator uses the generic POP `InvalidParameter` (HTTP 400) in the gateway shape.
 */
export function invalidParameter(requestId: string, regionId: string, message: string): Reply {
  return cmsGatewayError(requestId, regionId, 'InvalidParameter', message, 400);
}

/** CMS business failure: `{RequestId, Success: false, Code, Message}` (Code as given, e.g. "ResourceNotFound"). */
export function cmsFailure(requestId: string, code: string, message: string, status: number): Reply {
  return { status, code, body: { RequestId: requestId, Success: false, Code: code, Message: message } };
}

/** CMS success: `Code` is the integer 200 here (TS SDK model `code?: number`; doc sample `200`). */
export function cmsSuccess(requestId: string, fields: Record<string, unknown>): Reply {
  return { status: 200, body: { RequestId: requestId, Success: true, Code: 200, Message: '', ...fields } };
}
